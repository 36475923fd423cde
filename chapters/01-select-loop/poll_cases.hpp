// Chapter 01: the behaviour of one pass of the select() loop (Python's asyncore.poll).
//
// Included by the library tests (poll_under_test = asyncore::poll) and by exercise 01
// (poll_under_test = your my_poll): the exercise is checked by the same tests as the library.
// Before including, define: void poll_under_test(double timeout, asyncore::channel_map& map);
#pragma once

#include "fd_limit.hpp"
#include "interrupt.hpp"
#include "probe.hpp"

#include <pthread.h>

#include <algorithm>
#include <csignal>
#include <thread>

using testing::probe;
using testing::trace;

namespace {

double seconds_since(testing::clock::time_point start) {
    return std::chrono::duration<double>(testing::clock::now() - start).count();
}

}  // namespace

TEST_CASE("poll() delivers a read event to a channel whose peer sent data", "[poll]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    probe channel(std::move(mine), map, events, "p");
    testing::write_all(peer.fileno(), "hello");

    poll_under_test(testing::patience, map);

    CHECK(events.events == std::vector<std::string>{"p.read"});
    CHECK(channel.received == "hello");
}

TEST_CASE("a channel that wants nothing is not watched so the pass sleeps but an empty map does not", "[poll]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    probe channel(std::move(mine), map, events, "p");
    channel.wants_read = false;
    testing::write_all(peer.fileno(), "ignored");

    auto start = testing::clock::now();
    poll_under_test(0.2, map);

    CHECK(events.events.empty());
    INFO("with nothing to select, poll() sleeps the timeout (time.sleep in Python)");
    CHECK(seconds_since(start) >= 0.15);

    asyncore::channel_map empty;
    start = testing::clock::now();
    poll_under_test(3.0, empty);
    INFO("but an empty map has nothing to wait for: Python returns without sleeping");
    CHECK(seconds_since(start) < 1.0);
}

TEST_CASE("readable() and writable() are asked exactly once per channel per pass", "[poll]") {
    asyncore::channel_map map;
    trace events;
    auto [a, a_peer] = testing::socket_pair();
    auto [b, b_peer] = testing::socket_pair();
    probe first(std::move(a), map, events, "a");
    probe second(std::move(b), map, events, "b");

    for (int pass = 0; pass < 3; ++pass) poll_under_test(0.0, map);

    CHECK(first.readable_calls == 3);
    CHECK(first.writable_calls == 3);
    CHECK(second.readable_calls == 3);
    CHECK(second.writable_calls == 3);
}

TEST_CASE("write events go to the channels that asked, and only to them", "[poll]") {
    asyncore::channel_map map;
    trace events;
    auto [a, a_peer] = testing::socket_pair();
    auto [b, b_peer] = testing::socket_pair();
    probe writer(std::move(a), map, events, "writer");
    probe quiet(std::move(b), map, events, "quiet");
    writer.wants_write = true;

    poll_under_test(testing::patience, map);

    CHECK(events.events == std::vector<std::string>{"writer.write"});
}

TEST_CASE("a pass delivers every read, then every write, then every exceptional event (per channel under poll2)", "[poll]") {
    asyncore::channel_map map;
    trace events;
    auto [a, a_peer] = testing::tcp_pair();
    auto [b, b_peer] = testing::tcp_pair();
    probe first(std::move(a), map, events, "a");
    probe second(std::move(b), map, events, "b");
    first.wants_write = second.wants_write = true;
    testing::write_all(a_peer.fileno(), "data");
    testing::write_all(b_peer.fileno(), "data");
    REQUIRE(::send(a_peer.fileno(), "!", 1, MSG_OOB) == 1);  // urgent data: an exceptional event
    REQUIRE(testing::wait_fd(first.fileno(), POLLPRI));

    poll_under_test(testing::patience, map);

    auto phase = [](const std::string& e) { return e.substr(e.find('.') + 1); };
    std::vector<std::string> phases;
    for (const auto& e : events.events) phases.push_back(phase(e));
    CHECK(events.count("a.read") == 1);
    CHECK(events.count("b.read") == 1);
    CHECK(events.count("a.write") == 1);
    CHECK(events.count("b.write") == 1);
    CHECK(events.count("a.expt") == 1);
    INFO("events in order: " << Catch::Detail::stringify(events.events));
    if (testing::use_poll) {
        INFO("poll2() goes channel by channel, as Python's readwrite(): read, write, then urgent data");
        CHECK(events.events == std::vector<std::string>{"a.read", "a.write", "a.expt", "b.read", "b.write"});
        return;
    }
    CHECK(std::is_sorted(phases.begin(), phases.end(), [](const std::string& x, const std::string& y) {
        auto rank = [](const std::string& p) { return p == "read" ? 0 : p == "write" ? 1 : 2; };
        return rank(x) < rank(y);
    }));
}

TEST_CASE("a channel closed by an earlier handler in the same pass gets no event", "[poll]") {
    asyncore::channel_map map;
    trace events;
    auto [a, a_peer] = testing::socket_pair();
    auto [b, b_peer] = testing::socket_pair();
    probe first(std::move(a), map, events, "a");
    probe second(std::move(b), map, events, "b");
    first.on_read = [&] { second.close(); };
    second.on_read = [&] { first.close(); };
    testing::write_all(a_peer.fileno(), "x");
    testing::write_all(b_peer.fileno(), "x");
    REQUIRE(testing::wait_fd(first.fileno(), POLLIN));
    REQUIRE(testing::wait_fd(second.fileno(), POLLIN));

    poll_under_test(testing::patience, map);

    INFO("both were ready; whichever ran first closed the other, which must then be skipped");
    CHECK(events.events.size() == 1);
    CHECK(map.size() == 1);
}

TEST_CASE("an exception from a handler goes to that channel's handle_error and the pass goes on", "[poll][errors]") {
    asyncore::channel_map map;
    trace events;
    auto [a, a_peer] = testing::socket_pair();
    auto [b, b_peer] = testing::socket_pair();
    probe failing(std::move(a), map, events, "a");
    probe fine(std::move(b), map, events, "b");
    failing.on_read = [] { throw std::runtime_error("boom"); };
    testing::write_all(a_peer.fileno(), "x");
    testing::write_all(b_peer.fileno(), "x");
    REQUIRE(testing::wait_fd(failing.fileno(), POLLIN));
    REQUIRE(testing::wait_fd(fine.fileno(), POLLIN));

    poll_under_test(testing::patience, map);

    CHECK(events.count("a.read") == 1);
    CHECK(events.count("a.error") == 1);
    CHECK(events.count("b.read") == 1);
    INFO("handle_error runs inside the catch block, so `throw;` shows it the exception");
    CHECK(failing.last_error == "boom");
}

TEST_CASE("exit_now from a handler leaves poll() at once", "[poll][errors]") {
    asyncore::channel_map map;
    trace events;
    auto [a, a_peer] = testing::socket_pair();
    probe quitter(std::move(a), map, events, "a");
    quitter.on_read = [] { throw asyncore::exit_now(); };
    testing::write_all(a_peer.fileno(), "x");

    CHECK_THROWS_AS(poll_under_test(testing::patience, map), asyncore::exit_now);
    CHECK(events.count("a.error") == 0);
}

TEST_CASE("a signal that interrupts the wait (EINTR) does not end the pass early", "[poll][signals]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    probe channel(std::move(mine), map, events, "p");

    testing::interrupted_wait signal(peer.fileno(), "late");  // SIGUSR1 after 100 ms, data after 300
    poll_under_test(testing::patience, map);
    REQUIRE(signal.done() == 1);
    INFO("after EINTR the wait must go on (with the time left) until the data arrives");
    CHECK(events.events == std::vector<std::string>{"p.read"});
    CHECK(channel.received == "late");
}

TEST_CASE("a descriptor at or above FD_SETSIZE is refused by select() with a clear error and served by poll()",
          "[poll][limits]") {
    testing::fd_limit limit(testing::fd_limit::direction::at_least, FD_SETSIZE + 16);
    if (!limit.possible()) SKIP("the hard descriptor limit is below FD_SETSIZE");
    REQUIRE(limit.ok());

    asyncore::channel_map map;
    trace events;
    auto [low, low_peer] = testing::socket_pair();
    auto [high, high_peer] = testing::socket_pair();
    int big_fd = ::dup3(high.fileno(), FD_SETSIZE + 5, O_CLOEXEC);
    REQUIRE(big_fd == FD_SETSIZE + 5);
    high.close();
    probe small(std::move(low), map, events, "small");
    probe big(asyncore::socket(big_fd), map, events, "big");
    testing::write_all(low_peer.fileno(), "x");
    testing::write_all(high_peer.fileno(), "x");

    poll_under_test(testing::patience, map);

    if (testing::use_poll) {
        INFO("poll() has no FD_SETSIZE limit: the large descriptor is served like any other");
        CHECK(events.count("big.read") == 1);
        CHECK(events.count("small.read") == 1);
        CHECK(events.count("big.error") == 0);
        return;
    }
    CHECK(events.count("big.error") == 1);
    CHECK(events.count("big.read") == 0);
    INFO("the error names the limit: " << big.last_error);
    CHECK_THAT(big.last_error, testing::contains("FD_SETSIZE") &&
                                   testing::contains(std::to_string(FD_SETSIZE)));
    INFO("the other channels carry on");
    CHECK(events.count("small.read") == 1);
}
