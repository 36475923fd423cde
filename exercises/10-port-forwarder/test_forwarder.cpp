// Capstone 10: the checks your port forwarder must pass. Each test runs a forwarder in this
// process, on the real loop, between a client and an upstream server that the test plays with
// plain loopback sockets.
#include "forward_peers.hpp"
#include "forwarder.hpp"
#include "server_tests.hpp"

#include <unistd.h>

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
    std::size_t readable_while_connecting = 0;  // times an end said readable() while its partner connected

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
        INFO("hint: if the test program crashed while the loop ran: recv_into() may call handle_eof() "
             "or handle_close(), and a send() to the partner may find a reset, and either can close "
             "the pair: check partner_ again before you use it (TODO 4)");
        return testing::run_until(
            map,
            [&] {
                for (const auto& t : map.snapshot())
                    if (auto* end = dynamic_cast<forward_end*>(t.channel)) {
                        most_buffered = std::max(most_buffered, end->out_buffer.size());
                        auto* partner = end->partner();
                        if (partner && partner->out_buffer.size() >= forward_end::buffer_limit && end->readable())
                            ++readable_while_full;
                        if (partner && !partner->connected && partner->connecting && end->readable())
                            ++readable_while_connecting;
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
    {
        INFO("hint: what one end recv()s, its partner send()s (handle_read)");
        REQUIRE(f.run_until([&] {
            client.pump();
            upstream.pump();
            return client.received.size() >= upstream.to_send.size() && upstream.received.size() >= client.to_send.size();
        }));
        CHECK(testing::compare_bytes(upstream.received, client.to_send) == "same");
        CHECK(testing::compare_bytes(client.received, upstream.to_send) == "same");
    }
    {
        INFO("loop passes in which the client's end said readable() while the remote's end was still "
             "connecting: " << f.readable_while_connecting);
        INFO("hint: readable() says no until the partner is connected: bytes read before could only "
             "wait, and a refused connect would drop them (TODO 3)");
        CHECK(f.readable_while_connecting == 0);
    }
}

TEST_CASE("each of 100 concurrent clients gets exactly its own bytes back through the forwarder", "[ex10]") {
    forwarder_fixture f;
    std::vector<endpoint> clients, upstreams;
    for (unsigned i = 0; i < 100; ++i) {
        clients.push_back(endpoint::connect_to(f.where));
        clients.back().to_send = "client " + std::to_string(i) + ": " + testing::random_bytes(2000 + 97 * i, i);
    }
    {
        std::vector<int> fds;
        for (auto& c : clients) fds.push_back(c.sock.fileno());
        auto connected = testing::connected_within(fds, 2.0);  // before the forwarder accepts anyone
        INFO(connected << " of 100 clients could connect before the forwarder accepted any");
        INFO("hint: all 100 connect at the same moment, and listen()'s backlog is how many "
             "connections may wait to be accepted: the others are turned away (TODO 1)");
        REQUIRE(connected == 100);
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
    endpoint client = endpoint::connect_to(f.where, 65536);
    client.to_send = "GET everything, then I stop sending\n";
    client.shut_when_sent = true;  // shutdown(SHUT_WR) after the request: "that is all"
    endpoint upstream = f.accept_upstream();

    {
        INFO("hint: end of file from the client must reach the upstream as end of file too "
             "(handle_eof: the partner's shutdown_when_done())");
        REQUIRE(f.run_until([&] {
            client.pump();
            upstream.pump();
            return upstream.eof;
        }));
        CHECK(testing::compare_bytes(upstream.received, client.to_send) == "same");
    }

    upstream.to_send = testing::random_bytes(16 << 20, 3);  // more than the kernel buffers hold
    upstream.shut_when_sent = true;
    // The client reads slowly, so that bytes still wait for it when the upstream's end of file,
    // the last one, arrives.
    std::size_t waiting_at_last_eof = 0;
    bool seen_last_eof = false;
    auto watch = [&] {
        for (const auto& t : f.map.snapshot())
            if (auto* end = dynamic_cast<forward_end*>(t.channel); end && !seen_last_eof && end->read_done() &&
                                                                   end->partner() && end->partner()->read_done()) {
                seen_last_eof = true;
                waiting_at_last_eof = end->out_buffer.size() + end->partner()->out_buffer.size();
            }
    };
    {
        INFO("hint: after the client's end of file, the other direction goes on: do not close yet; "
             "and when the upstream's end of file comes, bytes may still wait for the client: close "
             "only once both buffers are empty (close_if_finished)");
        REQUIRE(f.run_until([&] {
            client.pump(16384);
            upstream.pump();
            watch();
            return client.gone();
        }, 20.0));
        CHECK(client.eof);
        CHECK(testing::compare_bytes(client.received, upstream.to_send) == "same");
    }
    {
        INFO("bytes waiting in the forwarder when both ends had read end of file: " << waiting_at_last_eof);
        INFO("hint: the pair is done when the last of those bytes is sent: handle_write() must check "
             "too (close_if_finished), not only handle_eof()");
        CHECK(f.only_listener_left());
    }
    {
        INFO("bytes waiting in the forwarder when both ends had read end of file: " << waiting_at_last_eof);
        CHECK(waiting_at_last_eof > 0);  // else this test did not test what it says
    }
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
    // A port that is bound but not listening: a connect there is refused, in the loop.
    auto closed = asyncore::socket::create();
    closed.bind(asyncore::address("127.0.0.1", 0));
    // A Unix socket path where nothing listens: connect() fails at once, in handle_accepted().
    const std::string nowhere = "/tmp/asyncore-ex10-nobody-" + std::to_string(::getpid());
    for (bool at_once : {false, true}) {
        DYNAMIC_SECTION((at_once ? "connect() fails at once (a Unix socket path)" : "the remote port refuses")) {
            asyncore::address nobody = at_once ? asyncore::address::unix_path(nowhere) : closed.getsockname();
            forwarder_fixture f(&nobody);
            endpoint client = endpoint::connect_to(f.where);
            client.to_send = "anyone there?";
            INFO((at_once ? "hint: connect() threw inside handle_accepted(): catch it there, and let "
                            "remote->handle_error() log it and close both ends (TODO 2)"
                          : "hint: a refused connect reaches the remote's end as an exception in "
                            "handle_error(): log it, then close both ends (TODO 9)"));
            REQUIRE(f.run_until([&] {
                client.pump();
                return client.gone();
            }, 2.0));
            CHECK(f.only_listener_left());
            INFO("the log:\n" << f.log.str());
            CHECK_THAT(f.log.str(), testing::contains(at_once ? "No such file" : "Connection refused"));
            CHECK_THAT(f.log.str(), !testing::contains("accept failed"));  // the listener's handle_error()
        }
    }
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
            INFO("hint: a reset arrives as handle_close(): close both ends, not only this one (TODO 8)");
            INFO("hint: if the test program crashed here: recv_into() may call handle_close(), which "
                 "closes the pair, so partner_ can be null when it returns (TODO 4)");
            REQUIRE(f.run_until([&] {
                stayer.pump();
                return stayer.gone();
            }));
            CHECK(f.only_listener_left());
        }
    }
}
