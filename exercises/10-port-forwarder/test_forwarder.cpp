// Capstone 10: the checks your port forwarder must pass. Each test runs a forwarder in this
// process, on the real loop, between a client and an upstream server that the test plays with
// plain loopback sockets.
#include "forward_peers.hpp"
#include "forwarder.hpp"

#include <memory>
#include <sstream>
#include <vector>

namespace {

using testing::endpoint;
constexpr double patience = 5.0;

struct forwarder_fixture {
    asyncore::channel_map map;
    std::ostringstream log;
    asyncore::socket upstream_listener = asyncore::socket::create();
    std::unique_ptr<forwarder> fwd;
    asyncore::address where;
    std::size_t most_buffered = 0;  // the largest out_buffer of any forward_end, over the run
    std::size_t readable_while_full = 0;  // times an end said readable() with its partner's buffer full

    // A forwarder to an upstream listener of the test's own, or to `remote` when given.
    explicit forwarder_fixture(const asyncore::address* remote = nullptr) {
        upstream_listener.bind(asyncore::address("127.0.0.1", 0));
        upstream_listener.listen(256);
        fwd = std::make_unique<forwarder>(asyncore::address("127.0.0.1", 0),
                                          remote ? *remote : upstream_listener.getsockname(), &map, log);
        where = fwd->local_address();
    }
    // Runs the forwarder's loop until done() (called between passes) says yes.
    bool run_until(const std::function<bool()>& done, double seconds = patience) {
        return testing::run_until(
            map,
            [&] {
                for (const auto& t : map.snapshot())
                    if (auto* end = dynamic_cast<forward_end*>(t.channel)) {
                        most_buffered = std::max(most_buffered, end->out_buffer.size());
                        auto* partner = end->partner();
                        if (partner && partner->out_buffer.size() >= forward_end::buffer_limit && end->readable())
                            ++readable_while_full;
                    }
                return done();
            },
            seconds, 0.001);
    }
    // The upstream's side of the next connection the forwarder makes.
    endpoint accept_upstream() {
        std::optional<std::pair<asyncore::socket, asyncore::address>> conn;
        INFO("hint: on each accepted client, the forwarder connects to the remote (handle_accepted)");
        REQUIRE(run_until([&] { return bool(conn = upstream_listener.accept()); }));
        return endpoint(std::move(conn->first));
    }
    // True once only the listening forwarder is left in the map: every forward_end closed.
    bool only_listener_left(double seconds = patience) {
        return run_until([&] { return map.size() == 1; }, seconds);
    }
};

}  // namespace

TEST_CASE("bytes go both ways through the forwarder unchanged", "[ex10]") {
    forwarder_fixture f;
    endpoint client = endpoint::connect_to(f.where);
    endpoint upstream = f.accept_upstream();
    client.to_send = "hello, upstream\n" + testing::random_bytes(300000, 1);
    upstream.to_send = "hello, client\n" + testing::random_bytes(300000, 2);
    INFO("hint: what one end recv()s, its partner send()s (handle_read)");
    REQUIRE(f.run_until([&] {
        client.pump();
        upstream.pump();
        return client.received.size() >= upstream.to_send.size() && upstream.received.size() >= client.to_send.size();
    }));
    CHECK(testing::compare_bytes(upstream.received, client.to_send) == "same");
    CHECK(testing::compare_bytes(client.received, upstream.to_send) == "same");
}

TEST_CASE("each of 100 concurrent clients gets exactly its own bytes back through the forwarder", "[ex10]") {
    forwarder_fixture f;
    std::vector<endpoint> clients, upstreams;
    for (unsigned i = 0; i < 100; ++i) {
        clients.push_back(endpoint::connect_to(f.where));
        clients.back().to_send = "client " + std::to_string(i) + ": " + testing::random_bytes(2000 + 97 * i, i);
    }
    // The upstream echoes every connection, whichever client it belongs to.
    auto all_done = [&] {
        while (auto conn = f.upstream_listener.accept()) upstreams.emplace_back(std::move(conn->first));
        for (auto& u : upstreams) {
            u.pump();
            u.to_send += u.received;
            u.received.clear();
        }
        bool done = true;
        for (auto& c : clients) {
            c.pump();
            done = done && c.received.size() >= c.to_send.size();
        }
        return done;
    };
    INFO("hint: every client needs its own pair of forward_end objects, made in handle_accepted()");
    REQUIRE(f.run_until(all_done, 20.0));
    CHECK(upstreams.size() == 100);
    for (auto& c : clients) CHECK(testing::compare_bytes(c.received, c.to_send) == "same");
}

TEST_CASE("a client that half-closes still gets the upstream's whole reply and then end of file", "[ex10]") {
    forwarder_fixture f;
    endpoint client = endpoint::connect_to(f.where);
    client.to_send = "GET everything, then I stop sending\n";
    client.shut_when_sent = true;  // shutdown(SHUT_WR) after the request: "that is all"
    endpoint upstream = f.accept_upstream();

    INFO("hint: end of file from the client must reach the upstream as end of file too "
         "(handle_eof: the partner's shutdown_when_done())");
    REQUIRE(f.run_until([&] {
        client.pump();
        upstream.pump();
        return upstream.eof;
    }));
    CHECK(testing::compare_bytes(upstream.received, client.to_send) == "same");

    upstream.to_send = testing::random_bytes(4 << 20, 3);  // far more than the buffers hold
    upstream.shut_when_sent = true;
    INFO("hint: after the client's end of file, the other direction goes on: do not close yet");
    REQUIRE(f.run_until([&] {
        client.pump();
        upstream.pump();
        return client.gone();
    }, 20.0));
    CHECK(client.eof);
    CHECK(testing::compare_bytes(client.received, upstream.to_send) == "same");
    INFO("hint: once both directions are done, close both ends (close_if_finished)");
    CHECK(f.only_listener_left());
}

TEST_CASE("an upstream that closes first still has every byte it sent delivered to the client", "[ex10]") {
    forwarder_fixture f;
    endpoint client = endpoint::connect_to(f.where, 65536);
    endpoint upstream = f.accept_upstream();
    upstream.to_send = testing::random_bytes(16 << 20, 4);  // more than the kernel buffers hold

    // The client reads slowly, so that bytes still wait in the forwarder when the upstream leaves.
    REQUIRE(f.run_until([&] {
        client.pump(16384);
        upstream.pump();
        return upstream.sent_all();
    }, 20.0));
    upstream.sock.close();
    std::size_t waiting_at_eof = 0;
    auto forwarder_saw_eof = [&] {
        for (const auto& t : f.map.snapshot())
            if (auto* end = dynamic_cast<forward_end*>(t.channel); end && end->read_done() && end->partner()) {
                waiting_at_eof = end->partner()->out_buffer.size();
                return true;
            }
        return false;
    };
    INFO("hint: end of file from the upstream arrives in handle_eof(): remember it (read_done_)");
    REQUIRE(f.run_until([&] {
        client.pump(16384);
        return forwarder_saw_eof() || client.gone();
    }, 20.0));
    INFO("bytes waiting for the client when the upstream's end of file arrived: " << waiting_at_eof);
    INFO("hint: end of file from the upstream is no reason to drop what is buffered for the client: "
         "send it all, then shut the client's side down (shutdown_when_done)");
    REQUIRE(f.run_until([&] {
        client.pump();
        return client.gone();
    }, 20.0));
    CHECK(client.eof);
    CHECK(testing::compare_bytes(client.received, upstream.to_send) == "same");
    CHECK(waiting_at_eof > 0);  // else this test did not test what it says

    client.sock.close();
    INFO("hint: the client's end of file finishes the pair: both directions are done");
    CHECK(f.only_listener_left());
}

TEST_CASE("a refused remote closes the client's connection promptly", "[ex10]") {
    // A port that is bound but not listening: a connect there is refused.
    auto closed = asyncore::socket::create();
    closed.bind(asyncore::address("127.0.0.1", 0));
    auto nobody = closed.getsockname();
    forwarder_fixture f(&nobody);
    endpoint client = endpoint::connect_to(f.where);
    client.to_send = "anyone there?";

    INFO("hint: a refused connect reaches the remote's end as an exception in handle_error(): "
         "log it, then close both ends");
    REQUIRE(f.run_until([&] {
        client.pump();
        return client.gone();
    }, 2.0));
    CHECK(f.only_listener_left());
    CHECK_THAT(f.log.str(), testing::contains("Connection refused"));
}

TEST_CASE("a client that reads slowly while the upstream sends 32 MiB gets every byte in order and the "
          "forwarder's buffers stay bounded",
          "[ex10]") {
    forwarder_fixture f;
    testing::pattern stream(5);
    endpoint client = endpoint::connect_to(f.where);
    client.expect = &stream;
    endpoint upstream = f.accept_upstream();
    upstream.stream = &stream;
    upstream.stream_size = std::size_t(32) << 20;

    auto slow_until = testing::clock::now() + std::chrono::milliseconds(500);
    REQUIRE(f.run_until([&] {
        bool slow = testing::clock::now() < slow_until;
        client.pump(slow ? 4096 : std::size_t(4) << 20);  // a slow reader first, then a fast one
        upstream.pump();
        return client.received_count >= upstream.stream_size;
    }, 45.0));
    CHECK(client.received_count == upstream.stream_size);
    INFO("a byte arrived out of order, or changed");
    CHECK(client.in_order);
    INFO("the largest out_buffer seen: " << f.most_buffered << " bytes; the bound: " << forward_end::buffer_limit);
    INFO("hint: readable() must say no while the partner's out_buffer is full, and handle_read() must "
         "read no more than the room left: otherwise a slow client makes the forwarder's memory grow "
         "without end");
    CHECK(f.most_buffered <= forward_end::buffer_limit);
    CHECK(f.most_buffered > 0);
    INFO("hint: an end whose partner's out_buffer is full must say no to readable(): otherwise the "
         "loop wakes it again and again for nothing, and the CPU spins");
    CHECK(f.readable_while_full == 0);
}

TEST_CASE("a reset on one side closes the other side", "[ex10]") {
    for (bool client_resets : {true, false}) {
        DYNAMIC_SECTION((client_resets ? "the client resets" : "the upstream resets")) {
            forwarder_fixture f;
            endpoint client = endpoint::connect_to(f.where);
            endpoint upstream = f.accept_upstream();
            client.to_send = "ping";
            upstream.to_send = "pong";
            REQUIRE(f.run_until([&] {
                client.pump();
                upstream.pump();
                return client.received == "pong" && upstream.received == "ping";
            }));
            endpoint& leaver = client_resets ? client : upstream;
            endpoint& stayer = client_resets ? upstream : client;
            testing::close_with_reset(leaver.sock);
            INFO("hint: a reset arrives as handle_close(): close both ends, not only this one");
            REQUIRE(f.run_until([&] {
                stayer.pump();
                return stayer.gone();
            }));
            CHECK(f.only_listener_left());
        }
    }
}
