// Exercise 05, challenge: the checks your timed_client must pass. A host that never answers is a
// real one: a listening socket on loopback whose queue is full, so that Linux drops the SYNs sent
// to it (tests/support/silent_listener.hpp). Only run_for() runs the loop here.
#include "timed_client.hpp"
#include "harness.hpp"
#include "net_helpers.hpp"
#include "silent_listener.hpp"

#include <chrono>
#include <memory>

namespace {

constexpr double deadline = 0.3;  // each address's timeout in these tests
constexpr double bound = 5.0;     // how long a test lets run_for() go when it expects the end

asyncore::address at(const testing::silent_listener& silent) { return {"127.0.0.1", silent.port()}; }

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What the server's first accepted connection has received so far; "" if nothing was accepted.
std::string received(net::keeping_server& server) {
    return server.accepted.empty() ? "" : net::read_now(server.accepted.front().sock.fileno());
}

}  // namespace

TEST_CASE("a host that drops the SYNs times out with ETIMEDOUT", "[ex05][challenge]") {
    asyncore::channel_map map;
    testing::silent_listener silent;
    auto start = std::chrono::steady_clock::now();
    timed_client client({at(silent)}, "anyone?\n", deadline, &map);
    bool done = run_for(client, map, bound);
    double took = seconds_since(start);
    INFO("done = " << done << " after " << took << " s, error = " << client.error << " (" << client.failure
                   << "), tries = " << client.tries);
    {
        INFO("hint: run_for() must call check_deadline() after every one-pass loop(), and check_deadline() must "
             "hand a std::system_error(ETIMEDOUT) to handle_error() once `timeout` seconds have passed");
        REQUIRE(done);
        CHECK(client.error == ETIMEDOUT);
        CHECK(client.failure == asyncore::strerror(ETIMEDOUT));
        CHECK(client.tries == 1);
        CHECK(client.connects == 0);
        CHECK(map.empty());
    }
    {
        INFO("hint: `timeout` is in seconds: std::chrono::duration<double>(timeout), counted from when the connect "
             "started");
        // A lower bound that cannot flake: it checks that the deadline was respected, not a
        // speed. The clock started before the constructor started the connect, and steady_clock
        // never goes back, so a client that waits its `timeout` always passes.
        CHECK(took >= deadline);
    }
}

TEST_CASE("a connected client outlives the deadline", "[ex05][challenge]") {
    asyncore::channel_map map;
    net::keeping_server server(map);
    timed_client client({server.bound()}, "hello, server\n", deadline, &map);
    run_for(client, map, 3 * deadline);  // the server is in the same map: run_for() runs it too
    {
        INFO("hint: run_for() must run the loop (loop(timed_client::pass, false, &map, 1)) until `seconds` have "
             "passed");
        REQUIRE_FALSE(server.accepted.empty());
    }
    std::string got = received(server);
    INFO("the server received \"" << got << "\"; error = " << client.error << " (" << client.failure << ")");
    INFO("hint: check_deadline() must do nothing once the client is no longer `connecting`: only a connect in "
         "progress has a deadline");
    CHECK(got == "hello, server\n");
    CHECK(client.connected);
    CHECK_FALSE(client.done);
    CHECK(client.error == 0);
}

TEST_CASE("an address that times out is skipped and the next one gets the greeting", "[ex05][challenge]") {
    asyncore::channel_map map;
    testing::silent_listener silent;
    net::keeping_server server(map);
    timed_client client({at(silent), server.bound()}, "hello, second\n", deadline, &map);
    run_for(client, map, deadline + 1.0);
    std::string got = received(server);
    INFO("the server received \"" << got << "\"; done = " << client.done << ", error = " << client.error << " ("
                                  << client.failure << "), tries = " << client.tries);
    INFO("hint: a timeout must go through handle_error(), inside a catch, as a refusal does: then your "
         "exercise's code tries the next address. Setting error and closing by hand ends the whole list");
    CHECK(got == "hello, second\n");
    CHECK(client.tries == 2);
    CHECK(client.connected);
    CHECK_FALSE(client.done);
    CHECK(client.error == 0);
}

TEST_CASE("each address gets the whole timeout", "[ex05][challenge]") {
    asyncore::channel_map map;
    testing::silent_listener first, second;
    auto start = std::chrono::steady_clock::now();
    timed_client client({at(first), at(second)}, "anyone?\n", deadline, &map);
    bool done = run_for(client, map, bound);
    double took = seconds_since(start);
    INFO("done = " << done << " after " << took << " s, error = " << client.error << ", tries = " << client.tries);
    {
        INFO("hint: the first timeout must go through handle_error() to the second address, and the second's "
             "timeout, with no address left, ends the client with ETIMEDOUT");
        REQUIRE(done);
        CHECK(client.error == ETIMEDOUT);
        CHECK(client.tries == 2);
    }
    INFO("hint: when `tries` has changed since the last check, a new connect has started: start the clock "
         "again, or the second address times out at once");
    // As above, a lower bound that cannot flake: the clock started before the first connect, and
    // steady_clock never goes back; each of the two connects waits its full `timeout`.
    CHECK(took >= 2 * deadline);
}
