// Exercise 13: the tests of the chat room. Each one connects clients to chat_member channels over
// real socketpairs, runs the real loop (select() or poll()), and waits a bounded time.
#include "chat_room.hpp"
#include "harness.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace {

// One client: the test's end of the socket, and everything it received.
struct client {
    asyncore::socket peer;
    std::shared_ptr<chat_member> member;  // the server's end
    std::string got;
    bool reading = true;  // false: the client reads nothing for now
    bool eof = false;
};

// A chat room with its loop. (Declared in this order so that the channels, which leave the room
// when destroyed, go before the room does.)
struct server {
    chat_room room;
    asyncore::channel_map map;
    std::deque<client> clients;

    client& connect() {
        auto [mine, theirs] = testing::socket_pair();
        clients.push_back(client{std::move(theirs), nullptr, {}, true, false});
        clients.back().member = asyncore::make<chat_member>(std::move(mine), room, map);
        return clients.back();
    }

    // Runs the loop, and each reading client reads what came, until `done()` or `seconds` pass.
    bool run_until(const std::function<bool()>& done, double seconds = testing::patience) {
        auto deadline = testing::clock::now() + std::chrono::duration<double>(seconds);
        for (;;) {
            if (!map.empty()) asyncore::loop(0.005, testing::use_poll, &map, 1);
            for (client& c : clients) {
                char block[65536];
                ssize_t n;
                while (c.reading && !c.eof && (n = ::recv(c.peer.fileno(), block, sizeof block, MSG_DONTWAIT)) != -1) {
                    if (n == 0) c.eof = true;
                    c.got.append(block, static_cast<std::size_t>(n));
                }
            }
            if (done()) return true;
            if (testing::clock::now() >= deadline) return false;
            if (map.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    // `c` sends `text`, as fast as the server reads it (the loop runs meanwhile).
    void say(client& c, std::string_view text) {
        auto deadline = testing::clock::now() + std::chrono::duration<double>(testing::patience);
        while (!text.empty() && testing::clock::now() < deadline) {
            ssize_t n = ::send(c.peer.fileno(), text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) text.remove_prefix(static_cast<std::size_t>(n));
            if (n < 0 && errno != EAGAIN) break;  // the server closed: the checks say what went wrong
            if (!text.empty()) run_until([] { return true; });
        }
    }
    // Waits until `c` has received `text` (at the end of what it got).
    bool wait_for(client& c, const std::string& text, double seconds = testing::patience) {
        return run_until([&] { return c.got.size() >= text.size() && c.got.compare(c.got.size() - text.size(), text.size(), text) == 0; }, seconds);
    }
    // Lets things settle: whatever is going to arrive, arrives.
    void settle() { run_until([] { return false; }, 0.1); }

    // A client that connected and is named `name`; its greeting and hello are read and dropped.
    client& member(const std::string& name) {
        client& c = connect();
        say(c, name + "\n");
        wait_for(c, "hello " + name + "\n");
        settle();
        c.got.clear();
        for (client& other : clients) other.got.clear();
        return c;
    }
};

const char* const greeting = "welcome! your name?\n";

}  // namespace

TEST_CASE("a new client is greeted and asked for its name", "[ex13]") {
    server s;
    client& c = s.connect();
    s.wait_for(c, greeting, 1);
    INFO("hint: push the greeting in the constructor; it goes out as soon as the loop runs");
    CHECK(c.got == greeting);
}

TEST_CASE("the first line is the name and the others hear who joined", "[ex13]") {
    server s;
    client& alice = s.connect();
    s.say(alice, "alice\n");
    s.wait_for(alice, "hello alice\n", 1);
    {
        INFO("alice sent \"alice\\n\" as her first line");
        INFO("hint: set_terminator(\"\\n\") in the constructor: without a terminator every byte goes "
             "to collect_incoming_data() and found_terminator() is never called");
        CHECK(alice.got == std::string(greeting) + "hello alice\n");
        CHECK(s.room.size() == 1);
    }
    client& bob = s.connect();
    s.say(bob, "bob\n");
    s.wait_for(alice, "* bob joined\n", 1);
    s.settle();
    CHECK(bob.got == std::string(greeting) + "hello bob\n");
    CHECK(alice.got == std::string(greeting) + "hello alice\n* bob joined\n");
    CHECK(alice.member->name() == "alice");
    CHECK(bob.member->name() == "bob");
    CHECK(s.room.size() == 2);
}

TEST_CASE("a line goes to every other member with the sender's name", "[ex13]") {
    server s;
    client& alice = s.member("alice");
    client& bob = s.member("bob");
    client& carol = s.member("carol");
    s.say(alice, "hi all\n");
    s.wait_for(carol, "alice: hi all\n", 1);
    s.say(alice, "and more\n");
    s.wait_for(carol, "alice: and more\n", 1);
    s.settle();
    const std::string expected = "alice: hi all\nalice: and more\n";
    INFO("alice said two lines");
    INFO("hint: empty message_ at every terminator (std::exchange(message_, {})): the second line "
         "must not start with the first");
    CHECK(bob.got == expected);
    CHECK(carol.got == expected);
    CHECK(alice.got.empty());
}

TEST_CASE("lines split across reads and lines sent together are all found", "[ex13]") {
    server s;
    client& alice = s.member("alice");
    client& bob = s.member("bob");
    for (char c : std::string("one\ntwo\n")) {  // a byte at a time, each its own read
        s.say(bob, std::string(1, c));
        s.settle();
    }
    s.say(bob, "a\nb\nc\n");  // three lines in one read
    s.wait_for(alice, "bob: c\n", 1);
    INFO("hint: let async_chat find the \"\\n\": one found_terminator() per line, however the "
         "bytes were cut into reads");
    CHECK(alice.got == "bob: one\nbob: two\nbob: a\nbob: b\nbob: c\n");
}

TEST_CASE("a carriage return before the newline is dropped", "[ex13]") {
    server s;
    client& alice = s.member("alice");
    client& bob = s.connect();
    s.say(bob, "bob\r\n");
    s.wait_for(alice, "* bob joined\n", 1);
    s.say(bob, "hi\r\n");
    s.wait_for(alice, "bob: hi\n", 1);
    INFO("bob's client ends its lines with \"\\r\\n\"");
    INFO("hint: the terminator is \"\\n\"; drop one \"\\r\" at the end of the line, if there is one");
    CHECK(alice.got == "* bob joined\nbob: hi\n");
    CHECK(bob.member->name() == "bob");
}

TEST_CASE("a paste goes out whole with its newlines and lines follow it", "[ex13]") {
    server s;
    client& alice = s.member("alice");
    client& bob = s.member("bob");
    s.say(alice, "/paste 11\nhel");
    s.settle();
    s.say(alice, "lo\nworld");  // the paste ends here, across reads
    s.settle();
    s.say(alice, "after\n/paste 3\nabcnext\n");  // a line, a paste and a line in one read
    s.wait_for(bob, "alice: next\n", 1);
    INFO("alice pasted 11 bytes, said a line, pasted 3 bytes, said a line");
    INFO("hint: a paste is a count terminator (set_terminator(n)); when it is found, go back to "
         "set_terminator(\"\\n\") before anything else");
    CHECK(bob.got == "alice pasted 11 bytes:\nhello\nworld\nalice: after\nalice pasted 3 bytes:\nabc\nalice: next\n");
    CHECK(alice.got.empty());
}

TEST_CASE("an empty paste is sent at once", "[ex13]") {
    server s;
    client& alice = s.member("alice");
    client& bob = s.member("bob");
    s.say(alice, "/paste 0\nafter\n");
    s.wait_for(bob, "alice: after\n", 1);
    INFO("alice sent \"/paste 0\\nafter\\n\"");
    INFO("hint: a count of 0 is no terminator at all (as in Python): everything after it would be "
         "collected and never found; an empty paste needs no terminator, send it at once");
    CHECK(bob.got == "alice pasted 0 bytes:\n\nalice: after\n");
}

TEST_CASE("a bad paste size is refused and nothing else happens", "[ex13]") {
    server s;
    client& alice = s.member("alice");
    client& bob = s.member("bob");
    s.say(alice, "/paste x\n/paste 2000000\n/paste -1\n/paste \nok\n");
    s.wait_for(bob, "alice: ok\n", 1);
    INFO("alice sent four bad pastes, then \"ok\"");
    INFO("hint: paste_size() says whether the text is a size; when it is not, answer "
         "\"error: bad paste size\" and stay in line mode");
    CHECK(alice.got == "error: bad paste size\nerror: bad paste size\nerror: bad paste size\nerror: bad paste size\n");
    CHECK(bob.got == "alice: ok\n");
}

TEST_CASE("quit says bye after everything queued and then closes", "[ex13]") {
    server s;
    client& alice = s.member("alice");
    client& bob = s.member("bob");
    alice.reading = false;  // alice is slow: what bob pastes queues up for her
    const std::string big(512 * 1024, 'p');
    s.say(bob, "/paste " + std::to_string(big.size()) + "\n" + big);
    s.settle();
    s.say(alice, "/quit\n");
    s.settle();
    alice.reading = true;
    bool closed = s.run_until([&] { return alice.eof; }, testing::patience);
    const std::string expected = "bob pasted " + std::to_string(big.size()) + " bytes:\n" + big + "\nbye\n";
    INFO("alice read nothing while bob pasted 512 KiB, then sent /quit, then read everything: "
         << alice.got.size() << " bytes of " << expected.size() << (closed ? ", then end of file" : ", and no end of file"));
    INFO("hint: push \"bye\\n\", then close_when_done(): close() would drop everything still queued");
    CHECK(closed);
    CHECK(alice.got.size() == expected.size());
    bool all_then_bye = alice.got == expected;  // (not compared in CHECK: half a megabyte to print)
    CHECK(all_then_bye);
    s.run_until([&] { return bob.got.find("* alice left\n") != std::string::npos; }, 1);
    CHECK(bob.got == "* alice left\n");
    CHECK(s.room.size() == 1);
}

TEST_CASE("a client that hangs up leaves the room", "[ex13]") {
    server s;
    client& alice = s.member("alice");
    client& bob = s.member("bob");
    bob.peer.close();
    s.wait_for(alice, "* bob left\n", 1);
    CHECK(alice.got == "* bob left\n");
    CHECK(s.room.size() == 1);
}

TEST_CASE("a line longer than the limit is refused before its newline", "[ex13]") {
    server s;
    client& alice = s.member("alice");
    client& bob = s.member("bob");
    std::size_t most_held = 0;
    for (int i = 0; i < 16 && !alice.eof; ++i) {  // 64 KiB and no newline
        s.say(alice, std::string(4096, 'x'));
        s.run_until([&] {
            most_held = std::max(most_held, alice.member->held());
            return false;
        }, 0.02);
    }
    s.run_until([&] { return alice.eof; }, 1);
    INFO("alice sent " << 64 << " KiB without a newline; the server held at most " << most_held
         << " bytes of it (max_line is " << chat_member::max_line << ")");
    INFO("hint: check the length in collect_incoming_data(), as the bytes come: found_terminator() "
         "never runs for a line that never ends");
    CHECK(most_held <= chat_member::max_line);
    CHECK(alice.got == "error: line too long\n");
    CHECK(alice.eof);
    CHECK(bob.got.find('x') == std::string::npos);
}

TEST_CASE("a line of max_line bytes is the longest accepted", "[ex13]") {
    server s;
    client& alice = s.member("alice");
    client& bob = s.member("bob");
    const std::string longest(chat_member::max_line, 'y');
    s.say(alice, longest + "\n");
    s.wait_for(bob, "alice: " + longest + "\n", 1);
    INFO("alice sent a line of exactly max_line bytes");
    INFO("hint: a line may be max_line bytes long, \"\\n\" not counted: refuse only what goes past it");
    CHECK(bob.got == "alice: " + longest + "\n");
    CHECK(alice.got.empty());
    CHECK_FALSE(alice.eof);
}

TEST_CASE("a paste may be longer than a line", "[ex13]") {
    server s;
    client& alice = s.member("alice");
    client& bob = s.member("bob");
    const std::string text(100 * 1000, 'z');
    s.say(alice, "/paste 100000\n" + text);
    s.wait_for(bob, text + "\n", 2);
    INFO("alice pasted 100000 bytes (max_line is " << chat_member::max_line << ", max_paste " << chat_member::max_paste << ")");
    INFO("hint: the line limit is for lines; a paste is bounded by its size, checked by paste_size()");
    const std::string expected = "alice pasted 100000 bytes:\n" + text + "\n";
    INFO("bob got " << bob.got.size() << " bytes of " << expected.size() << ", starting \"" << bob.got.substr(0, 40) << "\"");
    bool whole = bob.got == expected;  // (not compared in CHECK: 100 KB to print)
    CHECK(whole);
    CHECK(alice.got.empty());
    CHECK_FALSE(alice.eof);
}
