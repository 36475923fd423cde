// Chapter 07: half-close, an extension Python's asyncore lacks. handle_eof() is where end of file
// arrives (its default is asyncore's: handle_close()); shutdown() and shutdown_when_done() end
// one direction of a connection while the other goes on.
#include "close_helpers.hpp"

using testing::recorder;
using testing::trace;
using strings = std::vector<std::string>;

namespace {

std::string reply_for(const std::string& request) {
    std::string reply;
    while (reply.size() < (4u << 20)) reply += "reply to " + request + "\n";
    return reply;
}

// Collects a whole request (until end of file) and then answers it: a server for clients that
// say "that is all" by half-closing. `eof_closes` puts asyncore's behaviour back.
class answering_server : public asyncore::dispatcher_with_send {
public:
    answering_server(asyncore::socket sock, asyncore::channel_map& map) : dispatcher_with_send(std::move(sock), &map) {}
    bool eof_closes = false;
    std::string request;
    bool readable() override { return !got_eof_; }
    void handle_read() override { request += recv(65536); }
    void handle_eof() override {
        if (eof_closes) {  // what asyncore does: recv() at end of file is the end
            dispatcher_with_send::handle_eof();
            return;
        }
        got_eof_ = true;
        send(reply_for(request));  // far more than the socket buffers hold: most of it waits
        shutdown_when_done();      // then end our direction too
    }
    void handle_close() override { close(); }

private:
    bool got_eof_ = false;
};

// Sends a request, half-closes, and reads the reply until the server's end of file.
class asking_client : public asyncore::dispatcher_with_send {
public:
    asking_client(asyncore::socket sock, asyncore::channel_map& map) : dispatcher_with_send(std::move(sock), &map) {}
    std::string reply;
    bool done = false;
    void ask(const std::string& request) {
        send(request);
        shutdown_when_done();  // "that is all": the server reads end of file after the request
    }
    void handle_read() override { reply += recv(65536); }
    void handle_close() override {  // the server's end of file, after the last byte of the reply
        close();
        done = true;
    }
};

}  // namespace

TEST_CASE("by default end of file goes to handle_eof which calls handle_close as asyncore does", "[half_close]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    recorder a(std::move(mine), map, events, "a");
    peer.close();

    REQUIRE(testing::run_until(map, [&] { return map.empty(); }));
    CHECK(events.events == strings{"a.read", "a.close"});
}

TEST_CASE("a client that half-closes still gets the whole reply from a server that overrides handle_eof",
          "[half_close]") {
    asyncore::channel_map map;
    auto [c, s] = testing::tcp_pair();
    asking_client client(std::move(c), map);
    answering_server server(std::move(s), map);

    client.ask("GET everything");
    REQUIRE(testing::run_until(map, [&] { return client.done; }, 2 * testing::patience));

    CHECK(server.request == "GET everything");
    CHECK(client.reply.size() == reply_for("GET everything").size());
    CHECK(client.reply == reply_for("GET everything"));
}

TEST_CASE("without the handle_eof override the reply still queued is lost as in Python's asyncore",
          "[half_close]") {
    // The reason the extension exists: asyncore's recv() closes at end of file, and close()
    // drops whatever out_buffer still holds.
    asyncore::channel_map map;
    auto [c, s] = testing::socket_pair();
    asking_client client(std::move(c), map);
    answering_server server(std::move(s), map);
    server.eof_closes = true;
    std::size_t reply_size = reply_for("GET everything").size();
    // The server answers as soon as it has the request (it does not know the client is done).
    client.ask("GET everything");
    REQUIRE(testing::run_until(map, [&] { return !server.request.empty(); }));
    server.send(reply_for(server.request));

    REQUIRE(testing::run_until(map, [&] { return client.done; }, 2 * testing::patience));
    CHECK(client.reply.size() < reply_size);
}

TEST_CASE("shutdown_when_done sends everything queued before the peer reads end of file", "[half_close]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    recorder a(std::move(mine), map, events, "a");
    const std::string big = reply_for("shutdown_when_done");
    a.send(big);
    a.shutdown_when_done();
    REQUIRE_FALSE(a.out_buffer.empty());

    std::string got;
    bool eof = false;
    REQUIRE(testing::run_until(map, [&] {
        char buffer[65536];
        ssize_t n;
        while ((n = ::recv(peer.fileno(), buffer, sizeof buffer, 0)) > 0) got.append(buffer, static_cast<std::size_t>(n));
        eof = n == 0;
        return eof;
    }));
    CHECK(got == big);
    INFO("only our direction is shut: the channel is open and can still read");
    CHECK(a.connected);
    CHECK(map.get(a.fileno()) == &a);
    testing::write_all(peer.fileno(), "late answer");
    REQUIRE(testing::run_until(map, [&] { return a.received == "late answer"; }));
    CHECK(events.count("a.close") == 0);
}

TEST_CASE("shutdown_when_done with nothing queued shuts down at once", "[half_close]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    recorder a(std::move(mine), map, events, "a");
    a.shutdown_when_done();
    CHECK(testing::at_eof(peer.fileno()));
    CHECK(map.size() == 1);
}

TEST_CASE("shutdown(SHUT_WR) keeps the channel registered and able to read", "[half_close]") {
    asyncore::channel_map map;
    trace events;
    auto [client, server] = testing::tcp_pair();
    recorder a(std::move(client), map, events, "a");
    a.shutdown(SHUT_WR);
    CHECK(testing::at_eof(server.fileno()));
    testing::write_all(server.fileno(), "still listening?");
    REQUIRE(testing::run_until(map, [&] { return !a.received.empty(); }));
    CHECK(a.received == "still listening?");
    CHECK(map.get(a.fileno()) == &a);
}
