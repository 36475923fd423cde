// Exercise 07, challenge: the checks your capped relay must pass. Each test builds a relay
// between two real socketpairs, plays the two peers from here, and runs the real loop.
#include "capped_relay.hpp"
#include "close_helpers.hpp"

#include <sys/socket.h>

#include <algorithm>

namespace {

// Takes what has arrived on a non-blocking socket, without waiting; sets `eof` at its end.
void drain(int fd, std::string& into, bool& eof) {
    char buffer[65536];
    ssize_t n;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) into.append(buffer, static_cast<std::size_t>(n));
    if (n == 0) eof = true;
}

struct capped_fixture {
    relay_log log;
    asyncore::channel_map map;
    asyncore::socket a_peer, b_peer;
    std::shared_ptr<relay_end> a, b;  // held by the test too, to look at them after the relay ends

    capped_fixture() {
        auto [a_end, ap] = testing::socket_pair();
        auto [b_end, bp] = testing::socket_pair();
        a_peer = std::move(ap);
        b_peer = std::move(bp);
        relay r = make_capped_relay(std::move(a_end), std::move(b_end), map, log);
        a = r.a.lock();
        b = r.b.lock();
        INFO("hint: make_capped_relay() must make both ends with asyncore::make<capped_end>(...) and return them");
        REQUIRE(a);
        REQUIRE(b);
    }
    ~capped_fixture() { asyncore::close_all(&map); }
};

}  // namespace

TEST_CASE("a relay whose reader is slow holds at most cap bytes for it", "[ex07][challenge]") {
    capped_fixture f;
    std::string text;
    for (int i = 0; text.size() < (4 << 20); ++i) text += "line " + std::to_string(i) + "\n";
    std::string_view left = text;
    std::size_t most = 0;  // the most b held unsent after any pass
    int stalled = 0;       // passes in a row in which a's peer could send nothing
    // a's peer sends as fast as it can; b's peer reads nothing. A capped relay stops reading a:
    // then a's socket buffer fills, and a's peer cannot send any more.
    testing::run_until(f.map, [&] {
        most = std::max(most, f.b->out_buffer.size());
        ssize_t n = left.empty() ? 0 : ::send(f.a_peer.fileno(), left.data(), left.size(), MSG_NOSIGNAL);
        if (n > 0) left.remove_prefix(static_cast<std::size_t>(n));
        stalled = n > 0 ? 0 : stalled + 1;
        return stalled >= 30 || left.empty();
    });
    {
        INFO("b held up to " << most << " bytes unsent; the cap is " << capped_end::cap << " (one read of "
             << relay_end::chunk << " may go over it)");
        INFO("hint: capped_end::readable() must say no while the partner's out_buffer holds cap bytes or more");
        CHECK(most <= capped_end::cap + relay_end::chunk);
        CHECK_FALSE(left.empty());
        CHECK_FALSE(f.a->readable());
    }
    // Now b's peer reads: a reads again, and everything arrives, then the half-close.
    std::string got;
    bool eof = false, shut = false;
    bool arrived = testing::run_until(f.map, [&] {
        drain(f.b_peer.fileno(), got, eof);
        ssize_t n = left.empty() ? 0 : ::send(f.a_peer.fileno(), left.data(), left.size(), MSG_NOSIGNAL);
        if (n > 0) left.remove_prefix(static_cast<std::size_t>(n));
        if (left.empty() && !shut) shut = ::shutdown(f.a_peer.fileno(), SHUT_WR) == 0;
        return eof;
    }, 4 * testing::patience);
    INFO("b's peer got " << got.size() << " of " << text.size() << " bytes" << (eof ? ", then end of file" : ""));
    INFO("hint: once b has sent what it held, a must read again: readable() is asked before every pass");
    CHECK(arrived);
    CHECK(got == text);
}

TEST_CASE("a capped end stops asking to read at end of file", "[ex07][challenge]") {
    capped_fixture f;
    ::shutdown(f.a_peer.fileno(), SHUT_WR);
    std::string got;
    bool eof = false;
    testing::run_until(f.map, [&] {
        drain(f.b_peer.fileno(), got, eof);
        return eof;
    });
    INFO("hint: capped_end::readable() must keep what relay_end::readable() says, and add the cap to it");
    CHECK(f.a->got_eof);
    CHECK_FALSE(f.a->readable());
}
