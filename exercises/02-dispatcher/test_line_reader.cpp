// Exercise 02: the checks your line_reader must pass.
#include "harness.hpp"
#include "line_reader.hpp"

namespace {

using lines_t = std::vector<std::string>;
constexpr double patience = 2.0;  // plenty on loopback

struct fixture {
    asyncore::channel_map map;
    asyncore::socket peer;
    std::unique_ptr<line_reader> reader;

    fixture() {
        auto [mine, theirs] = testing::socket_pair();
        peer = std::move(theirs);
        reader = std::make_unique<line_reader>(std::move(mine), &map);
    }
    void send(const std::string& text) { testing::write_all(peer.fileno(), text); }
    bool wait_for_lines(std::size_t n) {
        return testing::run_until(map, [&] { return reader->lines.size() >= n; }, patience);
    }
};

}  // namespace

TEST_CASE("one line arrives as one entry, without its newline", "[ex02]") {
    fixture f;
    f.send("hello\n");
    INFO("hint: handle_read() must recv() the data and cut it at '\\n'");
    REQUIRE(f.wait_for_lines(1));
    CHECK(f.reader->lines == lines_t{"hello"});
}

TEST_CASE("a line sent in pieces is delivered once it is complete", "[ex02]") {
    fixture f;
    f.send("hel");
    testing::run_until(f.map, [] { return false; }, 0.1);
    f.send("lo wor");
    testing::run_until(f.map, [] { return false; }, 0.1);
    INFO("hint: keep the start of an unfinished line in partial_ until its '\\n' arrives");
    CHECK(f.reader->lines.empty());
    f.send("ld\n");
    REQUIRE(f.wait_for_lines(1));
    CHECK(f.reader->lines == lines_t{"hello world"});
}

TEST_CASE("several lines in one read arrive in order", "[ex02]") {
    fixture f;
    f.send("one\ntwo\nthree\n");
    INFO("hint: one recv() can bring many lines: loop until no '\\n' is left");
    REQUIRE(f.wait_for_lines(3));
    CHECK(f.reader->lines == lines_t{"one", "two", "three"});
}

TEST_CASE("CRLF line endings lose their carriage return", "[ex02]") {
    fixture f;
    f.send("GET / HTTP/1.0\r\nHost: example\r\n");
    INFO("hint: network protocols often end lines with \"\\r\\n\"; drop the '\\r' too");
    REQUIRE(f.wait_for_lines(2));
    CHECK(f.reader->lines == lines_t{"GET / HTTP/1.0", "Host: example"});
}

TEST_CASE("at end of file the reader delivers the last unfinished line and closes", "[ex02]") {
    fixture f;
    f.send("first\nlast words");
    f.peer.close();
    {
        INFO("hint: end of file calls handle_close(); deliver partial_, then close() and set finished");
        REQUIRE(testing::run_until(f.map, [&] { return f.reader->finished; }, patience));
        CHECK(f.reader->lines == lines_t{"first", "last words"});
    }
    INFO("hint: handle_close() must close() the reader, or it stays in the map for ever");
    CHECK(f.map.empty());
}

TEST_CASE("an idle reader does not ask to write", "[ex02]") {
    fixture f;
    INFO("hint: a channel that says writable() when it has nothing to send wakes the loop at once, "
         "every pass: the loop spins at 100% CPU");
    CHECK_FALSE(f.reader->writable());
}

TEST_CASE("a burst of 100000 lines is read completely and in order", "[ex02]") {
    fixture f;
    std::string burst;
    for (int i = 0; i < 100000; ++i) burst += "line " + std::to_string(i) + "\n";
    bool written = false;
    std::thread writer([&] {
        try {
            testing::write_all(f.peer.fileno(), burst, 5.0);
            written = true;
        } catch (const std::exception&) {
            // the reader stopped reading; the checks below say so
        }
    });
    bool complete = testing::run_until(f.map, [&] { return f.reader->lines.size() >= 100000; }, 10.0);
    writer.join();
    INFO("hint: each time handle_read() runs, recv() what arrived and keep every complete line");
    CHECK(written);
    REQUIRE(complete);
    CHECK(f.reader->lines.front() == "line 0");
    CHECK(f.reader->lines[54321] == "line 54321");
    CHECK(f.reader->lines.back() == "line 99999");
}

TEST_CASE("a burst of lines is cut without moving the rest after each line", "[ex02]") {
    fixture f;
    std::string burst;
    for (int i = 0; i < 8000; ++i) burst += "line " + std::to_string(i) + "\n";
    // The whole burst is waiting before the reader runs: each recv() brings many lines at once.
    f.send(burst);
    REQUIRE(f.wait_for_lines(8000));
    INFO("partial_ moved " << f.reader->bytes_moved() << " bytes while " << burst.size()
         << " arrived (each byte may move once: at most " << burst.size() << ")");
    INFO("hint: erasing each line from the front of partial_ moves everything behind it, for every "
         "line: quadratic work. Walk through partial_ with a start index, and erase once per read");
    CHECK(f.reader->lines.back() == "line 7999");
    CHECK(f.reader->bytes_moved() <= burst.size());
}

TEST_CASE("a peer that resets the connection ends the reader cleanly", "[ex02]") {
    asyncore::channel_map map;
    auto [mine, theirs] = testing::tcp_pair();
    line_reader reader(std::move(mine), &map);
    testing::write_all(theirs.fileno(), "partial");
    testing::run_until(map, [] { return false; }, 0.1);
    testing::close_with_reset(theirs);
    {
        INFO("hint: a reset also ends in handle_close(): the library's recv() sees to that. "
             "Set finished there");
        REQUIRE(testing::run_until(map, [&] { return reader.finished; }, patience));
    }
    INFO("hint: handle_close() must close() the reader, or it stays in the map for ever");
    CHECK(map.empty());
}
