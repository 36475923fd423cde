// Exercise 07, challenge: the checks your half_relay must pass. Each test builds a relay between
// two real socketpairs, plays the two peers from here, and runs the real loop.
#include "close_helpers.hpp"
#include "half_relay.hpp"

#include <sys/socket.h>

namespace {

// Takes what has arrived on a non-blocking socket, without waiting; sets `eof` at its end.
void drain(int fd, std::string& into, bool& eof) {
    char buffer[65536];
    ssize_t n;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) into.append(buffer, static_cast<std::size_t>(n));
    if (n == 0) eof = true;
}

struct half_fixture {
    asyncore::channel_map map;
    asyncore::socket a_peer, b_peer;
    std::weak_ptr<half_end> a, b;
    std::string to_a_peer, to_b_peer;
    bool a_peer_eof = false, b_peer_eof = false;

    half_fixture() {
        auto [a_end, ap] = testing::socket_pair();
        auto [b_end, bp] = testing::socket_pair();
        a_peer = std::move(ap);
        b_peer = std::move(bp);
        std::tie(a, b) = make_half_relay(std::move(a_end), std::move(b_end), map);
        INFO("hint: make_half_relay() must make both ends with asyncore::make<half_end>(...) and return them");
        REQUIRE(a.lock());
        REQUIRE(b.lock());
    }
    bool run_until(const std::function<bool()>& done, double seconds = testing::patience) {
        return testing::run_until(map, [&] {
            drain(a_peer.fileno(), to_a_peer, a_peer_eof);
            drain(b_peer.fileno(), to_b_peer, b_peer_eof);
            return done();
        }, seconds);
    }
};

}  // namespace

TEST_CASE("a half-close passes through and the answer still comes back", "[ex07][challenge]") {
    half_fixture f;
    testing::write_all(f.a_peer.fileno(), "question");
    ::shutdown(f.a_peer.fileno(), SHUT_WR);  // "that is all": a's peer still waits for the answer
    {
        INFO("b's peer got \"" << f.to_b_peer << "\"" << (f.b_peer_eof ? " and end of file" : ""));
        INFO("hint: a's handle_eof() must ask b to shutdown_when_done(): b's peer then reads end of "
             "file after the question; and a must not close, the answer has yet to come");
        REQUIRE(f.run_until([&] { return f.b_peer_eof; }));
        CHECK(f.to_b_peer == "question");
    }
    testing::write_all(f.b_peer.fileno(), "answer");
    f.b_peer.close();
    bool ended = f.run_until([&] { return f.a_peer_eof && f.map.empty(); });
    INFO("a's peer got \"" << f.to_a_peer << "\"" << (f.a_peer_eof ? " and end of file" : ""));
    INFO("hint: once both peers have finished sending and nothing waits, end the relay: "
         "end_if_done() from handle_eof() and from handle_write()");
    CHECK(ended);
    CHECK(f.to_a_peer == "answer");
}

TEST_CASE("a megabyte sent before a half-close arrives whole before end of file", "[ex07][challenge]") {
    half_fixture f;
    std::string text;
    for (int i = 0; text.size() < (1 << 20); ++i) text += "line " + std::to_string(i) + "\n";
    std::string_view left = text;
    bool shut = false;
    auto a = f.a.lock();
    // b's peer reads nothing until a has seen end of file: by then most of the megabyte waits in
    // b's out_buffer, and must still go out before b's peer reads end of file.
    bool a_done = testing::run_until(f.map, [&] {
        ssize_t n = left.empty() ? 0 : ::send(f.a_peer.fileno(), left.data(), left.size(), MSG_NOSIGNAL);
        if (n > 0) left.remove_prefix(static_cast<std::size_t>(n));
        if (left.empty() && !shut) shut = ::shutdown(f.a_peer.fileno(), SHUT_WR) == 0;
        return a->got_eof || a->ended;
    }, 2 * testing::patience);
    auto b = f.b.lock();
    std::size_t waiting = b && !b->ended ? b->out_buffer.size() : 0;
    bool arrived = f.run_until([&] { return f.b_peer_eof; }, 2 * testing::patience);
    INFO("when a saw end of file, " << waiting << " bytes waited in b's out_buffer");
    INFO("b's peer got " << f.to_b_peer.size() << " of " << text.size() << " bytes"
         << (f.b_peer_eof ? ", then end of file" : ", and no end of file"));
    INFO("hint: shutdown_when_done(), not shutdown(): the half-close must wait until out_buffer is empty");
    CHECK(a_done);
    CHECK(arrived);
    CHECK(f.to_b_peer == text);
    CHECK((b && !b->ended));
}

TEST_CASE("after end of file an end stops asking to read", "[ex07][challenge]") {
    half_fixture f;
    ::shutdown(f.a_peer.fileno(), SHUT_WR);
    f.run_until([&] { return f.b_peer_eof; });
    auto a = f.a.lock();
    INFO("hint: a socket at end of file stays readable for ever: readable() must say no once got_eof, "
         "or the loop wakes up for it on every pass");
    REQUIRE(a);
    CHECK(a->got_eof);
    CHECK_FALSE(a->readable());
}

TEST_CASE("a reset ends both directions at once", "[ex07][challenge]") {
    asyncore::channel_map map;
    auto [a_end, a_peer] = testing::tcp_pair();
    auto [b_end, b_peer] = testing::socket_pair();
    auto [a, b] = make_half_relay(std::move(a_end), std::move(b_end), map);
    {
        INFO("hint: make_half_relay() must make both ends with asyncore::make<half_end>(...) and return them");
        REQUIRE(a.lock());
    }
    testing::close_with_reset(a_peer);
    bool ended;
    {
        INFO("hint: if the test program crashed here (a stack overflow), the two handle_close() "
             "calls call each other without end: set `ended` first, and return when it is set");
        ended = testing::run_until(map, [&] { return map.empty(); });
    }
    INFO("hint: a reset calls handle_close() (not handle_eof()): end the relay, both ends, at once");
    CHECK(ended);
    CHECK(testing::peer_gone(b_peer.fileno()));
}
