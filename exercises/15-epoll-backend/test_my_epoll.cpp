// Exercise 15: the bookkeeping of your epoll backend. Each test drives a my_epoll over real
// socketpairs with probe channels (tests/support/probe.hpp), and checks what the channels heard
// and how many times the kernel was told something (my_epoll::ctl_calls()).
#include "harness.hpp"
#include "my_epoll.hpp"
#include "probe.hpp"

#include <memory>

using testing::probe;
using testing::trace;
using strings = std::vector<std::string>;

namespace {

// One channel "c" on a socketpair, its peer, and your backend over their map.
struct one_channel : testing::one_channel {
    my_epoll backend{map};

    // Passes until `done()`, at most `testing::patience` seconds.
    bool run_until(const std::function<bool()>& done) {
        auto deadline = testing::clock::now() + std::chrono::duration<double>(testing::patience);
        while (!done() && testing::clock::now() < deadline) backend.pass(0.01);
        return done();
    }
};

}  // namespace

TEST_CASE("a channel whose peer sent data hears it through epoll", "[ex15]") {
    one_channel t;
    testing::write_all(t.peer.fileno(), "hello");
    INFO("hint: the first pass must ADD the channel (TODO 1), and EPOLLIN is a read step (TODO 3)");
    REQUIRE(t.run_until([&] { return t.channel.received == "hello"; }));
    CHECK(t.events.count("c.read") == 1);
}

TEST_CASE("the first pass adds each channel once, with one epoll_ctl each", "[ex15]") {
    one_channel t;
    auto [b, b_peer] = testing::socket_pair();
    probe second(std::move(b), t.map, t.events, "b");
    t.backend.pass(0.0);
    INFO("two channels want to read: two epoll_ctl(EPOLL_CTL_ADD), no more, no fewer");
    CHECK(t.backend.ctl_calls() == 2);
    testing::write_all(b_peer.fileno(), "x");
    t.backend.pass(testing::patience);
    CHECK(t.events.events == strings{"b.read"});
}

TEST_CASE("passes with the same answers tell the kernel nothing", "[ex15]") {
    one_channel t;
    t.backend.pass(0.0);
    auto after_first = t.backend.ctl_calls();
    for (int i = 0; i < 10; ++i) t.backend.pass(0.0);
    testing::write_all(t.peer.fileno(), "x");
    t.backend.pass(testing::patience);
    INFO("epoll_ctl() calls after the first pass: " << t.backend.ctl_calls() - after_first);
    INFO("hint: same serial and same flags: nothing to tell (that is what makes epoll O(ready))");
    CHECK(after_first == 1);
    CHECK(t.backend.ctl_calls() == after_first);
    CHECK(t.events.events == strings{"c.read"});
}

TEST_CASE("a channel that starts writing is one EPOLL_CTL_MOD", "[ex15]") {
    one_channel t;
    t.backend.pass(0.0);
    auto before = t.backend.ctl_calls();
    t.channel.wants_write = true;
    t.backend.pass(testing::patience);
    t.backend.pass(testing::patience);
    INFO("hint: same serial, other flags: EPOLL_CTL_MOD, once; EPOLLOUT is a write step");
    CHECK(t.backend.ctl_calls() - before == 1);
    CHECK(t.events.events == strings{"c.write", "c.write"});
}

TEST_CASE("a channel that wants nothing leaves the kernel and comes back", "[ex15]") {
    one_channel t;
    t.backend.pass(0.0);
    t.channel.wants_read = false;
    t.backend.pass(0.0);
    auto after_leaving = t.backend.ctl_calls();
    t.peer.close();  // hung up: were it still in the kernel, EPOLLHUP would wake every pass
    t.backend.pass(0.01);
    CHECK(t.events.events.empty());
    t.channel.wants_read = true;
    t.backend.pass(testing::patience);
    INFO("hint: TODO 2 removes a descriptor nobody watches (1 DEL); reading again ADDs it (1 more)");
    CHECK(after_leaving == 2);
    CHECK(t.backend.ctl_calls() == 3);
    INFO("then the hang-up with its end of file is a read (EPOLLIN | EPOLLHUP)");
    CHECK(t.events.events == strings{"c.read"});
}

TEST_CASE("a descriptor reused by a new channel is registered anew", "[ex15]") {
    one_channel t;
    int fd = t.channel.fileno();
    t.backend.pass(0.0);  // the kernel holds the old socket under fd

    t.channel.close();  // the kernel drops the old socket's entry as it closes...
    auto [n, n_peer] = testing::socket_pair();
    REQUIRE(n.fileno() == fd);  // ...and a new socket takes the number
    probe newcomer(std::move(n), t.map, t.events, "new");
    testing::write_all(n_peer.fileno(), "mine");
    INFO("hint: same number, new serial: the kernel's entry was for the old socket. DEL, then ADD");
    REQUIRE(t.run_until([&] { return newcomer.received == "mine"; }));
    CHECK(t.events.events == strings{"new.read"});
}

TEST_CASE("a channel that only writes hears its peer hang up in handle_close()", "[ex15]") {
    one_channel t;
    t.channel.wants_read = false;
    t.channel.wants_write = true;
    t.peer.close();
    t.backend.pass(testing::patience);
    INFO("hint: EPOLLOUT | EPOLLHUP without EPOLLIN: the write step, then the close step");
    CHECK(t.events.events == strings{"c.write", "c.close"});
}

TEST_CASE("a hang-up with data to read is a read, not a close", "[ex15]") {
    one_channel t;
    testing::write_all(t.peer.fileno(), "last words");
    t.peer.close();
    t.backend.pass(testing::patience);
    INFO("hint: EPOLLIN | EPOLLHUP: close at once and the last words are lost");
    CHECK(t.events.events == strings{"c.read"});
    CHECK(t.channel.received == "last words");
}

TEST_CASE("events arrive channel by channel in descriptor order", "[ex15]") {
    one_channel t;
    auto [b, b_peer] = testing::socket_pair();
    probe second(std::move(b), t.map, t.events, "b");
    t.channel.wants_write = second.wants_write = true;
    testing::write_all(b_peer.fileno(), "x");
    testing::write_all(t.peer.fileno(), "x");
    t.backend.pass(testing::patience);
    INFO("each channel's steps together (read, then write), the lower descriptor first");
    CHECK(t.events.events == strings{"c.read", "c.write", "b.read", "b.write"});
}
