// Chapter 01: the library's poll(), checked against the chapter's cases.
#include "harness.hpp"

namespace {
// The backend under test: select() by default, poll() with --backend=poll (chapter 11 on).
void poll_under_test(double timeout, asyncore::channel_map& map) { testing::poll(timeout, map); }
}  // namespace

#include "poll_cases.hpp"

// What only the library promises (exercise 01 is not held to it): the pass survives a channel
// whose own code throws where Python's would stop the loop, and a descriptor closed behind the
// library's back.

#include <unistd.h>

#include <stdexcept>

namespace {

using strings = std::vector<std::string>;

// A probe whose readable(), writable() or handle_error() throws when told to.
class thrower : public probe {
public:
    using probe::probe;
    bool readable_throws = false;
    bool writable_throws = false;
    bool handle_error_throws = false;

    bool readable() override {
        if (readable_throws) throw std::runtime_error("readable() failed");
        return probe::readable();
    }
    bool writable() override {
        if (writable_throws) throw std::runtime_error("writable() failed");
        return probe::writable();
    }
    void handle_error() override {
        if (handle_error_throws) throw std::runtime_error("handle_error() failed too");
        probe::handle_error();
    }
};

// Channel `a` (lower fd, the one that goes wrong) and channel `b`, each with a byte to read.
struct two_channels {
    asyncore::channel_map map;
    trace events;
    std::pair<asyncore::socket, asyncore::socket> pa = testing::socket_pair(), pb = testing::socket_pair();
    thrower a{std::move(pa.first), map, events, "a"};
    probe b{std::move(pb.first), map, events, "b"};

    two_channels() {
        testing::write_all(pa.second.fileno(), "x");
        testing::write_all(pb.second.fileno(), "y");
    }
};

}  // namespace

TEST_CASE("an exception from readable() or writable() goes to handle_error()", "[poll][errors]") {
    two_channels c;
    std::string expected;
    SECTION("readable") {
        c.a.readable_throws = true;
        expected = "readable() failed";
    }
    SECTION("writable") {
        c.a.writable_throws = true;
        expected = "writable() failed";
    }

    INFO("Python lets it escape poll(): the loop stops for every channel");
    REQUIRE_NOTHROW(poll_under_test(testing::patience, c.map));
    CHECK(c.events.events == strings{"a.error", "b.read"});
    CHECK(c.a.last_error == expected);
    CHECK(c.a.fileno() == -1);
    CHECK(c.b.received == "y");
}

TEST_CASE("an exception from handle_error() is logged and its channel closed", "[poll][errors]") {
    two_channels c;
    c.a.handle_error_throws = true;
    c.a.on_read = [] { throw std::runtime_error("bad input"); };

    testing::captured_output output;
    REQUIRE_NOTHROW(poll_under_test(testing::patience, c.map));
    CHECK_THAT(output.out(), testing::contains("error: uncaptured exception in handle_error(), closing channel <"));
    CHECK_THAT(output.out(), testing::contains("(std::runtime_error: handle_error() failed too)"));
    CHECK(c.a.fileno() == -1);
    CHECK(c.map.size() == 1);
    INFO("b was ready in the same pass: a's failing handle_error() did not stop the loop");
    CHECK(c.b.received == "y");
}

TEST_CASE("a descriptor closed behind the library's back ends its channel only", "[poll][errors]") {
    two_channels c;
    ::close(c.a.fileno());  // nothing opens a descriptor before a's own close() (EBADF, ignored)

    bool served = false;
    INFO("select() fails with EBADF for the whole set; Python's loop dies of it, poll() flags the one fd");
    REQUIRE_NOTHROW(served = testing::run_until(c.map, [&] { return c.b.received == "y" && c.a.fileno() == -1; }));
    CHECK(served);
    CHECK(c.events.count("a.close") == 1);
    CHECK(c.events.count("b.read") == 1);
}

TEST_CASE("a channel registered without a descriptor hears EBADF and the others are served", "[poll][errors]") {
    asyncore::channel_map map;
    trace events;
    auto [sock, peer] = testing::socket_pair();
    probe none{asyncore::socket(), map, events, "none"};  // an empty socket: fileno() is -1
    probe b{std::move(sock), map, events, "b"};
    testing::write_all(peer.fileno(), "y");

    INFO("select() would be handed FD_SET(-1), a shift by a negative count; poll() would skip it silently");
    REQUIRE_NOTHROW(poll_under_test(testing::patience, map));
    CHECK(events.count("none.error") == 1);
    CHECK_THAT(none.last_error, testing::contains("without a descriptor"));
    CHECK(b.received == "y");
}

