// Chapter 04: accept. A listening channel, handle_accept() -> accept() -> handle_accepted().
#include "harness.hpp"
#include "net_helpers.hpp"

#include <fcntl.h>

#include <algorithm>
#include <set>
#include <system_error>

namespace {

using net::keeping_server;

bool nonblocking(int fd) { return (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }
bool close_on_exec(int fd) { return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

// Echoes what it reads: the handler a server hands each connection to.
class echo : public asyncore::dispatcher {
public:
    using dispatcher::dispatcher;
    bool writable() override { return false; }
    void handle_read() override {
        std::string data = recv(4096);
        if (!data.empty()) testing::write_all(fileno(), data);
    }
    void handle_close() override { close(); }
};

// Counts the write events and writable() questions the loop sends its way.
class write_counter : public asyncore::dispatcher {
public:
    using dispatcher::dispatcher;
    int write_events = 0;
    int writable_calls = 0;
    int passes = 0;
    bool readable() override {
        ++passes;
        return true;
    }
    bool writable() override {
        ++writable_calls;
        return true;  // the default: "yes, always"
    }
    void handle_write_event() override {
        ++write_events;
        dispatcher::handle_write_event();
    }
    void handle_write() override {}
};

}  // namespace

TEST_CASE("listen() sets accepting and leaves connected false", "[accept]") {
    asyncore::channel_map map;
    asyncore::dispatcher server(&map);
    server.create_socket(AF_INET, SOCK_STREAM);
    server.bind(net::loopback());
    CHECK_FALSE(server.accepting);
    server.listen(5);
    CHECK(server.accepting);
    CHECK_FALSE(server.connected);
    INFO("addr is the address given to bind(), port 0 included, as in Python");
    CHECK(server.addr == net::loopback());
    CHECK_THAT(server.repr(), testing::contains(" listening 127.0.0.1:0 at 0x"));
    server.close();
    CHECK_FALSE(server.accepting);
    CHECK(map.empty());
}

TEST_CASE("a connecting client triggers handle_accept, and handle_accepted gets the socket and the client's address",
          "[accept]") {
    asyncore::channel_map map;
    keeping_server server(map);
    auto client = net::connect_to(server.bound());

    REQUIRE(testing::run_until(map, [&] { return !server.accepted.empty(); }));
    CHECK(server.accept_events == 1);
    REQUIRE(server.accepted.size() == 1);
    const auto& got = server.accepted.front();
    CHECK(got.addr == net::local_address(client));
    CHECK(got.addr.to_string() == "127.0.0.1:" + std::to_string(net::local_address(client).port()));
    CHECK(got.sock.getpeername() == got.addr);
    INFO("the listener goes on listening; the new connection is not in the map until a handler takes it");
    CHECK(map.size() == 1);
    CHECK(server.accepting);
}

TEST_CASE("200 clients connecting at once are all accepted, each with its own address", "[accept]") {
    asyncore::channel_map map;
    keeping_server server(map, net::loopback(), 256);
    auto where = server.bound();
    std::vector<asyncore::socket> clients;
    for (int i = 0; i < 200; ++i) clients.push_back(net::start_connect(where));

    REQUIRE(testing::run_until(map, [&] { return server.accepted.size() >= 200; }, 10.0));
    CHECK(server.accepted.size() == 200);

    std::set<std::string> expected, seen;
    for (auto& c : clients) {
        net::finish_connect(c);
        expected.insert(net::local_address(c).to_string());
    }
    for (auto& a : server.accepted) {
        seen.insert(a.addr.to_string());
        CHECK(a.sock.getpeername() == a.addr);
    }
    CHECK(expected.size() == 200);
    CHECK(seen == expected);
    INFO("one readiness report may stand for many waiting connections; each one needs its accept()");
    CHECK(server.accept_events <= 200);
}

TEST_CASE("accepted sockets are non-blocking and close-on-exec", "[accept]") {
    asyncore::channel_map map;
    keeping_server server(map);
    auto client = net::connect_to(server.bound());
    REQUIRE(testing::run_until(map, [&] { return !server.accepted.empty(); }));
    int fd = server.accepted.front().sock.fileno();
    INFO("Linux accept() does not pass the listener's O_NONBLOCK on to the new socket (BSD does)");
    CHECK(nonblocking(fd));
    CHECK(close_on_exec(fd));
}

TEST_CASE("a read event with no connection waiting does not call handle_accepted, and accept() returns nothing",
          "[accept]") {
    asyncore::channel_map map;
    keeping_server server(map);
    INFO("readiness is a hint: by the time accept() runs, the connection may be gone (EAGAIN)");
    CHECK_FALSE(server.accept().has_value());
    REQUIRE_NOTHROW(server.handle_read_event());
    CHECK(server.accept_events == 1);
    CHECK(server.accepted.empty());
    CHECK(map.size() == 1);
}

TEST_CASE("a client that resets before accept() does not break the server", "[accept]") {
    asyncore::channel_map map;
    keeping_server server(map);
    auto where = server.bound();
    {
        auto quitter = net::connect_to(where);  // in the listen queue, not accepted yet
        net::linger_zero(quitter);
    }  // closed with a reset before the server ever looks

    testing::captured_output output;
    testing::run_until(map, [] { return false; }, 0.2);
    auto latecomer = net::connect_to(where);
    REQUIRE(testing::run_until(map, [&] {
        return std::any_of(server.accepted.begin(), server.accepted.end(),
                           [&](const auto& a) { return a.addr == net::local_address(latecomer); });
    }));
    CHECK(server.accepting);
    CHECK(map.get(server.fileno()) == &server);
    CHECK(output.out().find("error") == std::string::npos);
}

TEST_CASE("a server hands each connection to a handler of its own", "[accept]") {
    asyncore::channel_map map;
    class echo_server : public keeping_server {
    public:
        using keeping_server::keeping_server;
        void handle_accepted(asyncore::socket sock, const asyncore::address&) override {
            asyncore::make<echo>(std::move(sock), &map());  // the map owns it from now on
        }
    } server(map);
    std::vector<asyncore::socket> clients;
    for (int i = 0; i < 3; ++i) clients.push_back(net::connect_to(server.bound()));
    REQUIRE(testing::run_until(map, [&] { return map.size() == 4; }));

    for (int i = 0; i < 3; ++i) testing::write_all(clients[i].fileno(), "client " + std::to_string(i));
    std::vector<std::string> replies(3);
    REQUIRE(testing::run_until(map, [&] {
        for (int i = 0; i < 3; ++i) replies[i] += net::read_now(clients[i].fileno());
        return replies[0].size() + replies[1].size() + replies[2].size() == 24;
    }));
    CHECK(replies == std::vector<std::string>{"client 0", "client 1", "client 2"});

    clients.clear();  // the handlers read end of file and close; the server stays
    REQUIRE(testing::run_until(map, [&] { return map.size() == 1; }));
    CHECK(map.get(server.fileno()) == &server);
}

TEST_CASE("the default handle_accepted closes the new socket with a warning, so the client sees end of file",
          "[accept]") {
    asyncore::channel_map map;
    asyncore::dispatcher server(&map);
    server.ignore_log_types.clear();
    server.create_socket(AF_INET, SOCK_STREAM);
    server.bind(net::loopback());
    server.listen(5);
    auto client = net::connect_to(net::sockname(server.fileno()));  // addr says port 0: ask the kernel

    testing::captured_output output;
    REQUIRE(testing::run_until(map, [&] { return testing::wait_fd(client.fileno(), POLLIN, 0.0); }));
    CHECK(testing::at_eof(client.fileno(), 1.0));
    CHECK(output.out() == "warning: unhandled accepted event\n");
    CHECK(map.size() == 1);
}

TEST_CASE("bind() to a port in use throws std::system_error with EADDRINUSE", "[accept]") {
    asyncore::channel_map map;
    keeping_server first(map);
    asyncore::dispatcher second(&map);
    second.create_socket(AF_INET, SOCK_STREAM);
    try {
        second.bind(first.bound());
        FAIL("bind() to " << first.bound().to_string() << " succeeded although a server listens there");
    } catch (const std::system_error& e) {
        CHECK(e.code().value() == EADDRINUSE);
        CHECK_THAT(e.what(), testing::contains(first.bound().to_string()));
    }
}

TEST_CASE("set_reuse_addr() turns SO_REUSEADDR on", "[accept]") {
    asyncore::channel_map map;
    asyncore::dispatcher server(&map);
    server.create_socket(AF_INET, SOCK_STREAM);
    auto reuse = [&] {
        int value = 0;
        socklen_t size = sizeof value;
        ::getsockopt(server.fileno(), SOL_SOCKET, SO_REUSEADDR, &value, &size);
        return value;
    };
    REQUIRE(reuse() == 0);
    server.set_reuse_addr();
    CHECK(reuse() != 0);
}

TEST_CASE("an accepting channel is never in the write set, so an idle listener does not spin", "[accept]") {
    asyncore::channel_map map;
    SECTION("a real listener") {
        write_counter server(&map);
        server.create_socket(AF_INET, SOCK_STREAM);
        server.bind(net::loopback());
        server.listen(5);
        asyncore::loop(0.05, testing::use_poll, &map, 4);
        CHECK(server.writable_calls == 4);  // asked, as Python asks, and then ignored
        CHECK(server.write_events == 0);
    }
    SECTION("an accepting channel on a socket that is writable") {
        // A Linux listening socket never reports writable, so the rule is seen best on a socket
        // that always does: one end of a socketpair, flagged as accepting.
        auto [mine, peer] = testing::socket_pair();
        write_counter server(std::move(mine), &map);
        server.accepting = true;
        asyncore::loop(0.05, testing::use_poll, &map, 4);
        CHECK(server.writable_calls == 4);
        INFO("a writable descriptor in the write set would wake select() at once, every pass: 100% CPU");
        CHECK(server.write_events == 0);
    }
}

TEST_CASE("write events on an accepting channel are ignored", "[accept]") {
    asyncore::channel_map map;
    keeping_server server(map);
    testing::captured_output output;
    server.ignore_log_types.clear();
    server.handle_write_event();
    CHECK(output.out().empty());  // no "unhandled write event": handle_write() did not run
}

TEST_CASE("a server on ::1 accepts IPv6 clients and shows them as [host]:port", "[accept][ipv6]") {
    asyncore::channel_map map;
    std::unique_ptr<keeping_server> server;
    try {
        server = std::make_unique<keeping_server>(map, asyncore::address("::1", 0));
    } catch (const std::system_error& e) {
        if (e.code().value() == EAFNOSUPPORT || e.code().value() == EADDRNOTAVAIL)
            SKIP("this machine has no IPv6 loopback (::1): " << e.what());
        throw;
    }
    auto client = net::connect_to(server->bound());
    REQUIRE(testing::run_until(map, [&] { return !server->accepted.empty(); }));
    const auto& addr = server->accepted.front().addr;
    CHECK(addr.family() == AF_INET6);
    CHECK(addr == net::local_address(client));
    CHECK(addr.to_string() == "[::1]:" + std::to_string(net::local_address(client).port()));
}
