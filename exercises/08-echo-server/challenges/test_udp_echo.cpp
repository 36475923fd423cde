// Exercise 08, challenge: the checks your UDP echo must pass. Each test sends real datagrams
// from UDP sockets of its own to a udp_echo on 127.0.0.1, and runs the real loop.
#include "echo_server.hpp"
#include "harness.hpp"
#include "server_tests.hpp"
#include "udp_echo.hpp"

#include <cerrno>
#include <optional>
#include <random>
#include <sstream>
#include <system_error>

namespace {

// A UDP client: a non-blocking datagram socket on 127.0.0.1, with a port of its own.
struct udp_client {
    asyncore::socket sock = asyncore::socket::create(AF_INET, SOCK_DGRAM);

    udp_client() { sock.bind(asyncore::address("127.0.0.1", 0)); }
    void send_to(const asyncore::address& server, const std::string& datagram) {
        ssize_t n = ::sendto(sock.fileno(), datagram.data(), datagram.size(), 0, server.data(), server.size());
        REQUIRE(n == static_cast<ssize_t>(datagram.size()));
    }
    // Takes one datagram if one has arrived (an empty one too): true, and the bytes in `got`.
    bool take(std::string& got) {
        static char buffer[udp_echo::max_datagram];
        ssize_t n = ::recv(sock.fileno(), buffer, sizeof buffer, MSG_DONTWAIT);
        if (n >= 0) got.assign(buffer, static_cast<std::size_t>(n));
        return n >= 0;
    }
};

struct udp_fixture {
    asyncore::channel_map map;
    udp_echo server;
    asyncore::address where;

    explicit udp_fixture(const asyncore::address& bind_to = asyncore::address("127.0.0.1", 0))
        : server(bind_to, &map) {
        INFO("hint: the constructor must create a SOCK_DGRAM socket and bind() it (TODO 1)");
        REQUIRE(server.fileno() >= 0);
        where = server.local_address();
    }
    ~udp_fixture() { asyncore::close_all(&map); }

    // Runs the loop until `client` gets a datagram back, into `got`; false if none comes.
    bool echo_of(udp_client& client, std::string& got) {
        return testing::run_until(map, [&] { return client.take(got); });
    }
};

}  // namespace

TEST_CASE("each datagram goes back to the socket that sent it", "[ex08][challenge]") {
    udp_fixture f;
    udp_client a, b;
    a.send_to(f.where, "from a");
    b.send_to(f.where, "from b");  // both wait in the server's queue before the loop runs
    std::string to_a, to_b;
    INFO("hint: send each datagram back to the address recvfrom() gave with it, not to an address "
         "kept from an earlier datagram");
    CHECK(f.echo_of(a, to_a));
    CHECK(f.echo_of(b, to_b));
    CHECK(to_a == "from a");
    CHECK(to_b == "from b");
}

TEST_CASE("an empty datagram is echoed and the server stays open", "[ex08][challenge]") {
    udp_fixture f;
    udp_client c;
    c.send_to(f.where, "");
    std::string got = "not this";
    {
        INFO("hint: recvfrom() returning 0 is an empty datagram, not an end of file: echo it with "
             "sendto() of 0 bytes, and do not close (dispatcher::recv() would close the server)");
        CHECK(f.echo_of(c, got));
        CHECK(got.empty());
        CHECK(f.server.fileno() >= 0);
    }
    c.send_to(f.where, "still there?");
    INFO("hint: the server must keep serving after an empty datagram");
    CHECK(f.echo_of(c, got));
    CHECK(got == "still there?");
}

TEST_CASE("a datagram of 60000 bytes comes back whole", "[ex08][challenge]") {
    udp_fixture f;
    udp_client c;
    std::string big(60000, '\0');
    std::mt19937 random(8);
    for (auto& byte : big) byte = static_cast<char>(random());
    c.send_to(f.where, big);
    std::string got;
    REQUIRE(f.echo_of(c, got));
    INFO("the echo has " << got.size() << " of " << big.size() << " bytes");
    INFO("hint: recvfrom() cuts a datagram to the size of its buffer and drops the rest: the "
         "buffer must hold max_datagram bytes");
    CHECK(got.size() == big.size());
    CHECK(got == big);
}

TEST_CASE("one loop serves your TCP echo server and the UDP echo on the same port number",
          "[ex08][challenge]") {
    asyncore::channel_map map;
    std::ostringstream log;
    // RFC 862 puts both on port 7: TCP and UDP ports are separate, so both may bind one number.
    // The kernel picked the TCP port as free for TCP only: a UDP socket elsewhere may hold the
    // same number, so a bind that finds it in use tries again with a new TCP server.
    std::optional<echo_server> tcp;
    std::optional<udp_echo> udp_server;
    for (int tries = 0; tries < 10 && !udp_server; ++tries) {
        tcp.reset();
        tcp.emplace(asyncore::address("127.0.0.1", 0), &map, log);
        try {
            udp_server.emplace(tcp->local_address(), &map);
        } catch (const std::system_error& e) {
            if (e.code() != std::error_code(EADDRINUSE, std::system_category())) throw;
        }
    }
    {
        INFO("hint: the constructor must create a SOCK_DGRAM socket and bind() it (TODO 1)");
        REQUIRE(udp_server);
        REQUIRE(udp_server->fileno() >= 0);
    }
    testing::echo_client tcp_client(tcp->local_address());
    tcp_client.to_send = "over TCP";
    udp_client udp;
    udp.send_to(tcp->local_address(), "over UDP");
    std::string got;
    bool udp_echoed = false;
    bool both = testing::run_until(map, [&] {
        tcp_client.pump();
        udp_echoed = udp_echoed || udp.take(got);
        return tcp_client.done() && udp_echoed;
    });
    INFO("TCP got \"" << tcp_client.received << "\", UDP got \"" << got << "\"");
    INFO("hint: bind to `where` as given, port included: the UDP echo must answer on the TCP server's port number");
    CHECK(both);
    CHECK(tcp_client.received == "over TCP");
    CHECK(got == "over UDP");
    asyncore::close_all(&map);
}
