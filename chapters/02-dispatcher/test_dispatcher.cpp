// Chapter 02: the dispatcher, a non-blocking socket with handlers.
#include "harness.hpp"

#include <fcntl.h>
#include <netinet/in.h>

#include <csignal>

namespace {

// Reads what arrives and records the handlers that ran.
class reader : public asyncore::dispatcher {
public:
    reader(asyncore::socket sock, asyncore::channel_map& map, testing::trace& log)
        : dispatcher(std::move(sock), &map), log_(log) {}
    std::string received;
    bool writable() override { return false; }
    void handle_read() override {
        log_("read");
        received += recv(4096);
    }
    void handle_close() override {
        log_("close");
        close();
    }

private:
    testing::trace& log_;
};

bool nonblocking(int fd) { return (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }
bool close_on_exec(int fd) { return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

}  // namespace

TEST_CASE("a fresh dispatcher is readable and writable", "[dispatcher]") {
    asyncore::dispatcher d;
    CHECK(d.readable());
    CHECK(d.writable());
    CHECK(d.fileno() == -1);
    CHECK_FALSE(d.connected);
}

TEST_CASE("dispatcher(sock) makes the socket non-blocking and registers it with its peer address", "[dispatcher]") {
    asyncore::channel_map map;
    auto [client, server] = testing::tcp_pair();
    client.set_blocking(true);
    REQUIRE_FALSE(nonblocking(client.fileno()));
    auto peer = server.getsockname();
    int fd = client.fileno();

    asyncore::dispatcher d(std::move(client), &map);

    CHECK(nonblocking(fd));
    CHECK(map.get(fd) == &d);
    CHECK(d.connected);
    CHECK(d.addr == peer);
    CHECK(d.addr.to_string() == "127.0.0.1:" + std::to_string(peer.port()));
}

TEST_CASE("dispatcher(sock) on a socket without a peer is not connected and does not throw", "[dispatcher]") {
    asyncore::channel_map map;
    auto lonely = asyncore::socket::create(AF_INET, SOCK_STREAM);
    std::unique_ptr<asyncore::dispatcher> d;
    REQUIRE_NOTHROW(d = std::make_unique<asyncore::dispatcher>(std::move(lonely), &map));
    CHECK_FALSE(d->connected);
    CHECK(d->addr.empty());
    CHECK(map.size() == 1);
}

TEST_CASE("create_socket() makes a registered non-blocking close-on-exec socket of the family asked for",
          "[dispatcher]") {
    asyncore::channel_map map;
    asyncore::dispatcher d(&map);
    d.create_socket(AF_INET, SOCK_STREAM);
    REQUIRE(d.fileno() >= 0);
    CHECK(map.get(d.fileno()) == &d);
    CHECK(nonblocking(d.fileno()));
    INFO("Python's sockets are not inherited by child processes (PEP 446); ours neither");
    CHECK(close_on_exec(d.fileno()));
    int family = 0;
    socklen_t size = sizeof family;
    ::getsockopt(d.fileno(), SOL_SOCKET, SO_DOMAIN, &family, &size);
    CHECK(family == AF_INET);

    asyncore::dispatcher unix_one(&map);
    unix_one.create_socket(AF_UNIX, SOCK_STREAM);
    ::getsockopt(unix_one.fileno(), SOL_SOCKET, SO_DOMAIN, &family, &size);
    CHECK(family == AF_UNIX);
    CHECK(map.size() == 2);
}

TEST_CASE("handle_read runs when the peer sends data", "[dispatcher][read]") {
    asyncore::channel_map map;
    testing::trace events;
    auto [mine, peer] = testing::socket_pair();
    reader r(std::move(mine), map, events);
    testing::write_all(peer.fileno(), "ping");

    REQUIRE(testing::run_until(map, [&] { return r.received == "ping"; }));
    CHECK(events.events == std::vector<std::string>{"read"});
}

TEST_CASE("recv() at end of file calls handle_close once and returns nothing", "[dispatcher][read]") {
    asyncore::channel_map map;
    testing::trace events;
    auto [mine, peer] = testing::socket_pair();
    reader r(std::move(mine), map, events);
    peer.close();

    REQUIRE(testing::run_until(map, [&] { return map.empty(); }));
    CHECK(events.events == std::vector<std::string>{"read", "close"});
    CHECK(r.received.empty());
    CHECK_FALSE(r.connected);
}

TEST_CASE("recv() after a reset calls handle_close and logs no error", "[dispatcher][read]") {
    asyncore::channel_map map;
    testing::trace events;
    auto [mine, peer] = testing::tcp_pair();
    reader r(std::move(mine), map, events);
    testing::close_with_reset(peer);

    testing::captured_output output;
    REQUIRE(testing::run_until(map, [&] { return map.empty(); }));
    CHECK(events.count("close") == 1);
    INFO("a reset peer is an ordinary event for a server, not an error");
    CHECK(output.out().find("error") == std::string::npos);
}

TEST_CASE("recv() with nothing to read returns nothing and keeps the channel open", "[dispatcher][read]") {
    asyncore::channel_map map;
    testing::trace events;
    auto [mine, peer] = testing::socket_pair();
    reader r(std::move(mine), map, events);

    INFO("asyncore raises here and the channel dies (bpo-16133); a spurious wake-up is not an error");
    CHECK(r.recv(100).empty());
    CHECK(r.connected);
    CHECK(map.size() == 1);
    CHECK(events.events.empty());
}

TEST_CASE("send() returns the bytes the kernel took and 0 once the socket buffer is full",
          "[dispatcher][write]") {
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair();
    asyncore::dispatcher d(std::move(mine), &map);
    std::string chunk(65536, 'x');

    std::size_t total = 0, sent = 0;
    int rounds = 0;
    while ((sent = d.send(chunk)) > 0 && rounds++ < 10000) total += sent;

    CHECK(sent == 0);
    CHECK(total > 0);
    CHECK(d.connected);
    INFO("every byte the kernel took is there for the peer to read");
    CHECK(testing::read_some(peer.fileno(), total, 2.0).size() == total);
}

TEST_CASE("send() to a vanished peer calls handle_close and returns 0 without killing the process by SIGPIPE",
          "[dispatcher][write]") {
    REQUIRE(std::signal(SIGPIPE, SIG_DFL) != SIG_ERR);  // as a C++ program starts: SIGPIPE kills
    asyncore::channel_map map;
    testing::trace events;
    auto [mine, peer] = testing::socket_pair();
    reader r(std::move(mine), map, events);
    peer.close();

    CHECK(r.send("anyone there?") == 0);
    CHECK(events.events == std::vector<std::string>{"close"});
    CHECK(map.empty());
}

TEST_CASE("log() writes to stderr, log_info() to stdout, and warnings are hidden by default", "[dispatcher][log]") {
    asyncore::dispatcher d;
    testing::captured_output output;
    d.log("hello");
    d.log_info("started");
    d.log_info("boom", "error");
    d.log_info("quiet", "warning");
    CHECK(output.err() == "log: hello\n");
    CHECK(output.out() == "info: started\nerror: boom\n");
}

TEST_CASE("with warnings enabled the default handlers say which event went unhandled", "[dispatcher][log]") {
    asyncore::dispatcher d;
    d.ignore_log_types.clear();
    testing::captured_output output;
    d.handle_read();
    d.handle_write();
    d.handle_expt();
    CHECK(output.out() ==
          "warning: unhandled read event\nwarning: unhandled write event\nwarning: unhandled incoming priority event\n");
}

TEST_CASE("the default handle_error logs the exception and closes the channel", "[dispatcher][errors]") {
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair();
    asyncore::dispatcher d(std::move(mine), &map);
    testing::captured_output output;
    try {
        throw std::runtime_error("it broke");
    } catch (...) {
        d.handle_error();
    }
    CHECK_THAT(output.out(), testing::contains("error: uncaptured exception, closing channel <asyncore::dispatcher"));
    CHECK_THAT(output.out(), testing::contains("(std::runtime_error: it broke)"));
    CHECK(map.empty());
    CHECK_FALSE(d.connected);
}

TEST_CASE("repr() shows the class, the state and the address", "[dispatcher][log]") {
    asyncore::channel_map map;
    auto [client, server] = testing::tcp_pair();
    auto peer = server.getsockname();
    asyncore::dispatcher d(std::move(client), &map);
    CHECK_THAT(d.repr(), testing::contains("<asyncore::dispatcher connected 127.0.0.1:" + std::to_string(peer.port()) + " at 0x"));
    asyncore::dispatcher fresh;
    CHECK_THAT(fresh.repr(), testing::contains("<asyncore::dispatcher at 0x"));
}

TEST_CASE("close() clears the state, leaves the map, closes the fd, and may be called twice", "[dispatcher][close]") {
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair();
    asyncore::dispatcher d(std::move(mine), &map);
    int fd = d.fileno();
    d.close();
    CHECK_FALSE(d.connected);
    CHECK(map.empty());
    CHECK(d.fileno() == -1);
    CHECK(::fcntl(fd, F_GETFD) == -1);
    CHECK_NOTHROW(d.close());
    INFO("the peer sees end of file");
    CHECK(testing::at_eof(peer.fileno()));
}

TEST_CASE("strerror() names any errno, even one that does not exist", "[errors]") {
    CHECK(asyncore::strerror(ECONNRESET) == "Connection reset by peer");
    CHECK_FALSE(asyncore::strerror(-1).empty());
    CHECK(asyncore::is_disconnected(EPIPE));
    CHECK_FALSE(asyncore::is_disconnected(EAGAIN));
    CHECK(asyncore::would_block(EAGAIN));
    CHECK(asyncore::would_block(EWOULDBLOCK));
}
