// Exercise 03: your buffered_sender must pass the same cases as the library's
// dispatcher_with_send. The cases are in chapters/03-handle-write/send_cases.hpp.
#include "buffered_sender.hpp"

#include "harness.hpp"

namespace {
using sender_under_test = buffered_sender;
std::size_t bytes_waiting(const buffered_sender& sender) { return sender.pending(); }
constexpr double send_wait = 2.0;  // plenty on loopback: a working sender needs a fraction of it
}  // namespace

#include "send_cases.hpp"

// Exercise 03's own case: the trap its task page warns about.
TEST_CASE("a large send moves each waiting byte at most once", "[ex03]") {
    asyncore::channel_map map;
    auto [mine, theirs] = testing::socket_pair();
    int small = 4096;  // a small socket buffer: the kernel takes a few KiB per send
    REQUIRE(::setsockopt(mine.fileno(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
    buffered_sender sender(std::move(mine), &map);
    const std::string payload(2 << 20, 'x');
    sender.send(payload);
    std::string got;
    bool drained = testing::run_until(map, [&] {
        char buffer[65536];
        ssize_t n;
        while ((n = ::recv(theirs.fileno(), buffer, sizeof buffer, 0)) > 0) got.append(buffer, n);
        return got.size() >= payload.size();
    });
    INFO("received " << got.size() << " of " << payload.size() << " bytes; the buffer moved "
         << sender.bytes_moved() << " bytes (at most " << payload.size() << " expected)");
    INFO("hint: buffer_.erase(0, n) after every send moves everything behind the sent bytes, every "
         "time: quadratic work. Move sent_ instead; clear the buffer once all is sent, and erase the "
         "sent part only when it is at least as large as what is left");
    CHECK(drained);
    CHECK(sender.bytes_moved() <= payload.size());
}
