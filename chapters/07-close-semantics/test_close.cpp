// Chapter 07: how channels end. End of file and "peer gone" errors become handle_close(); close()
// is idempotent and safe from any handler; a channel closed during a pass gets no more events.
#include "close_helpers.hpp"

#include "../04-accept/net_helpers.hpp"

#include <netinet/in.h>

#include <stdexcept>
#include <system_error>

using testing::recorder;
using testing::trace;
using strings = std::vector<std::string>;

TEST_CASE("recv() of 0 bytes at end of file calls handle_close once and returns nothing", "[close]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    recorder a(std::move(mine), map, events, "a");
    std::string got = "not called";
    a.on_read = [&](recorder& self) { got = self.recv(100); };
    peer.close();

    REQUIRE(testing::run_until(map, [&] { return map.empty(); }));

    CHECK(got.empty());
    INFO("recv() calls handle_close() itself, from inside handle_read()");
    CHECK(events.events == strings{"a.read", "a.close"});
    CHECK_FALSE(a.connected);
}

TEST_CASE("recv() failing with ECONNRESET calls handle_close and reports no error", "[close]") {
    asyncore::channel_map map;
    trace events;
    auto [client, server] = testing::tcp_pair();
    recorder a(std::move(client), map, events, "a");
    testing::close_with_reset(server);
    REQUIRE(testing::wait_for_error(a.fileno()));

    testing::captured_output output;
    REQUIRE(testing::run_until(map, [&] { return map.empty(); }));

    CHECK(events.events == strings{"a.read", "a.close"});
    INFO("a reset is an ordinary way for a connection to end: no 'error:' line");
    CHECK(output.out().empty());
}

TEST_CASE("recv() on a socket that never connected (ENOTCONN) calls handle_close", "[close]") {
    asyncore::channel_map map;
    trace events;
    recorder a(asyncore::socket::create(AF_INET, SOCK_STREAM), map, events, "a");
    REQUIRE_FALSE(a.connected);

    CHECK(a.recv(100).empty());
    CHECK(events.events == strings{"a.close"});
    CHECK(map.empty());
}

TEST_CASE("recv() on a descriptor closed behind the channel's back (EBADF) calls handle_close", "[close]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    recorder a(std::move(mine), map, events, "a");
    ::close(a.fileno());  // nothing opens a descriptor before a's own close() below

    CHECK(a.recv(100).empty());
    CHECK(events.events == strings{"a.close"});
    CHECK(map.empty());
    CHECK(a.fileno() == -1);
}

TEST_CASE("send() to a peer that is gone (EPIPE) calls handle_close and returns 0 without SIGPIPE", "[close]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    recorder a(std::move(mine), map, events, "a");
    peer.close();

    CHECK(a.dispatcher::send("anyone there?") == 0);
    CHECK(events.events == strings{"a.close"});
    CHECK(map.empty());
}

TEST_CASE("the peer-gone errors are exactly ECONNRESET ENOTCONN ESHUTDOWN ECONNABORTED EPIPE and EBADF",
          "[close]") {
    // ESHUTDOWN and ECONNABORTED do not come out of recv() or send() on Linux sockets (Linux
    // says EPIPE after a shutdown); they are in the set for the systems where they do.
    for (int err : {ECONNRESET, ENOTCONN, ESHUTDOWN, ECONNABORTED, EPIPE, EBADF}) {
        INFO("errno " << err << " (" << asyncore::strerror(err) << ")");
        CHECK(asyncore::is_disconnected(err));
    }
    for (int err : {0, EAGAIN, EWOULDBLOCK, EINTR, ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ENOBUFS}) {
        INFO("errno " << err << " (" << asyncore::strerror(err) << ")");
        CHECK_FALSE(asyncore::is_disconnected(err));
    }
}

TEST_CASE("send() on a full socket buffer returns 0 and keeps the channel", "[close]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    recorder a(std::move(mine), map, events, "a");
    const std::string block(65536, 'x');

    std::size_t sent = 0, last = 1;
    for (int i = 0; i < 10000 && last != 0; ++i) sent += last = a.dispatcher::send(block);

    INFO("EWOULDBLOCK means 'later', not 'gone'");
    CHECK(last == 0);
    CHECK(sent > 0);
    CHECK(a.connected);
    CHECK(map.get(a.fileno()) == &a);
    CHECK(events.events.empty());
}

TEST_CASE("close() clears the flags and leaves the map and closes the descriptor and can be called twice",
          "[close]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    recorder a(std::move(mine), map, events, "a");
    REQUIRE(a.connected);

    a.close();

    CHECK_FALSE(a.connected);
    CHECK_FALSE(a.accepting);
    CHECK_FALSE(a.connecting);
    CHECK(a.fileno() == -1);
    CHECK(map.empty());
    CHECK(testing::at_eof(peer.fileno()));
    CHECK_NOTHROW(a.close());
    INFO("close() is not handle_close(): nothing is called back");
    CHECK(events.events.empty());
}

TEST_CASE("a channel can close itself from any of its handlers", "[close]") {
    asyncore::channel_map map;
    trace events;
    auto [client, server] = testing::tcp_pair();
    recorder a(std::move(client), map, events, "a");
    auto close_me = [](recorder& self) {
        self.close();
        self.close();  // twice, for good measure
    };

    SECTION("from handle_read") {
        a.on_read = close_me;
        testing::write_all(server.fileno(), "x");
        REQUIRE(testing::run_until(map, [&] { return map.empty(); }));
        CHECK(events.events == strings{"a.read"});
    }
    SECTION("from handle_write") {
        a.wants_write = true;
        a.on_write = close_me;
        REQUIRE(testing::run_until(map, [&] { return map.empty(); }));
        CHECK(events.events == strings{"a.write"});
    }
    SECTION("from handle_expt") {
        a.on_expt = close_me;
        char urgent = '!';
        REQUIRE(::send(server.fileno(), &urgent, 1, MSG_OOB) == 1);
        REQUIRE(testing::run_until(map, [&] { return map.empty(); }));
        CHECK(events.events == strings{"a.expt"});
    }
    SECTION("from handle_close, which closes again after the hook") {
        a.on_close = close_me;
        server.close();
        REQUIRE(testing::run_until(map, [&] { return map.empty(); }));
        CHECK(events.events == strings{"a.read", "a.close"});
    }
    CHECK(a.fileno() == -1);
    INFO("the peer must see the connection end: end of file, or a reset where unread data was dropped");
    if (server.fileno() >= 0) CHECK(testing::peer_gone(server.fileno()));
}

TEST_CASE("a channel closed by another handler in the same pass gets none of its ready events", "[close]") {
    asyncore::channel_map map;
    trace events;
    auto [a_sock, a_peer] = testing::socket_pair();
    auto [b_sock, b_peer] = testing::socket_pair();
    recorder a(std::move(a_sock), map, events, "a");
    recorder b(std::move(b_sock), map, events, "b");
    REQUIRE(a.fileno() < b.fileno());  // a's event comes first
    b.wants_write = true;              // b is ready to read and to write
    a.on_read = [&](recorder&) { b.close(); };
    testing::write_all(a_peer.fileno(), "x");
    testing::write_all(b_peer.fileno(), "y");
    REQUIRE(testing::wait_fd(b.fileno(), POLLIN));

    testing::poll(testing::patience, map);

    INFO("b was ready for reading and writing, but closed before its turn: no read, no write, no close");
    CHECK(events.events == strings{"a.read"});
    CHECK(b.fileno() == -1);
    CHECK(map.size() == 1);
}

TEST_CASE("a peer that resets while the client writes ends in handle_close and not a crash", "[close]") {
    // Python's test_handle_close_after_conn_broken (bpo-5661, bpo-11265). SIGPIPE is at its
    // default in this test program: a send() without MSG_NOSIGNAL would kill it.
    asyncore::channel_map map;
    trace events;
    auto [client, server] = testing::tcp_pair();
    recorder a(std::move(client), map, events, "a");
    a.send(std::string(8 << 20, 'x'));  // far more than the socket buffers hold
    testing::run_until(map, [] { return false; }, 0.05);
    REQUIRE_FALSE(a.out_buffer.empty());
    testing::read_some(server.fileno(), 1000, 0.5);  // the server reads a little, then resets
    testing::close_with_reset(server);

    testing::captured_output output;
    REQUIRE(testing::run_until(map, [&] { return map.empty(); }));

    CHECK(a.closes == 1);
    CHECK(events.count("a.close") == 1);
    CHECK(output.out().empty());
}

TEST_CASE("handle_expt_event with a pending socket error closes the channel instead of calling handle_expt",
          "[close]") {
    asyncore::channel_map map;
    trace events;

    SECTION("a connection reset by the peer") {
        auto [client, server] = testing::tcp_pair();
        recorder a(std::move(client), map, events, "a");
        testing::close_with_reset(server);
        REQUIRE(testing::wait_for_error(a.fileno()));
        asyncore::expt(a);  // what a system that reports errors as "exceptional" delivers
        CHECK(events.events == strings{"a.close"});
        CHECK(a.fileno() == -1);
    }
    SECTION("a connect that was refused") {
        // A port that nothing listens on: bind one, and close it without listening.
        asyncore::socket taken = asyncore::socket::create(AF_INET, SOCK_STREAM);
        taken.bind(asyncore::address("127.0.0.1", 0));
        asyncore::address nobody = taken.getsockname();
        taken.close();
        recorder a(asyncore::socket::create(AF_INET, SOCK_STREAM), map, events, "a");
        a.connect(nobody);
        REQUIRE(testing::wait_fd(a.fileno(), POLLOUT));
        asyncore::expt(a);
        INFO("on Windows a refused connect shows up as an exceptional condition: it must end the channel");
        CHECK(events.events == strings{"a.close"});
        CHECK_FALSE(a.connecting);
    }
}

TEST_CASE("urgent out-of-band TCP data gives handle_expt", "[close]") {
    asyncore::channel_map map;
    trace events;
    auto [client, server] = testing::tcp_pair();
    recorder a(std::move(client), map, events, "a");
    char urgent = '!';
    REQUIRE(::send(server.fileno(), &urgent, 1, MSG_OOB) == 1);

    REQUIRE(testing::run_until(map, [&] { return !events.events.empty(); }));

    CHECK(events.events == strings{"a.expt"});
    CHECK(a.received == "!");
    CHECK(a.connected);
}

namespace {

// Fills the send buffer of `fd` while its peer reads nothing: from then on it is not writable.
void fill_send_buffer(int fd) {
    const std::string block(65536, 'x');
    auto deadline = testing::clock::now() + std::chrono::duration<double>(testing::patience);
    while (::send(fd, block.data(), block.size(), MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
        if (testing::clock::now() >= deadline) throw std::runtime_error("fill_send_buffer: the buffer never filled");
}

}  // namespace

TEST_CASE("urgent data does not wake a channel that only writes", "[close][urgent]") {
    asyncore::channel_map map;
    trace events;
    auto [client, server] = testing::tcp_pair();
    recorder a(std::move(client), map, events, "a");
    a.wants_read = false;  // a server at its high-water mark: it waits until its peer reads
    a.wants_write = true;
    a.on_expt = [](recorder&) {};  // leaves the urgent byte unread
    fill_send_buffer(a.fileno());
    REQUIRE_FALSE(testing::wait_fd(a.fileno(), POLLOUT, 0));
    char urgent = '!';
    REQUIRE(::send(server.fileno(), &urgent, 1, MSG_OOB) == 1);
    REQUIRE(testing::wait_fd(a.fileno(), POLLPRI));

    asyncore::loop(0.01, testing::use_poll, &map, 20);
    INFO("Python's select() loop watches it for exceptions anyway: woken at once, every pass, forever");
    CHECK(events.count("a.expt") == 0);

    a.wants_read = true;
    a.on_expt = nullptr;
    REQUIRE(testing::run_until(map, [&] { return events.count("a.expt") == 1; }));
    INFO("once it reads again it hears of the urgent byte: nothing was lost");
    CHECK(a.received == "!");
}

TEST_CASE("a socket accepted after its peer reset ends without spinning", "[close]") {
    asyncore::channel_map map;
    net::keeping_server server(map);
    {
        auto quitter = net::connect_to(server.bound());
        net::linger_zero(quitter);
    }  // closed with a reset before the server accepts it
    REQUIRE(testing::run_until(map, [&] { return !server.accepted.empty(); }));
    server.close();
    trace events;
    recorder a(std::move(server.accepted.front().sock), map, events, "a");
    REQUIRE_FALSE(a.connected);
    a.wants_read = false;  // a forwarder's end waiting for its remote to connect: only writable() asks

    asyncore::loop(0.01, testing::use_poll, &map, 20);

    INFO("not connected, so writable(); Python gives it handle_write() every pass, with nothing to write");
    CHECK(events.events == strings{"a.close"});
    CHECK(map.empty());
}

TEST_CASE("send() on a closed channel sends nothing and calls no handler", "[close]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    recorder a(std::move(mine), map, events, "a");
    a.close();

    INFO("Python's send() fails with EBADF, a peer-gone error: handle_close() runs again");
    CHECK(a.dispatcher::send("late") == 0);
    CHECK(a.send("later") == 0);
    CHECK(a.out_buffer.empty());
    CHECK(events.events.empty());
}
