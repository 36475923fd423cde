// Exercise 04, challenge: the checks your multi_accept_server must pass. Each test starts real
// clients on loopback, lets the kernel finish their handshakes into the accept queue, and then
// runs the real loop one pass at a time.
#include "multi_accept_server.hpp"
#include "harness.hpp"
#include "net_helpers.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

// A multi_accept_server on 127.0.0.1, port 0, and clients waiting in its accept queue.
struct fixture {
    asyncore::channel_map map;
    std::unique_ptr<multi_accept_server> server;
    std::vector<asyncore::socket> clients;

    fixture() {
        server = std::make_unique<multi_accept_server>(net::loopback(), &map);
        INFO("hint: finish exercise 04 first: its constructor must create a socket, bind it and listen()");
        REQUIRE(server->accepting);
        REQUIRE(server->port() != 0);
    }

    // Starts `count` more clients and waits (bounded) until the kernel has finished their
    // handshakes and all of them wait in the accept queue. No pass runs meanwhile.
    void arrive(int count) {
        asyncore::address where("127.0.0.1", server->port());
        std::size_t first = clients.size();
        int queued_before = accept_queue();
        for (int i = 0; i < count; ++i) clients.push_back(net::start_connect(where));
        auto deadline = testing::clock::now() + std::chrono::duration<double>(testing::patience);
        std::size_t done = 0;
        for (std::size_t i = first; i < clients.size(); ++i) {
            double left = std::chrono::duration<double>(deadline - testing::clock::now()).count();
            if (left > 0 && testing::wait_fd(clients[i].fileno(), POLLOUT, left)) ++done;
        }
        INFO("hint: only " << done << " of " << count << " handshakes finished: the listen() backlog of "
             "exercise 04 must hold them all (the chapter says 128)");
        REQUIRE(done == static_cast<std::size_t>(count));
        // POLLOUT means the client has the SYN-ACK; its final ACK reaches the listener a moment
        // later, and only then is the connection in the accept queue. Wait (bounded) for that.
        int expected = queued_before + count;
        int queued = accept_queue();
        while (queued >= 0 && queued != expected && testing::clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            queued = accept_queue();
        }
        INFO("the listening socket's accept queue holds " << queued << " connections, not " << expected);
        REQUIRE(queued == expected);
    }

    // How many connections wait in the server's accept queue: on a listening socket, Linux
    // reports that length as TCP_INFO's tcpi_unacked. -1 if it cannot be asked.
    int accept_queue() const {
        tcp_info info{};
        socklen_t size = sizeof info;
        if (::getsockopt(server->fileno(), IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return -1;
        return static_cast<int>(info.tcpi_unacked);
    }

    // One pass of the loop: the listening socket is readable, so it does not wait.
    void pass() { testing::poll(testing::patience, map); }
};

// What `client` has received up to end of file, running the loop meanwhile (bounded).
std::string greeting(asyncore::channel_map& map, asyncore::socket& client) {
    std::string got;
    testing::run_until(map, [&] {
        char buffer[4096];
        ssize_t n;
        while ((n = ::recv(client.fileno(), buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
            got.append(buffer, static_cast<std::size_t>(n));
        return n == 0;
    });
    return got;
}

}  // namespace

TEST_CASE("one read event accepts at most 16 of 40 waiting clients", "[ex04][challenge]") {
    fixture f;
    f.arrive(40);
    f.pass();
    INFO("one pass accepted " << f.server->visitors << " of the 40 waiting clients");
    INFO("hint: handle_accept() must call accept() again and again, and stop after per_wakeup (16) "
         "connections even when more wait");
    CHECK(f.server->visitors == multi_accept_server::per_wakeup);
}

TEST_CASE("40 waiting clients are all accepted in 3 passes and each is greeted with its number", "[ex04][challenge]") {
    fixture f;
    f.arrive(40);
    for (int pass = 1; pass <= 3; ++pass) {
        f.pass();
        INFO("after pass " << pass << ", " << f.server->visitors << " visitors");
        INFO("hint: each pass must accept up to 16 waiting connections (16, 32, then all 40)");
        REQUIRE(f.server->visitors == std::min(pass * multi_accept_server::per_wakeup, 40));
    }
    std::set<std::string> greetings;
    for (auto& client : f.clients) greetings.insert(greeting(f.map, client));
    std::set<std::string> expected;
    for (int n = 1; n <= 40; ++n) expected.insert("hello, visitor " + std::to_string(n) + "\n");
    INFO("hint: hand every connection accept() returns to handle_accepted(): it counts the visitor, "
         "remembers its address and gives the socket to a greeter");
    CHECK(greetings == expected);
    CHECK(f.server->seen.size() == 40);
}

TEST_CASE("with 5 waiting one pass accepts all 5 and the server goes on listening", "[ex04][challenge]") {
    fixture f;
    f.arrive(5);
    f.pass();
    {
        INFO("one pass accepted " << f.server->visitors << " of the 5 waiting clients");
        INFO("hint: handle_accept() must go on calling accept() while connections wait");
        REQUIRE(f.server->visitors == 5);
    }
    {
        INFO("hint: stop when accept() returns an empty std::optional: nobody waits (EAGAIN). Using "
             "it (value() throws) ends in handle_error(), which closes the server");
        CHECK(f.server->fileno() >= 0);
        REQUIRE(f.map.get(f.server->fileno()) == f.server.get());
    }
    f.arrive(1);
    f.pass();
    CHECK(f.server->visitors == 6);
}

TEST_CASE("a pass stops accepting when max_greeters greeters are at work", "[ex04][challenge]") {
    fixture f;
    f.server->max_greeters = 4;
    // A greeter sends at most 64 KiB a time: with 1 MB to send, it is still at work after the pass.
    f.server->motd = std::string(1 << 20, 'm');
    f.arrive(10);
    f.pass();
    INFO("one pass accepted " << f.server->visitors << " of 10 waiting clients, with max_greeters 4; "
         << f.server->greeters() << " greeters are at work");
    INFO("hint: readable() is asked once a pass, before the loop: handle_accept() must itself stop "
         "once greeters() has reached max_greeters");
    CHECK(f.server->visitors == 4);
}
