// Chapter 11: the behaviour of one pass of the poll() loop (Python's asyncore.poll2), the cases
// that are poll()'s own. (Every earlier chapter's tests also run on it: CTest names "... on poll(): ...".)
//
// Included by the library tests (poll2_under_test = asyncore::poll2) and by exercise 11
// (poll2_under_test = your my_poll2): the exercise is checked by the same tests as the library.
// Before including, define: void poll2_under_test(double timeout, asyncore::channel_map& map);
#pragma once

#include "interrupt.hpp"
#include "probe.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <functional>

using testing::probe;
using testing::trace;
using strings = std::vector<std::string>;

namespace {

// Raises the soft descriptor limit while it lives, so a test can use an fd above FD_SETSIZE.
class fd_limit {
public:
    explicit fd_limit(rlim_t needed) {
        ::getrlimit(RLIMIT_NOFILE, &old_);
        rlimit raised = old_;
        raised.rlim_cur = std::max<rlim_t>(old_.rlim_cur, needed);
        ok_ = (old_.rlim_max == RLIM_INFINITY || old_.rlim_max >= needed) && ::setrlimit(RLIMIT_NOFILE, &raised) == 0;
    }
    ~fd_limit() { ::setrlimit(RLIMIT_NOFILE, &old_); }
    fd_limit(const fd_limit&) = delete;
    fd_limit& operator=(const fd_limit&) = delete;
    bool ok() const { return ok_; }

private:
    rlimit old_{};
    bool ok_ = false;
};

// A socket moved to descriptor `fd` (above FD_SETSIZE, say).
asyncore::socket moved_to(asyncore::socket sock, int fd) {
    int moved = ::dup3(sock.fileno(), fd, O_CLOEXEC);
    if (moved != fd) throw std::runtime_error("dup3 failed");
    return asyncore::socket(moved);
}

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

TEST_CASE("poll2() reads, writes and sleeps like poll()", "[poll2]") {
    asyncore::channel_map map;
    trace events;
    auto [a, a_peer] = testing::socket_pair();
    auto [b, b_peer] = testing::socket_pair();
    probe reader(std::move(a), map, events, "reader");
    probe writer(std::move(b), map, events, "writer");
    writer.wants_read = false;
    writer.wants_write = true;
    testing::write_all(a_peer.fileno(), "hello");
    REQUIRE(testing::wait_fd(reader.fileno(), POLLIN));

    poll2_under_test(testing::patience, map);

    CHECK(events.events == strings{"reader.read", "writer.write"});
    CHECK(reader.received == "hello");

    SECTION("a map whose channels want nothing sleeps the timeout instead of spinning") {
        reader.wants_read = false;
        writer.wants_write = false;
        events.events.clear();
        auto start = testing::clock::now();
        poll2_under_test(0.2, map);
        INFO("hint: with nothing to watch, poll2() must let the time pass, as poll() does");
        CHECK(std::chrono::duration<double>(testing::clock::now() - start).count() >= 0.15);
        CHECK(events.events.empty());
    }
}

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

TEST_CASE("an exception from a handler goes to handle_error() and the pass goes on", "[poll2]") {
    asyncore::channel_map map;
    trace events;
    auto [a, a_peer] = testing::socket_pair();
    auto [b, b_peer] = testing::socket_pair();
    probe thrower(std::move(a), map, events, "a");
    probe other(std::move(b), map, events, "b");
    thrower.on_read = [] { throw std::runtime_error("boom"); };
    testing::write_all(a_peer.fileno(), "x");
    testing::write_all(b_peer.fileno(), "y");
    REQUIRE(testing::wait_fd(other.fileno(), POLLIN));

    poll2_under_test(testing::patience, map);

    CHECK(thrower.last_error == "boom");
    CHECK(events.events == strings{"a.read", "a.error", "b.read"});
}


TEST_CASE("a descriptor above FD_SETSIZE is served like any other", "[poll2][limits]") {
    fd_limit limit(FD_SETSIZE + 64);
    if (!limit.ok()) SKIP("the hard descriptor limit is below FD_SETSIZE");
    trace events;
    auto [sock, peer] = testing::socket_pair();
    asyncore::channel_map map;
    probe big(moved_to(std::move(sock), FD_SETSIZE + 10), map, events, "big");
    testing::write_all(peer.fileno(), "x");

    poll2_under_test(testing::patience, map);
    INFO("hint: poll() takes an array of struct pollfd, not an fd_set: there is no FD_SETSIZE to check");
    CHECK(events.events == strings{"big.read"});
    CHECK(big.received == "x");
}

TEST_CASE("a signal that interrupts poll() (EINTR) does not end the pass early", "[poll2][signals]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    probe channel(std::move(mine), map, events, "p");

    testing::interrupted_wait signal(peer.fileno(), "late");  // SIGUSR1 after 100 ms, data after 300
    poll2_under_test(testing::patience, map);
    REQUIRE(signal.done() == 1);
    INFO("hint: poll() fails with EINTR when a signal arrives; wait again (with the time left)");
    CHECK(events.events == strings{"p.read"});
    CHECK(channel.received == "late");
}

TEST_CASE("exit_now from a handler leaves poll2() at once and skips handle_error()", "[poll2][errors]") {
    asyncore::channel_map map;
    trace events;
    auto [a, a_peer] = testing::socket_pair();
    probe quitter(std::move(a), map, events, "a");
    quitter.on_read = [] { throw asyncore::exit_now(); };
    testing::write_all(a_peer.fileno(), "x");

    INFO("hint: catch asyncore::exit_now first and rethrow it; everything else goes to handle_error()");
    CHECK_THROWS_AS(poll2_under_test(testing::patience, map), asyncore::exit_now);
    CHECK(events.count("a.error") == 0);
}
