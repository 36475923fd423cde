// Chapter 03: send_buffer, the bytes waiting to be sent, appended at the back and consumed from
// the front without re-copying what is left.
#include "harness.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <string_view>

using asyncore::send_buffer;

namespace {

std::string letters(std::size_t size, char& next) {
    std::string text;
    for (std::size_t i = 0; i < size; ++i) {
        text += next;
        next = next == 'z' ? 'a' : static_cast<char>(next + 1);
    }
    return text;
}

}  // namespace

TEST_CASE("a new send_buffer is empty", "[send_buffer]") {
    send_buffer buffer;
    CHECK(buffer.empty());
    CHECK(buffer.size() == 0);
    CHECK(buffer.front(10).empty());
    CHECK(buffer.view().empty());
}

TEST_CASE("append() adds at the back and front(n) shows the first n bytes without copying", "[send_buffer]") {
    send_buffer buffer;
    buffer.append("hello ");
    buffer.append("world");

    CHECK(buffer.size() == 11);
    CHECK_FALSE(buffer.empty());
    CHECK(buffer.front(5) == "hello");
    INFO("asking for more than waits gives what waits");
    CHECK(buffer.front(100) == "hello world");
    CHECK(buffer.view() == "hello world");
    INFO("front() is a view into the buffer, not a copy");
    CHECK(buffer.front(3).data() == buffer.view().data());
}

TEST_CASE("consume() drops bytes from the front and never more than it holds", "[send_buffer]") {
    send_buffer buffer;
    buffer.append("abcdef");

    buffer.consume(2);
    CHECK(buffer.view() == "cdef");
    buffer.consume(0);
    CHECK(buffer.view() == "cdef");
    buffer.append("gh");
    CHECK(buffer.view() == "cdefgh");
    buffer.consume(100);
    CHECK(buffer.empty());
    buffer.consume(5);
    CHECK(buffer.empty());
    buffer.append("xyz");
    CHECK(buffer.view() == "xyz");
}

TEST_CASE("clear() drops everything", "[send_buffer]") {
    send_buffer buffer;
    buffer.append("some bytes");
    buffer.consume(3);
    buffer.clear();
    CHECK(buffer.empty());
    CHECK(buffer.view().empty());
    buffer.append("again");
    CHECK(buffer.view() == "again");
}

TEST_CASE("a small consume() leaves the rest where it is instead of copying it", "[send_buffer]") {
    send_buffer buffer;
    std::string data(1 << 20, 'q');
    data[65536] = 'r';
    buffer.append(data);
    const char* front = buffer.front(1).data();

    buffer.consume(65536);

    INFO("Python's out_buffer = out_buffer[n:] copies all that is left; send_buffer moves an offset");
    CHECK(buffer.front(1).data() == front + 65536);
    CHECK(buffer.front(1) == "r");
    CHECK(buffer.size() == data.size() - 65536);
}

TEST_CASE("sending a large buffer in 64 KiB slices moves each byte at most once", "[send_buffer]") {
    send_buffer buffer;
    char next = 'a';
    std::string data = letters(8 << 20, next);
    buffer.append(data);
    std::size_t consumed = 0, moved = 0, compactions = 0, slices = 0;

    while (!buffer.empty()) {
        std::size_t n = std::min<std::size_t>(buffer.size(), 65536);
        const char* after = buffer.front(1).data() + n;  // where the rest is, if nothing moves
        buffer.consume(n);
        consumed += n;
        ++slices;
        if (!buffer.empty() && buffer.front(1).data() != after) {  // the rest was moved down
            moved += buffer.size();
            ++compactions;
        }
        REQUIRE(buffer.size() == data.size() - consumed);
        REQUIRE(buffer.front(64) == std::string_view(data).substr(consumed, 64));
    }

    INFO(slices << " slices, " << compactions << " compactions, " << moved << " bytes moved; "
                << "re-slicing as Python does would move about " << data.size() / 2 * (slices - 1) << " bytes");
    CHECK(moved <= data.size());
    CHECK(compactions < slices / 4);
}

TEST_CASE("compaction keeps the content right under any mix of append() and consume()", "[send_buffer]") {
    std::mt19937 random(2024);  // fixed: a failure can be replayed
    send_buffer buffer;
    std::string model;  // what the buffer must hold, kept the slow and obvious way
    char next = 'a';

    for (int step = 0; step < 20000; ++step) {
        auto choice = random();
        if (choice % 3 != 0) {
            std::string chunk = letters(random() % 3000, next);
            buffer.append(chunk);
            model += chunk;
        } else {
            std::size_t n = buffer.front(random() % 6500).size();  // a partial write's worth
            buffer.consume(n);
            model.erase(0, n);
        }
        INFO("step " << step);
        REQUIRE(buffer.size() == model.size());
        REQUIRE(buffer.view() == model);
    }
}

TEST_CASE("a drained buffer gives back the memory of a large burst and keeps a small one", "[send_buffer]") {
    send_buffer buffer;
    buffer.append(std::string(8 << 20, 'm'));
    REQUIRE(buffer.capacity() >= std::size_t{8} << 20);
    while (!buffer.empty()) buffer.consume(65536);
    INFO("a long-lived connection that once queued 8 MiB must not keep 8 MiB reserved; capacity is now "
         << buffer.capacity());
    CHECK(buffer.capacity() <= std::size_t{1} << 20);

    buffer.append(std::string(4000, 's'));
    std::size_t small = buffer.capacity();
    buffer.consume(4000);
    INFO("a small buffer keeps its storage, so a chatty connection does not allocate for every message");
    CHECK(buffer.capacity() == small);
}
