// Exercise 04: the checks your counting_server and greeter must pass.
#include "counting_server.hpp"
#include "harness.hpp"
#include "net_helpers.hpp"

#include <algorithm>
#include <memory>
#include <set>
#include <system_error>

#include <sys/socket.h>

namespace {

constexpr double wait = 2.0;  // plenty on loopback

// A client that starts connecting with a small receive buffer: with an 8 MB motd, its greeter
// stays at work until the client reads.
asyncore::socket slow_client(const asyncore::address& where) {
    auto sock = asyncore::socket::create(where.family(), SOCK_STREAM);
    int size = 4096;
    ::setsockopt(sock.fileno(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (::connect(sock.fileno(), where.data(), where.size()) != 0 && errno != EINPROGRESS)
        throw std::runtime_error("test client: connect failed: " + asyncore::strerror(errno));
    return sock;
}

// 2 MB by default: more than a socket buffer takes at first. 8 MB is more than Linux's largest
// send buffer (4 MB) and a slow client's receive buffer together: its greeter stays at work.
std::string long_motd(std::size_t size = 2000000) {
    std::string motd;
    for (int i = 0; motd.size() < size; ++i) motd += "today's news, line " + std::to_string(i) + "\n";
    return motd;
}

// Every test starts here: a server on 127.0.0.1, port 0, that must be listening.
struct fixture {
    asyncore::channel_map map;
    std::unique_ptr<counting_server> server;

    explicit fixture(const asyncore::address& where = net::loopback()) { start(where); }

    void start(const asyncore::address& where) {
        server = std::make_unique<counting_server>(where, &map);
        INFO("hint: TODO 1: the constructor must create a socket, bind it and listen()");
        REQUIRE(server->accepting);
        REQUIRE(server->port() != 0);
    }
    asyncore::address where() const { return asyncore::address(server->addr.host(), server->port()); }

    // Reads from `client` until end of file, running the loop meanwhile; "" + what came if the
    // server never closed within `seconds`.
    std::string read_until_eof(asyncore::socket& client, bool* eof, double seconds = wait) {
        std::string got;
        *eof = testing::run_until(map, [&] {
            char buffer[65536];
            ssize_t n;
            while ((n = ::recv(client.fileno(), buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
                got.append(buffer, static_cast<std::size_t>(n));
            return n == 0;
        }, seconds);
        return got;
    }
};

}  // namespace

TEST_CASE("the server listens on the address it was given", "[ex04]") {
    fixture f;
    CHECK_FALSE(f.server->connected);
    {
        INFO("hint: create_socket() registers the channel in its map; the loop watches only what is there");
        CHECK(f.map.get(f.server->fileno()) == f.server.get());
    }
    auto client = net::connect_to(f.where(), wait);  // the kernel completes it, accept() or not
    CHECK(client.fileno() >= 0);
}

TEST_CASE("a server on ::1 greets IPv6 visitors", "[ex04]") {
    try {
        asyncore::socket::create(AF_INET6, SOCK_STREAM).bind(asyncore::address("::1", 0));
    } catch (const std::system_error& e) {
        SKIP("this machine has no IPv6 loopback (::1): " << e.what());
    }
    std::unique_ptr<fixture> f;
    try {
        f = std::make_unique<fixture>(asyncore::address("::1", 0));
    } catch (const std::system_error& e) {
        INFO("hint: TODO 1: the socket's family must be the address's: where.family(), not AF_INET");
        FAIL("starting a server on [::1]:0 failed: " << e.what());
    }
    auto client = net::connect_to(f->where(), wait);
    bool eof = false;
    CHECK(f->read_until_eof(client, &eof) == "hello, visitor 1\n");
    CHECK(eof);
}

TEST_CASE("a visitor is greeted with its number, then sees end of file", "[ex04]") {
    fixture f;
    auto client = net::connect_to(f.where(), wait);
    bool eof = false;
    std::string got = f.read_until_eof(client, &eof);
    INFO("received: \"" << got << "\"");
    {
        INFO("hint: TODO 3 hands the socket to a greeter made with asyncore::make (a local one closes "
             "when handle_accepted() returns); TODO 4 sends the hello line");
        CHECK(got == "hello, visitor 1\n");
    }
    {
        INFO("hint: the greeter must close() once everything has left (TODO 4, TODO 6, TODO 7)");
        CHECK(eof);
    }
    CHECK(f.server->visitors == 1);
}

TEST_CASE("visitors are numbered in the order they arrive, and greeters leave the map when done", "[ex04]") {
    fixture f;
    for (int i = 1; i <= 3; ++i) {
        auto client = net::connect_to(f.where(), wait);
        bool eof = false;
        std::string got = f.read_until_eof(client, &eof);
        INFO("visitor " << i << " received: \"" << got << "\"");
        INFO("hint: count in handle_accepted(), and give the greeter that number");
        CHECK(got == "hello, visitor " + std::to_string(i) + "\n");
        CHECK(eof);
    }
    CHECK(f.server->visitors == 3);
    {
        INFO("hint: a greeter must close() once its greeting has left, or it stays in the map forever");
        CHECK(testing::run_until(f.map, [&] { return f.map.size() == 1; }, wait));
    }
}

TEST_CASE("the server records each visitor's address", "[ex04]") {
    fixture f;
    std::vector<asyncore::address> expected;
    for (int i = 0; i < 3; ++i) {
        auto client = net::connect_to(f.where(), wait);
        expected.push_back(net::local_address(client));
        bool eof = false;
        f.read_until_eof(client, &eof);
    }
    std::vector<std::string> seen, want;
    for (const auto& a : f.server->seen) seen.push_back(a.to_string());
    for (const auto& a : expected) want.push_back(a.to_string());
    INFO("hint: handle_accepted() receives the visitor's address: push it onto `seen`");
    CHECK(seen == want);
}

TEST_CASE("twenty visitors connecting at once are all greeted, each with a number of its own", "[ex04]") {
    fixture f;
    std::vector<asyncore::socket> clients;
    for (int i = 0; i < 20; ++i) clients.push_back(net::start_connect(f.where()));
    std::vector<std::string> got(20);
    std::vector<bool> ended(20, false);
    bool all = testing::run_until(f.map, [&] {
        for (int i = 0; i < 20; ++i) {
            if (ended[i]) continue;
            char buffer[256];
            ssize_t n;
            while ((n = ::recv(clients[i].fileno(), buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
                got[i].append(buffer, static_cast<std::size_t>(n));
            ended[i] = n == 0;
        }
        return std::all_of(ended.begin(), ended.end(), [](bool e) { return e; });
    }, 3 * wait);
    std::set<std::string> greetings(got.begin(), got.end()), expected;
    for (int i = 1; i <= 20; ++i) expected.insert("hello, visitor " + std::to_string(i) + "\n");
    {
        INFO("hint: the listen() backlog is how many connections may wait for accept(); 5 is too few "
             "for 20 clients arriving at once (the kernel drops the others, which come back only seconds later)");
        CHECK(all);
    }
    CHECK(greetings == expected);
    CHECK(f.server->visitors == 20);
}

TEST_CASE("a long message of the day arrives whole before the connection closes", "[ex04]") {
    fixture f;
    std::string motd = long_motd();
    f.server->motd = motd;
    auto client = net::connect_to(f.where(), wait);
    bool eof = false;
    std::string got = f.read_until_eof(client, &eof, 3 * wait);
    INFO("received " << got.size() << " bytes of " << (motd.size() + 17));
    {
        INFO("hint: send() queues what the kernel will not take now; close only once out_buffer is empty "
             "(handle_write() runs while it is not), or the rest is lost");
        CHECK(eof);
        CHECK(got.size() == motd.size() + 17);
    }
    CHECK(got == "hello, visitor 1\n" + motd);
}

TEST_CASE("at most max_greeters visitors are greeted at once and the rest wait their turn", "[ex04]") {
    fixture f;
    std::string motd = long_motd(8000000);
    f.server->motd = motd;
    f.server->max_greeters = 2;
    std::vector<asyncore::socket> clients;
    for (int i = 0; i < 5; ++i) clients.push_back(slow_client(f.where()));
    int most = 0;  // the most greeters seen at work at once
    testing::run_until(f.map, [&] {
        most = std::max(most, f.server->greeters());
        return false;
    }, 0.5);  // nobody reads yet: two greeters stay at work
    {
        INFO("visitors accepted while nobody reads: " << f.server->visitors << ", greeters at work: "
             << f.server->greeters() << ", most at once: " << most);
        INFO("hint: TODO 2: readable() must say no while greeters() has reached max_greeters; TODO 4 "
             "takes a place");
        CHECK(f.server->visitors == 2);
        CHECK(f.server->greeters() == 2);
        CHECK(f.map.size() == 3);
    }
    std::vector<std::string> got(5);
    std::vector<bool> ended(5, false);
    bool all = testing::run_until(f.map, [&] {
        most = std::max(most, f.server->greeters());
        for (int i = 0; i < 5; ++i) {
            if (ended[i]) continue;
            char buffer[65536];
            ssize_t n;
            while ((n = ::recv(clients[i].fileno(), buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
                got[i].append(buffer, static_cast<std::size_t>(n));
            ended[i] = n == 0;
        }
        return std::all_of(ended.begin(), ended.end(), [](bool e) { return e; });
    }, 5 * wait);
    {
        INFO("visitors accepted: " << f.server->visitors << ", greeters at work: " << f.server->greeters());
        INFO("hint: TODO 5: a greeter gives its place back in its destructor, so that the next visitor "
             "waiting in the accept queue is accepted; readable() must count greeters at work, not visitors");
        CHECK(all);
        CHECK(f.server->visitors == 5);
    }
    CHECK(most <= 2);
    std::set<std::string> expected, greetings;
    for (int i = 1; i <= 5; ++i) expected.insert("hello, visitor " + std::to_string(i) + "\n" + motd);
    for (const auto& g : got) greetings.insert(g);
    CHECK(greetings == expected);
    CHECK(testing::run_until(f.map, [&] { return f.server->greeters() == 0 && f.map.size() == 1; }, wait));
}

TEST_CASE("a client that resets before it is accepted does not stop the server", "[ex04]") {
    fixture f;
    {
        auto quitter = net::connect_to(f.where(), wait);  // waits in the listen queue
        net::linger_zero(quitter);
    }  // gone with a reset before the server looks
    testing::captured_output output;
    testing::run_until(f.map, [] { return false; }, 0.2);
    auto latecomer = net::connect_to(f.where(), wait);
    bool eof = false;
    std::string got = f.read_until_eof(latecomer, &eof);
    INFO("received: \"" << got << "\"; the server printed: " << output.out());
    INFO("hint: a visitor that is already gone is an ordinary event, not an error");
    CHECK(got.rfind("hello, visitor ", 0) == 0);
    CHECK(eof);
    CHECK(f.server->accepting);
    CHECK(output.out().find("error") == std::string::npos);
}

TEST_CASE("a visitor that resets during a long motd frees its place for the next one", "[ex04]") {
    fixture f;
    std::string motd = long_motd(8000000);
    f.server->motd = motd;
    f.server->max_greeters = 1;
    testing::captured_output output;
    {
        auto quitter = slow_client(f.where());
        std::string first;
        testing::run_until(f.map, [&] {
            char buffer[4096];
            ssize_t n = ::recv(quitter.fileno(), buffer, sizeof buffer, MSG_DONTWAIT);
            if (n > 0) first.append(buffer, static_cast<std::size_t>(n));
            return first.size() >= 4096;
        }, wait);
        net::linger_zero(quitter);
    }  // gone with a reset while most of its motd still waits in its greeter
    testing::run_until(f.map, [] { return false; }, 0.2);
    auto next = net::connect_to(f.where(), wait);
    bool eof = false;
    std::string got = f.read_until_eof(next, &eof, 3 * wait);
    INFO("the next visitor received " << got.size() << " bytes of " << (motd.size() + 17)
         << "; greeters at work: " << f.server->greeters() << "; the server printed: \"" << output.out() << "\"");
    {
        INFO("hint: a greeter whose visitor has gone ends in handle_close(), not in close_if_done(): "
             "give the place back where every end passes (TODO 5), and never take the server down");
        CHECK(eof);
        CHECK(got == "hello, visitor 2\n" + motd);
    }
    CHECK(f.server->accepting);
    CHECK(testing::run_until(f.map, [&] { return f.server->greeters() == 0 && f.map.size() == 1; }, wait));
    CHECK(output.out().find("error") == std::string::npos);
}

TEST_CASE("a server restarted on the same port can bind it at once", "[ex04]") {
    fixture f;
    asyncore::address where = f.where();
    {
        auto client = net::connect_to(where, wait);
        bool eof = false;
        f.read_until_eof(client, &eof);  // the greeter closed first: its side waits in TIME_WAIT
        REQUIRE(eof);
    }
    f.server.reset();  // the first server goes away; its port still has a connection in TIME_WAIT
    try {
        f.start(where);
    } catch (const std::system_error& e) {
        INFO("hint: without SO_REUSEADDR (set_reuse_addr(), before bind()) bind() fails with EADDRINUSE for a minute");
        FAIL("restarting the server on " << where.to_string() << " failed: " << e.what());
    }
    auto client = net::connect_to(where, wait);
    bool eof = false;
    CHECK(f.read_until_eof(client, &eof) == "hello, visitor 1\n");
}

TEST_CASE("greeters finish their motd after their server is gone", "[ex04]") {
    fixture f;
    std::string motd = long_motd(8000000);
    f.server->motd = motd;
    auto client = slow_client(f.where());
    REQUIRE(testing::run_until(f.map, [&] { return f.server->greeters() == 1; }, wait));
    f.server.reset();  // the listener goes; its greeter holds the connection and the count
    bool eof = false;
    std::string got = f.read_until_eof(client, &eof, 3 * wait);
    INFO("received " << got.size() << " bytes of " << (motd.size() + 17));
    CHECK(eof);
    CHECK(got == "hello, visitor 1\n" + motd);
    CHECK(f.map.size() == 0);
}
