// Chapter 15: the epoll backend's own behaviour. (The behaviour every backend shares is checked by
// every chapter's tests, which run on epoll from this chapter on: "... on epoll(): ...".)
//
// What the kernel is told is counted with the library's own counter of epoll_ctl() calls, and
// what it holds is read where Linux shows it: /proc/self/fdinfo/<the epoll descriptor>.
#include "fd_limit.hpp"
#include "probe.hpp"

#include <dirent.h>
#include <sys/eventfd.h>

#include <fstream>
#include <memory>
#include <vector>

namespace asyncore::detail {
extern unsigned long epoll_ctl_calls;  // epoll_backend.cpp: every epoll_ctl() the library makes
}

using testing::probe;
using testing::trace;
using strings = std::vector<std::string>;

namespace {

unsigned long ctl_calls() { return asyncore::detail::epoll_ctl_calls; }

void epoll_pass(double timeout, asyncore::channel_map& map) { asyncore::epoll_pass(timeout, &map); }

// The descriptors this process has open now.
std::vector<int> open_descriptors() {
    std::vector<int> fds;
    DIR* dir = ::opendir("/proc/self/fd");
    REQUIRE(dir != nullptr);
    while (dirent* e = ::readdir(dir)) {
        if (e->d_name[0] != '.') fds.push_back(std::stoi(e->d_name));
    }
    ::closedir(dir);
    return fds;
}

// How many entries the interest lists of this process's epoll instances hold, all together
// (each is a "tfd:" line in the instance's /proc/self/fdinfo).
int kernel_entries() {
    int entries = 0;
    for (int fd : open_descriptors()) {
        char link[64] = {};
        std::string path = "/proc/self/fd/" + std::to_string(fd);
        if (::readlink(path.c_str(), link, sizeof link - 1) <= 0 || std::string(link) != "anon_inode:[eventpoll]")
            continue;
        std::ifstream info("/proc/self/fdinfo/" + std::to_string(fd));
        for (std::string line; std::getline(info, line);)
            if (line.rfind("tfd:", 0) == 0) ++entries;
    }
    return entries;
}

using testing::one_channel;

}  // namespace

TEST_CASE("the kernel is told only what changed", "[epoll][interest]") {
    asyncore::channel_map map;
    trace events;
    auto [a, a_peer] = testing::socket_pair();
    auto [b, b_peer] = testing::socket_pair();
    probe first(std::move(a), map, events, "a");
    probe second(std::move(b), map, events, "b");

    auto before = ctl_calls();
    epoll_pass(0.0, map);
    INFO("the first pass adds both channels: two epoll_ctl(ADD)");
    CHECK(ctl_calls() - before == 2);
    CHECK(kernel_entries() == 2);

    before = ctl_calls();
    for (int i = 0; i < 5; ++i) epoll_pass(0.0, map);
    INFO("five passes with the same answers: readable() asked five times more, the kernel told nothing");
    CHECK(first.readable_calls == 6);
    CHECK(ctl_calls() - before == 0);

    before = ctl_calls();
    second.wants_write = true;
    epoll_pass(0.0, map);
    epoll_pass(0.0, map);
    INFO("b now wants to write too: one epoll_ctl(MOD), once");
    CHECK(ctl_calls() - before == 1);
    CHECK(events.count("b.write") == 2);

    before = ctl_calls();
    second.wants_read = second.wants_write = false;
    epoll_pass(0.0, map);
    INFO("b wants nothing: it leaves the interest list (one DEL), so a hang-up cannot wake the loop for it");
    CHECK(ctl_calls() - before == 1);
    CHECK(kernel_entries() == 1);

    before = ctl_calls();
    first.close();
    INFO("close() takes a out of the kernel at once, while its descriptor is still open");
    CHECK(ctl_calls() - before == 1);
    CHECK(kernel_entries() == 0);
}

TEST_CASE("a descriptor reused within a pass is a new registration", "[epoll][reuse]") {
    asyncore::channel_map map;
    trace events;
    auto [a, a_peer] = testing::socket_pair();
    probe old_channel(std::move(a), map, events, "old");
    int fd = old_channel.fileno();
    epoll_pass(0.0, map);  // the kernel holds old's socket under fd

    std::unique_ptr<probe> newcomer;
    asyncore::socket newcomer_peer;
    old_channel.on_read = [&] {
        old_channel.close();  // frees fd...
        auto [n, n_peer] = testing::socket_pair();
        REQUIRE(n.fileno() == fd);  // ...and the next socket takes it, in the same pass
        newcomer = std::make_unique<probe>(std::move(n), map, events, "new");
        newcomer_peer = std::move(n_peer);
    };
    testing::write_all(a_peer.fileno(), "x");
    epoll_pass(testing::patience, map);
    REQUIRE(newcomer != nullptr);
    CHECK(events.events == strings{"old.read"});

    testing::write_all(newcomer_peer.fileno(), "hello");
    INFO("the new socket under the old number is registered anew, and hears its own data");
    REQUIRE(testing::run_until(map, [&] { return newcomer->received == "hello"; }));
    CHECK(events.count("new.read") >= 1);
    CHECK(old_channel.received == "x");
}

TEST_CASE("EPOLLHUP: a channel that only writes hears its peer hang up", "[epoll][hangup]") {
    one_channel t;
    auto& [map, events, pair, peer, channel] = t;
    channel.wants_read = false;
    channel.wants_write = true;
    peer.close();
    epoll_pass(testing::patience, map);
    INFO("EPOLLOUT | EPOLLHUP: the write step, then handle_close(), as poll2() takes POLLHUP");
    CHECK(events.events == strings{"c.write", "c.close"});
}

TEST_CASE("EPOLLHUP with data to read is read to the end first", "[epoll][hangup]") {
    one_channel t;
    auto& [map, events, pair, peer, channel] = t;
    testing::write_all(peer.fileno(), "last words");
    peer.close();
    epoll_pass(testing::patience, map);
    INFO("EPOLLIN | EPOLLHUP is a read, not a close: the bytes are not lost");
    CHECK(events.events == strings{"c.read"});
    CHECK(channel.received == "last words");
}

TEST_CASE("EPOLLRDHUP is not asked for: a half-close wakes only a channel that reads", "[epoll][hangup]") {
    one_channel t;
    auto& [map, events, pair, peer, channel] = t;
    channel.wants_read = false;
    channel.wants_write = true;
    // Fill the socket so that it is not writable: the channel is watched, and nothing is ready.
    std::string block(65536, 'x');
    while (::send(channel.fileno(), block.data(), block.size(), MSG_DONTWAIT | MSG_NOSIGNAL) > 0) {
    }
    REQUIRE(::shutdown(peer.fileno(), SHUT_WR) == 0);
    epoll_pass(0.05, map);
    INFO("the peer only stopped writing: a channel that does not read is not woken for it");
    CHECK(events.events.empty());

    channel.wants_read = true;
    epoll_pass(testing::patience, map);
    INFO("once it reads, EPOLLIN reports the end of file (recv() returns 0)");
    CHECK(events.events == strings{"c.read"});
    CHECK(channel.received.empty());
}

TEST_CASE("a closed channel whose file lives on in a duplicate hears nothing more", "[epoll][dup]") {
    // The epoll trap: the kernel's entry belongs to the open file, not to the number, and leaves
    // only when the last descriptor of the file closes. close() takes it out first.
    asyncore::channel_map map;
    trace events;
    auto [sock, peer] = testing::socket_pair();
    int duplicate = ::dup(sock.fileno());
    REQUIRE(duplicate >= 0);
    probe channel(std::move(sock), map, events, "c");
    auto [other, other_peer] = testing::socket_pair();
    probe bystander(std::move(other), map, events, "b");
    epoll_pass(0.0, map);
    REQUIRE(kernel_entries() == 2);

    channel.close();
    testing::write_all(peer.fileno(), "for the duplicate");
    testing::write_all(other_peer.fileno(), "x");
    epoll_pass(testing::patience, map);
    INFO("the duplicate keeps the file open, yet the kernel forgot it: close() said DEL first");
    CHECK(kernel_entries() == 1);
    CHECK(events.events == strings{"b.read"});
    ::close(duplicate);
}

TEST_CASE("a ghost left by a duplicate closed behind the library's back is dropped", "[epoll][dup]") {
    asyncore::channel_map map;
    trace events;
    auto [sock, peer] = testing::socket_pair();
    int fd = sock.fileno();
    int duplicate = ::dup(fd);
    REQUIRE(duplicate >= 0);
    probe old_channel(std::move(sock), map, events, "old");
    epoll_pass(0.0, map);  // the kernel holds the file under fd

    REQUIRE(::close(fd) == 0);  // behind the library's back: the duplicate keeps the entry alive
    auto [n, n_peer] = testing::socket_pair();
    REQUIRE(n.fileno() == fd);
    probe newcomer(std::move(n), map, events, "new");  // replaces old in the map under fd

    testing::write_all(peer.fileno(), "ghost");  // the ghost's file is readable from now on
    for (int i = 0; i < 3; ++i) epoll_pass(0.01, map);
    INFO("the ghost's events carry the old registration's tag: never delivered to the newcomer");
    CHECK(events.events.empty());
    INFO("and the interest list was rebuilt without it: one entry, the newcomer's");
    CHECK(kernel_entries() == 1);

    testing::write_all(n_peer.fileno(), "mine");
    REQUIRE(testing::run_until(map, [&] { return newcomer.received == "mine"; }));
    ::close(duplicate);
}

TEST_CASE("a map closes its epoll instance when it goes", "[epoll]") {
    auto before = open_descriptors().size();
    {
        asyncore::channel_map map;
        trace events;
        auto [sock, peer] = testing::socket_pair();
        probe channel(std::move(sock), map, events, "c");
        epoll_pass(0.0, map);
        CHECK(open_descriptors().size() == before + 3);  // the pair and the epoll instance
    }
    CHECK(open_descriptors().size() == before);
}

TEST_CASE("loop() runs epoll passes when use_poll is backend::epoll", "[epoll][loop]") {
    asyncore::channel_map map;
    trace events;
    auto [sock, peer] = testing::socket_pair();
    probe channel(std::move(sock), map, events, "c");
    auto before = ctl_calls();
    asyncore::loop(0.0, true, &map, 1);
    CHECK(ctl_calls() == before);  // poll()
    asyncore::loop(0.0, asyncore::backend::poll, &map, 1);
    CHECK(ctl_calls() == before);
    asyncore::loop(0.0, asyncore::backend::epoll, &map, 1);
    CHECK(ctl_calls() == before + 1);
    testing::write_all(peer.fileno(), "x");
    asyncore::loop(testing::patience, asyncore::backend::epoll, &map, 1);
    CHECK(events.events == strings{"c.read"});
}

// [ten_thousand]
TEST_CASE("ten thousand idle channels: one ready channel, one delivery, no epoll_ctl", "[epoll][scale]") {
    constexpr int idle = 10000;
    testing::fd_limit limit(testing::fd_limit::direction::at_least, idle + 200);
    if (!limit.ok()) {
        WARN("skipped: the descriptor limit cannot be raised to " << idle + 200 << " here");
        return;
    }
    asyncore::channel_map map;
    trace events;
    std::vector<std::unique_ptr<probe>> sleepers;  // eventfds at 0: never ready, never hung up
    for (int i = 0; i < idle; ++i) {
        int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (fd < 0) FAIL("eventfd() failed after " << i << " channels: " << asyncore::strerror(errno));
        sleepers.push_back(std::make_unique<probe>(asyncore::socket(fd), map, events, "idle"));
    }
    auto [sock, peer] = testing::socket_pair();
    probe talker(std::move(sock), map, events, "talker");

    epoll_pass(0.0, map);  // registers all of them, once
    REQUIRE(kernel_entries() == idle + 1);

    auto before = ctl_calls();
    testing::write_all(peer.fileno(), "ping");
    epoll_pass(testing::patience, map);
    epoll_pass(0.0, map);
    INFO("each pass still asks all 10,001 readable() (asyncore's contract)...");
    CHECK(talker.readable_calls == 3);
    CHECK(sleepers.back()->readable_calls == 3);
    INFO("...but tells the kernel nothing, and gets back only the ready channel");
    CHECK(ctl_calls() - before == 0);
    CHECK(events.events == strings{"talker.read"});
    CHECK(talker.received == "ping");
}
// [ten_thousand]
