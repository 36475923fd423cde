// Chapter 11: the behaviour of one pass of the poll() loop (Python's asyncore.poll2), the cases
// that are poll()'s own. The cases it shares with select() are chapter 01's poll_cases.hpp, run
// with testing::use_poll set (CTest names "... on poll(): ..."; exercise 11 includes both files).
//
// Included by the library tests (poll2_under_test = asyncore::poll2) and by exercise 11
// (poll2_under_test = your my_poll2): the exercise is checked by the same tests as the library.
// Before including, define: void poll2_under_test(double timeout, asyncore::channel_map& map);
#pragma once

#include "probe.hpp"

#include <algorithm>
#include <functional>

using testing::probe;
using testing::trace;
using strings = std::vector<std::string>;

namespace {

// Runs poll2() passes until `done()`, at most `patience` seconds (testing::run_until follows
// --backend; these tests are poll2()'s own, whatever the backend flag says).
bool run_poll2_until(asyncore::channel_map& map, const std::function<bool()>& done) {
    auto deadline = testing::clock::now() + std::chrono::duration<double>(testing::patience);
    while (!done() && testing::clock::now() < deadline) poll2_under_test(0.01, map);
    return done();
}

// Closes itself in handle_read when the peer has gone, and counts its handle_close() calls.
class closer : public asyncore::dispatcher {
public:
    closer(asyncore::socket sock, asyncore::channel_map& map, trace& log)
        : dispatcher(std::move(sock), &map), log_(log) {}
    bool writable() override { return true; }  // ready to write too: Python would then call handle_write
    void handle_read() override {
        log_("read");
        recv(4096);  // end of file or reset: handle_close()
    }
    void handle_write() override { log_("write"); }
    void handle_close() override {
        log_("close");
        close();
    }

private:
    trace& log_;
};

}  // namespace

TEST_CASE("poll2() hears urgent data as POLLPRI through handle_expt_event", "[poll2]") {
    asyncore::channel_map map;
    trace events;
    auto [client, server] = testing::tcp_pair();
    probe channel(std::move(client), map, events, "c");
    char urgent = '!';
    REQUIRE(::send(server.fileno(), &urgent, 1, MSG_OOB) == 1);
    REQUIRE(testing::wait_fd(channel.fileno(), POLLPRI));

    REQUIRE(run_poll2_until(map, [&] { return events.count("c.expt") > 0; }));
    INFO("readable() channels are watched for POLLIN | POLLPRI, as in Python");
    CHECK(events.count("c.expt") == 1);
}

TEST_CASE("a listening channel is never watched for writing under poll2()", "[poll2]") {
    asyncore::channel_map map;
    trace events;
    asyncore::dispatcher server(&map);
    server.create_socket(AF_INET, SOCK_STREAM);
    server.bind(asyncore::address("127.0.0.1", 0));
    server.listen(5);
    REQUIRE(server.writable());  // the default says yes; poll2() must not ask anyway

    auto start = testing::clock::now();
    for (int pass = 0; pass < 3; ++pass) poll2_under_test(0.1, map);
    INFO("three passes with nothing to accept must wait their timeouts, not return at once");
    CHECK(std::chrono::duration<double>(testing::clock::now() - start).count() >= 0.25);
}

TEST_CASE("a peer that resets gets one handle_close() and no handler after it (bpo-30985)", "[poll2]") {
    // Python's readwrite() runs every step of the flags poll() returned, even after an earlier
    // step closed the channel: a reset gives read, close, write, close, close.
    asyncore::channel_map map;
    trace events;
    auto [client, server] = testing::tcp_pair();
    closer channel(std::move(client), map, events);
    testing::close_with_reset(server);
    REQUIRE(testing::wait_fd(channel.fileno(), POLLIN));

    poll2_under_test(testing::patience, map);

    CHECK(events.events == strings{"read", "close"});
    CHECK(map.empty());
}

TEST_CASE("POLLHUP, POLLERR and POLLNVAL end in handle_close()", "[poll2]") {
    asyncore::channel_map map;
    trace events;

    SECTION("POLLHUP: a channel that does not read still hears that its peer hung up") {
        auto [sock, peer] = testing::socket_pair();
        probe channel(std::move(sock), map, events, "c");
        channel.wants_read = false;
        channel.wants_write = true;
        peer.close();
        // A socketpair whose peer closed is writable (EPIPE awaits) and hung up: one pass,
        // the write event first, then the close.
        REQUIRE(run_poll2_until(map, [&] { return events.count("c.close") > 0; }));
        CHECK(events.count("c.close") == 1);
    }
    SECTION("POLLNVAL: a descriptor closed behind the library's back") {
        auto [sock, peer] = testing::socket_pair();
        int fd = sock.fileno();
        probe channel(std::move(sock), map, events, "c");
        REQUIRE(::close(fd) == 0);  // the channel still files it: poll() answers POLLNVAL
        poll2_under_test(testing::patience, map);
        CHECK(events.events == strings{"c.close"});
    }
}
