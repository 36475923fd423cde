// Exercise 04: the checks your counting_server and greeter must pass.
#include "counting_server.hpp"
#include "harness.hpp"
#include "net_helpers.hpp"

#include <algorithm>
#include <memory>
#include <set>
#include <system_error>

namespace {

constexpr double wait = 2.0;  // plenty on loopback

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
    asyncore::address where() const { return asyncore::address("127.0.0.1", server->port()); }

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
    INFO("hint: create_socket() registers the channel in its map; the loop watches only what is there");
    CHECK(f.map.get(f.server->fileno()) == f.server.get());
    auto client = net::connect_to(f.where(), wait);  // the kernel completes it, accept() or not
    CHECK(client.fileno() >= 0);
}

TEST_CASE("a visitor is greeted with its number, then sees end of file", "[ex04]") {
    fixture f;
    auto client = net::connect_to(f.where(), wait);
    bool eof = false;
    std::string got = f.read_until_eof(client, &eof);
    INFO("received: \"" << got << "\"");
    INFO("hint: TODO 2 hands the socket to a greeter; TODO 3 sends the hello line; TODO 5 closes");
    CHECK(got == "hello, visitor 1\n");
    CHECK(eof);
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
    INFO("hint: a greeter must close() once its greeting has left, or it stays in the map forever");
    CHECK(testing::run_until(f.map, [&] { return f.map.size() == 1; }, wait));
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
    INFO("hint: the listen() backlog is how many connections may wait for accept(); 5 is too few "
         "for 20 clients arriving at once (the kernel drops the others, which come back only seconds later)");
    CHECK(all);
    CHECK(greetings == expected);
    CHECK(f.server->visitors == 20);
}

TEST_CASE("a long message of the day arrives whole before the connection closes", "[ex04]") {
    fixture f;
    std::string motd;
    for (int i = 0; motd.size() < 2000000; ++i) motd += "today's news, line " + std::to_string(i) + "\n";
    f.server->motd = motd;
    auto client = net::connect_to(f.where(), wait);
    bool eof = false;
    std::string got = f.read_until_eof(client, &eof, 3 * wait);
    INFO("received " << got.size() << " bytes of " << (motd.size() + 17));
    INFO("hint: send() queues what the kernel will not take now; close only once out_buffer is empty "
         "(handle_write() runs while it is not), or the rest is lost");
    CHECK(eof);
    CHECK(got.size() == motd.size() + 17);
    CHECK(got == "hello, visitor 1\n" + motd);
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

TEST_CASE("a visitor that resets during a long motd leaves the next one greeted", "[ex04]") {
    fixture f;
    std::string motd;
    for (int i = 0; motd.size() < 2000000; ++i) motd += "today's news, line " + std::to_string(i) + "\n";
    f.server->motd = motd;
    testing::captured_output output;
    {
        auto quitter = net::connect_to(f.where(), wait);
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
         << "; the server printed: \"" << output.out() << "\"");
    INFO("hint: a greeter whose visitor has gone ends in handle_close(), which the library's send() "
         "calls: it must not go on sending, nor take the server down");
    CHECK(eof);
    CHECK(got == "hello, visitor 2\n" + motd);
    CHECK(f.server->accepting);
    CHECK(f.map.snapshot().size() == 1);
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
    INFO("hint: without SO_REUSEADDR (set_reuse_addr()) bind() fails with EADDRINUSE for a minute");
    try {
        f.start(where);
    } catch (const std::system_error& e) {
        FAIL("restarting the server on " << where.to_string() << " failed: " << e.what());
    }
    auto client = net::connect_to(where, wait);
    bool eof = false;
    CHECK(f.read_until_eof(client, &eof) == "hello, visitor 1\n");
}
