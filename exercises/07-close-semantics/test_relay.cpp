// Exercise 07: the checks your relay must pass. Each test builds a relay between two real
// sockets, plays the two peers from here, and runs the real loop.
#include "close_helpers.hpp"
#include "relay.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <stdexcept>

namespace {

std::size_t count(const relay_log& log, const std::string& entry) {
    return static_cast<std::size_t>(std::count(log.begin(), log.end(), entry));
}

std::string show(const relay_log& log) {
    std::string text = "the log:";
    for (const auto& entry : log) text += " [" + entry + "]";
    return log.empty() ? "the log is empty" : text;
}

// Takes what has arrived on a non-blocking socket, without waiting; sets `eof` at its end.
void drain(int fd, std::string& into, bool& eof) {
    char buffer[65536];
    for (;;) {
        ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            into.append(buffer, static_cast<std::size_t>(n));
        } else {
            if (n == 0) eof = true;
            return;
        }
    }
}

// About a megabyte of numbered lines: far more than a socket buffer holds.
std::string megabyte() {
    std::string text;
    for (int i = 0; text.size() < (1 << 20); ++i) text += "line " + std::to_string(i) + "\n";
    return text;
}

// A relay between two sockets, and the two peers the test plays: a_peer talks to end "a",
// b_peer to end "b". `log` is declared first: the ends write to it as the map destroys them.
struct relay_fixture {
    relay_log log;
    asyncore::channel_map map;
    asyncore::socket a_peer, b_peer;
    relay r;
    std::string to_a_peer, to_b_peer;  // what each peer has received
    bool a_peer_eof = false, b_peer_eof = false;

    explicit relay_fixture(bool tcp = false) {
        auto [a, ap] = tcp ? testing::tcp_pair() : testing::socket_pair();
        auto [b, bp] = tcp ? testing::tcp_pair() : testing::socket_pair();
        a_peer = std::move(ap);
        b_peer = std::move(bp);
        r = make_relay(std::move(a), std::move(b), map, log);
    }
    // The two ends, or a failed REQUIRE with a hint if make_relay() did not make them.
    std::pair<std::shared_ptr<relay_end>, std::shared_ptr<relay_end>> ends() {
        auto a = r.a.lock(), b = r.b.lock();
        INFO("hint: make_relay() must make both ends with asyncore::make<relay_end>(...) and return them; "
             "made any other way, nothing keeps them alive after make_relay() returns");
        REQUIRE(a);
        REQUIRE(b);
        return {a, b};
    }
    // Waits until both ends have an event waiting (data, or end of file), so that one pass sees both.
    void wait_both_readable() {
        auto [a, b] = ends();
        REQUIRE(testing::wait_fd(a->fileno(), POLLIN));
        REQUIRE(testing::wait_fd(b->fileno(), POLLIN));
    }
    // Runs the loop, reading both peers as it goes, until `done()` or the time limit.
    bool run_until(const std::function<bool()>& done, double seconds = testing::patience) {
        return testing::run_until(map, [&] {
            if (a_peer.fileno() >= 0) drain(a_peer.fileno(), to_a_peer, a_peer_eof);
            if (b_peer.fileno() >= 0) drain(b_peer.fileno(), to_b_peer, b_peer_eof);
            return done();
        }, seconds);
    }
    // One pass in which the relay should end, and the loop until it has. Should handle_close()
    // and the partner's call each other without end, the program dies of a stack overflow in
    // there: the hint is in scope before the call, so that the crash report shows it.
    void ending_pass() {
        INFO(ping_pong_hint);
        asyncore::poll(testing::patience, &map);
    }
    bool run_until_ended() {
        INFO(ping_pong_hint);
        return run_until([&] { return map.empty(); });
    }
    static constexpr const char* ping_pong_hint =
        "hint: if the test program crashed here (SIGSEGV: a stack overflow), a.handle_close() and "
        "b.handle_close() call each other without end. Set a flag before calling the partner, and "
        "return at once when it is already set";
    // Runs the loop while a's peer sends `text` (as fast as a reads it) and then half-closes,
    // until a has seen that end of file (or the relay ended). b's peer reads nothing meanwhile.
    bool send_then_half_close(const std::string& text) {
        auto a = ends().first;
        std::string_view left = text;
        bool shut = false;
        return testing::run_until(map, [&] {
            ssize_t n = left.empty() ? 0 : ::send(a_peer.fileno(), left.data(), left.size(), MSG_NOSIGNAL);
            if (n > 0) left.remove_prefix(static_cast<std::size_t>(n));
            if (left.empty() && !shut) shut = ::shutdown(a_peer.fileno(), SHUT_WR) == 0;
            return a->got_eof || !log.empty();
        }, 2 * testing::patience);
    }
    // Both ends report "closed" exactly once.
    void check_closed_once_each() {
        INFO(show(log));
        INFO("hint: handle_close() must close this end and its partner, and note(\"closed\") once per end, "
             "however many times it is called");
        CHECK(count(log, "a closed") == 1);
        CHECK(count(log, "b closed") == 1);
    }
};

}  // namespace

TEST_CASE("make_relay gives two ends that the map owns and that are each other's partner", "[ex07][lifetime]") {
    relay_fixture f;
    auto [a, b] = f.ends();
    CHECK(a->name == "a");
    CHECK(b->name == "b");
    CHECK(f.map.size() == 2);
    CHECK(f.map.get(a->fileno()) == a.get());
    CHECK(f.map.get(b->fileno()) == b.get());
    {
        INFO("hint: set each end's `partner` to the other end");
        CHECK(a->partner.lock() == b);
        CHECK(b->partner.lock() == a);
    }
    a.reset();
    b.reset();
    INFO("hint: only the map may own an end. Another shared_ptr to it (kept in a static, say) would keep "
         "it alive after it closes");
    CHECK(f.r.a.use_count() == 1);
    CHECK(f.r.b.use_count() == 1);
}

TEST_CASE("bytes sent to either peer come out at the other peer", "[ex07][forward]") {
    relay_fixture f;
    auto [a, b] = f.ends();
    testing::write_all(f.a_peer.fileno(), "ping from a's side");
    testing::write_all(f.b_peer.fileno(), "pong from b's side");

    bool arrived = f.run_until([&] { return f.to_b_peer.size() >= 18 && f.to_a_peer.size() >= 18; });
    INFO("b's peer got \"" << f.to_b_peer << "\", a's peer got \"" << f.to_a_peer << "\"");
    INFO("hint: handle_read() must recv() and send() what it got through partner.lock()");
    REQUIRE(arrived);
    CHECK(f.to_b_peer == "ping from a's side");
    CHECK(f.to_a_peer == "pong from b's side");
    CHECK(a->bytes_forwarded == 18);
    CHECK(b->bytes_forwarded == 18);
    INFO(show(f.log));
    CHECK(f.log.empty());
}

TEST_CASE("a half-close passes through and the answer still comes back", "[ex07][half-close]") {
    relay_fixture f;
    f.ends();
    testing::write_all(f.a_peer.fileno(), "question");
    ::shutdown(f.a_peer.fileno(), SHUT_WR);  // "that is all": a's peer still waits for the answer
    {
        bool passed_on = f.run_until([&] { return f.b_peer_eof || !f.log.empty(); });
        INFO(show(f.log));
        INFO("b's peer got \"" << f.to_b_peer << "\"" << (f.b_peer_eof ? " and end of file" : ""));
        INFO("hint: end of file reaches handle_eof(), whose default closes the channel. Yours must keep "
             "the relay open (the answer has yet to come) and have the partner's peer read end of file "
             "after the question: the partner's shutdown_when_done()");
        REQUIRE(passed_on);
        CHECK(f.to_b_peer == "question");
        CHECK(f.b_peer_eof);
        REQUIRE(f.log.empty());
    }
    testing::write_all(f.b_peer.fileno(), "answer");
    f.b_peer.close();
    bool ended;
    {
        INFO(relay_fixture::ping_pong_hint);
        ended = f.run_until([&] { return f.a_peer_eof && f.map.empty(); });
    }
    INFO(show(f.log));
    INFO("a's peer got \"" << f.to_a_peer << "\"" << (f.a_peer_eof ? " and end of file" : ""));
    INFO("hint: b's end of file must reach a's peer too, and then both directions are over: end the "
         "relay (end_if_done(), from handle_eof())");
    CHECK(ended);
    CHECK(f.to_a_peer == "answer");
    f.check_closed_once_each();
    REQUIRE(f.log.size() == 4);
    INFO("hint: the map destroys ends it owns only after the pass in which they closed");
    CHECK(f.log[2].find("destroyed") != std::string::npos);
    CHECK(f.log[3].find("destroyed") != std::string::npos);
}

TEST_CASE("a megabyte sent before a half-close arrives whole before end of file", "[ex07][half-close]") {
    relay_fixture f;
    const std::string text = megabyte();
    // b's peer reads nothing until a has seen end of file: by then most of the megabyte waits in
    // b's out_buffer, and must still go out before b's peer reads end of file.
    bool a_done = f.send_then_half_close(text);
    auto b = f.r.b.lock();
    const std::size_t waiting = b ? b->out_buffer.size() : 0;
    bool arrived = f.run_until([&] { return f.b_peer_eof; }, 2 * testing::patience);
    INFO(show(f.log));
    INFO("when a saw end of file, " << waiting << " bytes waited in b's out_buffer");
    INFO("b's peer got " << f.to_b_peer.size() << " of " << text.size() << " bytes"
         << (f.b_peer_eof ? ", then end of file" : ", and no end of file"));
    INFO("hint: shutdown_when_done(), not shutdown() and not close(): the half-close must wait until "
         "out_buffer is empty");
    CHECK(a_done);
    CHECK(arrived);
    CHECK(f.to_b_peer.size() == text.size());
    CHECK(f.to_b_peer == text);
    INFO("b's peer has not finished sending: the relay must still be open");
    CHECK(f.log.empty());
}

TEST_CASE("the relay ends when the last queued byte has gone out", "[ex07][half-close]") {
    relay_fixture f;
    ::shutdown(f.b_peer.fileno(), SHUT_WR);  // b's peer has nothing to say, but reads all
    {
        auto a = f.ends().first;
        INFO(show(f.log));
        INFO("hint: b's end of file must reach a's peer, and leave the relay open");
        REQUIRE(f.run_until([&] { return f.a_peer_eof || !f.log.empty(); }));
        REQUIRE(f.log.empty());
    }
    const std::string text = megabyte();
    bool a_done = f.send_then_half_close(text);  // b's peer reads nothing meanwhile
    bool ended;
    {
        INFO(relay_fixture::ping_pong_hint);
        ended = f.run_until([&] { return f.map.empty(); }, 2 * testing::patience);
    }
    INFO(show(f.log));
    INFO("b's peer got " << f.to_b_peer.size() << " of " << text.size() << " bytes"
         << (f.b_peer_eof ? ", then end of file" : ", and no end of file"));
    INFO("hint: both peers had finished sending, but the megabyte still waited in b's out_buffer. The "
         "relay ends once that is empty too: end_if_done() from handle_write(), and it must look at "
         "both out_buffers");
    CHECK(a_done);
    CHECK(f.to_b_peer == text);
    CHECK(f.b_peer_eof);
    CHECK(ended);
    f.check_closed_once_each();
}

TEST_CASE("after end of file an end stops asking to read", "[ex07][half-close]") {
    relay_fixture f;
    auto a = f.ends().first;
    ::shutdown(f.a_peer.fileno(), SHUT_WR);
    f.run_until([&] { return f.b_peer_eof || !f.log.empty(); });
    INFO(show(f.log));
    INFO("hint: handle_eof() must set got_eof and keep the relay open; then readable() must say no: a "
         "socket at end of file stays readable for ever, and the loop would wake for it on every pass");
    CHECK(a->got_eof);
    CHECK(f.log.empty());
    CHECK_FALSE(a->readable());
}

TEST_CASE("a reset on one side closes both ends once and is not an error", "[ex07][close]") {
    relay_fixture f(true);  // loopback TCP: a reset is a TCP thing (SO_LINGER 0 sends an RST)
    const int a_fd = f.ends().first->fileno();
    testing::close_with_reset(f.a_peer);
    REQUIRE(testing::wait_for_error(a_fd));

    bool ended = f.run_until_ended();
    INFO(show(f.log));
    INFO("hint: recv() turns ECONNRESET into handle_close(), not handle_eof(): end the relay, both "
         "ends, at once");
    REQUIRE(ended);
    f.check_closed_once_each();
    for (const auto& entry : f.log) {
        INFO("a reset is an ordinary way for a peer to leave, not an error: " << entry);
        CHECK(entry.find("error") == std::string::npos);
    }
    CHECK(testing::at_eof(f.b_peer.fileno()));
}

TEST_CASE("when both peers leave in the same pass each end closes exactly once", "[ex07][close]") {
    relay_fixture f;
    f.ends();
    f.a_peer.close();
    f.b_peer.close();
    f.wait_both_readable();

    f.ending_pass();

    INFO(show(f.log));
    INFO("hint: a's end of file comes first, b's second, in the same pass: b's handle_eof() finds both "
         "directions over and ends the relay. A handle_close() that calls the partner's handle_close() "
         "gets called back: stop the ping-pong with a flag set before the call");
    f.check_closed_once_each();
    CHECK(f.map.empty());
    CHECK(f.r.a.expired());
    CHECK(f.r.b.expired());
}

TEST_CASE("the partner's ready events are dropped in the pass where the relay ends", "[ex07][close]") {
    relay_fixture f;
    auto [a, b] = f.ends();
    REQUIRE(a->fileno() < b->fileno());  // a's read event comes first in the pass
    std::vector<std::string> b_saw;
    a->inspect = [](std::string_view) { throw std::runtime_error("bad input"); };
    b->inspect = [&](std::string_view data) { b_saw.emplace_back(data); };
    a.reset();
    b.reset();
    testing::write_all(f.a_peer.fileno(), "bad");
    testing::write_all(f.b_peer.fileno(), "too late");
    f.wait_both_readable();

    f.ending_pass();

    INFO(show(f.log));
    INFO("hint: a's handler threw, and a's handle_error() must end the relay: close b too, before b's "
         "turn in the same pass");
    f.check_closed_once_each();
    INFO("b was ready to read \"too late\", but it was closed first: that event must not reach it");
    CHECK(b_saw.empty());
    CHECK(f.map.empty());
}

TEST_CASE("a handler that throws ends the relay through handle_error", "[ex07][error]") {
    relay_fixture f;
    auto [a, b] = f.ends();
    std::string expected;  // how the log's first entry must start
    SECTION("a std::exception: its what() is reported") {
        a->inspect = [](std::string_view) { throw std::runtime_error("bad input"); };
        testing::write_all(f.a_peer.fileno(), "something a's check dislikes");
        expected = "a error: bad input";
    }
    SECTION("something that is not a std::exception") {
        b->inspect = [](std::string_view) { throw 42; };
        testing::write_all(f.b_peer.fileno(), "x");
        expected = "b error: ";
    }
    a.reset();
    b.reset();

    testing::captured_output output;
    bool ended = f.run_until_ended();

    INFO(show(f.log));
    INFO("hint: the loop catches what a handler throws and calls that channel's handle_error(); yours must "
         "note(\"error: \" + what()) and then end the relay. catch (...) catches what is not a std::exception: "
         "note(\"error: ...\") with some words of your own then");
    REQUIRE(ended);
    REQUIRE_FALSE(f.log.empty());
    CHECK(f.log.front().rfind(expected, 0) == 0);
    f.check_closed_once_each();
    INFO("nothing reached the other side: the check threw before the data was forwarded");
    CHECK(f.to_a_peer.empty());
    CHECK(f.to_b_peer.empty());
    INFO("the default handle_error() prints \"error: uncaptured exception...\"; yours reports to the log only");
    CHECK(output.out().empty());
}

TEST_CASE("a partner whose peer is gone ends the relay from inside the other end's handler", "[ex07][close]") {
    relay_fixture f;
    auto [a, b] = f.ends();
    REQUIRE(a->fileno() < b->fileno());  // a reads first, and forwards to b before b sees its end of file
    a.reset();
    b.reset();
    testing::write_all(f.a_peer.fileno(), "for b's peer, who has left");
    f.b_peer.close();
    f.wait_both_readable();

    f.ending_pass();

    INFO(show(f.log));
    INFO("hint: b's send() failed with EPIPE and called b's handle_close() while a's handle_read() was "
         "still running: b must close a too, and a's handler must not mind returning to a closed channel");
    f.check_closed_once_each();
    CHECK(f.map.empty());
    CHECK(testing::at_eof(f.a_peer.fileno()));
}

TEST_CASE("a relay that ends leaves the loop's other channels running", "[ex07][close]") {
    relay_fixture first;
    auto [a1, b1] = first.ends();
    // A second relay in the same map, on higher descriptors: its events come later in the pass.
    relay_log second_log;  // declared after first.log: destroyed before first.map, so close it below
    auto [a2, a2_peer] = testing::socket_pair();
    auto [b2, b2_peer] = testing::socket_pair();
    relay second = make_relay(std::move(a2), std::move(b2), first.map, second_log);
    auto a = second.a.lock();
    INFO("hint: make_relay() must return both ends");
    REQUIRE(a);
    REQUIRE(b1->fileno() < a->fileno());
    const int a1_fd = a1->fileno(), b1_fd = b1->fileno(), a_fd = a->fileno();
    a1.reset();
    b1.reset();
    a.reset();
    first.a_peer.close();
    first.b_peer.close();
    testing::write_all(a2_peer.fileno(), "still here");
    REQUIRE(testing::wait_fd(a1_fd, POLLIN));
    REQUIRE(testing::wait_fd(b1_fd, POLLIN));
    REQUIRE(testing::wait_fd(a_fd, POLLIN));

    first.ending_pass();

    INFO(show(first.log));
    first.check_closed_once_each();
    INFO("the second relay was ready in the same pass: it must have forwarded, and stay open");
    CHECK(testing::read_some(b2_peer.fileno(), 10, 1.0) == "still here");
    CHECK(first.map.size() == 2);
    CHECK_FALSE(second.a.expired());
    CHECK_FALSE(second.b.expired());
    CHECK(second_log.empty());
    asyncore::close_all(&first.map);  // the second relay's ends report to second_log: end them now
}

TEST_CASE("end of file reaches inspect and the partner as nothing at all", "[ex07][half-close]") {
    relay_fixture f;
    std::vector<std::string> seen;  // what `inspect` was shown, on either end
    {
        auto [a, b] = f.ends();
        a->inspect = [&](std::string_view data) { seen.emplace_back(data); };
        b->inspect = [&](std::string_view data) { seen.emplace_back(data); };
    }
    testing::write_all(f.a_peer.fileno(), "last words");
    REQUIRE(f.run_until([&] { return f.to_b_peer == "last words"; }));
    f.a_peer.close();
    f.run_until([&] { return f.b_peer_eof || f.map.empty(); });
    f.b_peer.close();
    bool ended = f.run_until_ended();
    std::string shown = "inspect saw:";
    for (const auto& data : seen) shown += " \"" + data + "\"";
    INFO(shown);
    INFO("hint: at end of file recv() returns \"\" after it has called handle_eof(): return at once; "
         "\"\" is no data to inspect, count or send");
    CHECK(ended);
    CHECK(seen == std::vector<std::string>{"last words"});
}
