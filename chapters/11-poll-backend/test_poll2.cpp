// Chapter 11: the library's poll2(), checked against the chapter's cases, and loop(use_poll).
#include "fd_limit.hpp"
#include "harness.hpp"

namespace {
void poll2_under_test(double timeout, asyncore::channel_map& map) { asyncore::poll2(timeout, &map); }
}  // namespace

#include "poll2_cases.hpp"

TEST_CASE("loop(use_poll = true) serves a descriptor above FD_SETSIZE that select() refuses", "[poll2][limits]") {
    testing::fd_limit limit(testing::fd_limit::direction::at_least, FD_SETSIZE + 64);
    if (!limit.ok()) SKIP("the hard descriptor limit is below FD_SETSIZE");
    trace events;
    auto [sock, peer] = testing::socket_pair();
    asyncore::channel_map map;
    probe big(testing::moved_to(std::move(sock), FD_SETSIZE + 10), map, events, "big");
    testing::write_all(peer.fileno(), "x");

    asyncore::loop(testing::patience, true, &map, 1);
    INFO("poll() takes an array of descriptors, not a bitmap: no limit but RLIMIT_NOFILE");
    CHECK(events.events == strings{"big.read"});
    CHECK(big.received == "x");

    testing::write_all(peer.fileno(), "y");
    asyncore::loop(testing::patience, false, &map, 1);
    INFO("select() cannot hold it: a clear error, through the channel's handle_error()");
    CHECK(events.count("big.error") == 1);
    CHECK_THAT(big.last_error, testing::contains("FD_SETSIZE"));
}
