// Exercise 12: the tests of line_channel's idle timeout. Each one talks to the channel over a real
// socketpair, runs the real loop (select() or poll()), and waits a bounded time.
#include "harness.hpp"
#include "line_channel.hpp"

#include <memory>
#include <string>

namespace {

using testing::clock;

// Short timeouts keep the tests quick; the checks leave them a wide margin.
constexpr double idle = 0.4;
constexpr double talk_gap = 0.1;  // a talking client says something this often: well within `idle`

double seconds_since(clock::time_point start) { return std::chrono::duration<double>(clock::now() - start).count(); }

// Runs loop passes for `seconds` (the map may empty meanwhile: then it just waits).
void run_for(asyncore::channel_map& map, double seconds) {
    testing::run_until(map, [] { return false; }, seconds);
}

struct client {
    asyncore::socket peer;  // the client's end
    std::unique_ptr<line_channel> channel;  // the server's end
    client(asyncore::channel_map& map, double idle_timeout) {
        auto [server_end, client_end] = testing::socket_pair();
        peer = std::move(client_end);
        channel = std::make_unique<line_channel>(std::move(server_end), map, idle_timeout);
    }
    // Sends `text` to the server; a server that has closed already gets nothing (the checks
    // after it say what went wrong).
    void say(const std::string& text) { ::send(peer.fileno(), text.data(), text.size(), MSG_NOSIGNAL); }
};

}  // namespace

TEST_CASE("a silent client is closed after the idle timeout", "[ex12]") {
    asyncore::channel_map map;
    auto start = clock::now();
    client silent(map, idle);

    bool closed = testing::run_until(map, [&] { return map.empty(); }, 10 * idle);
    double took = seconds_since(start);
    INFO("a client that said nothing, with an idle timeout of " << idle << " s");
    INFO("hint: arm the timer in the constructor, with call_later() on this channel's own map "
         "(&map()); a timer filed in another map runs only in a loop over that map");
    CHECK(closed);
    CHECK(silent.channel->timed_out);
    CHECK(testing::at_eof(silent.peer.fileno(), 0.5));
    if (closed) CHECK(took >= idle);
}

TEST_CASE("the idle timer is armed on the channel's own map", "[ex12]") {
    asyncore::channel_map map;
    client c(map, idle);
    INFO("right after the constructor, the channel's map should hold exactly one timer");
    INFO("hint: asyncore::call_later(seconds, callback, &map()): without a map the timer goes to "
         "socket_map, which this loop never runs");
    CHECK(map.timers().size() == 1);
    CHECK(asyncore::socket_map.timers().empty());
    asyncore::socket_map.timers().clear();  // whatever went there must not outlive the test
}

TEST_CASE("a client that keeps talking is not closed while it talks", "[ex12]") {
    asyncore::channel_map map;
    client talker(map, idle);
    // A line every 0.1 s for about 1 s: more than two idle timeouts' worth, never 0.4 s of silence.
    for (int i = 0; i < 10; ++i) {
        talker.say("line " + std::to_string(i) + "\n");
        run_for(map, talk_gap);
    }
    {
        INFO("the client sent a line every " << talk_gap << " s for 1 s, with an idle timeout of " << idle << " s");
        INFO("hint: on every read, cancel the pending timer and arm a new one; a timer you do not "
             "cancel still runs, and closes a client that was talking");
        CHECK_FALSE(talker.channel->timed_out);
        CHECK(talker.channel->answered == 10);
    }
    // Then it falls silent: now it must go.
    bool closed = testing::run_until(map, [&] { return map.empty(); }, 10 * idle);
    INFO("after its last line the client said nothing: the idle timeout should close it");
    CHECK(closed);
    CHECK(talker.channel->timed_out);
}

TEST_CASE("every byte counts as activity and not only a complete line", "[ex12]") {
    asyncore::channel_map map;
    client slow(map, idle);
    // "hello" one byte every 0.1 s: no complete line for 0.5 s, but never 0.4 s of silence.
    for (char c : std::string("hello\n")) {
        slow.say(std::string(1, c));
        run_for(map, talk_gap);
    }
    {
        INFO("the client typed one byte every " << talk_gap << " s, with an idle timeout of " << idle << " s");
        INFO("hint: re-arm on every read that brought data, before looking for complete lines");
        CHECK_FALSE(slow.channel->timed_out);
        CHECK(slow.channel->answered == 1);
    }
    bool closed = testing::run_until(map, [&] { return map.empty(); }, 10 * idle);
    INFO("then it fell silent: the idle timeout should close it");
    CHECK(closed);
    CHECK(slow.channel->timed_out);
}

TEST_CASE("re-arming replaces the timer instead of adding one", "[ex12]") {
    asyncore::channel_map map;
    client c(map, idle);
    for (int i = 0; i < 5; ++i) {
        c.say("again\n");
        REQUIRE(testing::run_until(map, [&] { return c.channel->answered == static_cast<std::size_t>(i + 1); }));
    }
    INFO("after 5 reads the map holds " << map.timers().size() << " timer(s); one per client is expected");
    INFO("hint: cancel() the old timer before you call call_later() again: the old one stays "
         "pending otherwise, and runs");
    CHECK(map.timers().size() == 1);
}

TEST_CASE("a client that hangs up leaves no timer behind", "[ex12]") {
    asyncore::channel_map map;
    client leaving(map, idle);
    CHECK(map.timers().size() == 1);  // armed

    leaving.say("bye\n");
    leaving.peer.close();
    REQUIRE(testing::run_until(map, [&] { return map.empty(); }, 10 * idle));
    INFO("the client hung up: its channel closed, and " << map.timers().size() << " timer(s) are still pending");
    INFO("hint: cancel the idle timer in handle_close(): a timer left behind runs later, on a "
         "channel that is closed (or, worse, destroyed)");
    CHECK(map.timers().empty());
    CHECK_FALSE(leaving.channel->timed_out);
}

TEST_CASE("a channel destroyed before its deadline leaves no timer behind", "[ex12]") {
    asyncore::channel_map map;
    client gone(map, idle);
    CHECK(map.timers().size() == 1);  // armed

    gone.channel.reset();  // the server drops the connection object, without handle_close()
    INFO("the channel object was destroyed: " << map.timers().size() << " timer(s) still pending, "
         "each holding a pointer to it");
    INFO("hint: cancel the idle timer in the destructor too; its callback captured `this`");
    CHECK(map.timers().empty());
    map.timers().clear();  // never run a callback into a destroyed channel, even when the check failed
}

TEST_CASE("the idle timeout closes only the silent client", "[ex12]") {
    asyncore::channel_map map;
    client talker(map, idle);
    client silent(map, idle);
    auto start = clock::now();
    // The talker talks for 1 s; the silent one should be gone after about 0.4 s.
    while (seconds_since(start) < 1.0) {
        talker.say("still here\n");
        run_for(map, talk_gap);
    }
    INFO("two clients, an idle timeout of " << idle << " s: one said a line every " << talk_gap
         << " s for 1 s, the other nothing");
    INFO("hint: each channel has its own timer, and its callback closes that channel only");
    CHECK(silent.channel->timed_out);
    CHECK_FALSE(talker.channel->timed_out);
    CHECK(map.size() == 1);
}
