// Chapter 07: the fd-reuse hazard. A handler closes channel B, and a new registration gets B's
// descriptor number in the same pass (the kernel hands out the lowest free number). B's readiness
// bit, computed before the pass began, must not reach the newcomer.
//
// These cases are also built against the chapter 06 library (see CMakeLists.txt), which tells
// registrations apart by fd and object address only. There the same object reopened, or a new one
// built in the same storage, does get the stale event: the cases then check that the hazard is
// real, under names that say so. From chapter 07 on, serial numbers tell them apart.
#include "close_helpers.hpp"

#include <optional>

using testing::recorder;
using testing::trace;
using strings = std::vector<std::string>;

#if ASYNCORE_CHAPTER >= 7
#define FD_REUSE_CASE(name) TEST_CASE(name, "[fd_reuse]")
constexpr bool tells_registrations_apart = true;
#else
#define FD_REUSE_CASE(name) TEST_CASE("before chapter 07 the hazard is real: " name, "[fd_reuse][hazard]")
constexpr bool tells_registrations_apart = false;
#endif

namespace {

// Two socket pairs with data waiting on the channel side of both; `a` has the lower descriptor,
// so its read event comes first in the pass.
struct two_ready {
    testing::no_fd_holes plugged;  // first: after it, closing fd n makes n the next one given out
    asyncore::channel_map map;
    trace events;
    asyncore::socket a_peer, b_peer, fresh_peer;
    asyncore::socket a_sock, b_sock;

    two_ready() {
        auto [a, ap] = testing::socket_pair();
        auto [b, bp] = testing::socket_pair();
        a_sock = std::move(a);
        a_peer = std::move(ap);
        b_sock = std::move(b);
        b_peer = std::move(bp);
        testing::write_all(a_peer.fileno(), "for a");
        testing::write_all(b_peer.fileno(), "for b: stale once b closes");
    }
    // A new connection; the socket returned takes the lowest free descriptor.
    asyncore::socket fresh() {
        auto [mine, theirs] = asyncore::socket::pair();
        fresh_peer = std::move(theirs);
        return std::move(mine);
    }
};

// A listening socket that, on its read event, runs `before_accept` and then accepts.
class acceptor : public asyncore::dispatcher {
public:
    acceptor(asyncore::channel_map& map, trace& log) : dispatcher(&map), map_(map), log_(log) {
        create_socket(AF_INET, SOCK_STREAM);
        bind(asyncore::address("127.0.0.1", 0));
        listen(5);
    }
    asyncore::address where() { return sock().getsockname(); }
    std::function<void()> before_accept;
    std::shared_ptr<recorder> accepted;

    void handle_accept() override {
        log_("l.accept");
        if (before_accept) before_accept();
        if (auto conn = accept()) accepted = asyncore::make<recorder>(std::move(conn->first), map_, log_, "c");
    }

private:
    asyncore::channel_map& map_;
    trace& log_;
};

}  // namespace

FD_REUSE_CASE("a channel reopened on its old fd number within the pass gets none of the old socket's events") {
    two_ready s;
    recorder a(std::move(s.a_sock), s.map, s.events, "a");
    recorder b(std::move(s.b_sock), s.map, s.events, "b");
    REQUIRE(a.fileno() < b.fileno());
    const int b_fd = b.fileno();
    a.on_read = [&](recorder&) {
        b.close();                  // b's number is free ...
        b.set_socket(s.fresh());    // ... and b's new connection gets it: same object, same fd
    };
    REQUIRE(testing::wait_fd(b_fd, POLLIN));

    testing::poll(testing::patience, s.map);

    REQUIRE(b.fileno() == b_fd);  // the kernel did reuse the number
    if (tells_registrations_apart) {
        INFO("b's read event was for the socket b closed; its new socket has nothing to read");
        CHECK(s.events.events == strings{"a.read"});
    } else {
        INFO("same fd, same object: the old socket's read event reaches the new one");
        CHECK(s.events.events == strings{"a.read", "b.read"});
    }
}

FD_REUSE_CASE("a new channel built in the closed channel's storage on its fd gets no stale event") {
    two_ready s;
    recorder a(std::move(s.a_sock), s.map, s.events, "a");
    std::optional<recorder> slot;  // a pool of one: connection objects reused in place
    slot.emplace(std::move(s.b_sock), s.map, s.events, "b");
    REQUIRE(a.fileno() < slot->fileno());
    const int b_fd = slot->fileno();
    const recorder* b_address = &*slot;
    a.on_read = [&](recorder&) {
        slot.reset();                                   // b is destroyed: it leaves the map, closes its fd
        slot.emplace(s.fresh(), s.map, s.events, "c");  // c: same address, same fd
    };
    REQUIRE(testing::wait_fd(b_fd, POLLIN));

    testing::poll(testing::patience, s.map);

    REQUIRE(slot->fileno() == b_fd);
    REQUIRE(&*slot == b_address);
    if (tells_registrations_apart) {
        INFO("c was registered after the wait: it cannot have an event in this pass");
        CHECK(s.events.events == strings{"a.read"});
    } else {
        INFO("same fd, same address: b's read event reaches c");
        CHECK(s.events.events == strings{"a.read", "c.read"});
    }
}

TEST_CASE("a connection accepted onto a just-closed channel's fd in the same pass gets no stale event",
          "[fd_reuse]") {
    testing::no_fd_holes plugged;
    asyncore::channel_map map;
    trace events;
    acceptor listener(map, events);
    auto [b_sock, b_peer] = testing::socket_pair();
    recorder b(std::move(b_sock), map, events, "b");
    REQUIRE(listener.fileno() < b.fileno());
    const int b_fd = b.fileno();
    listener.before_accept = [&] { b.close(); };

    asyncore::address where = listener.where();
    testing::fd_guard client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(::connect(client.get(), where.data(), where.size()) == 0);
    testing::write_all(b_peer.fileno(), "for b: stale once b closes");
    REQUIRE(testing::wait_fd(listener.fileno(), POLLIN));
    REQUIRE(testing::wait_fd(b_fd, POLLIN));

    testing::poll(testing::patience, map);

    REQUIRE(listener.accepted);
    REQUIRE(listener.accepted->fileno() == b_fd);
    INFO("Python's asyncore looks the fd up again and calls the new channel: bpo-30931");
    CHECK(events.events == strings{"l.accept"});
}
