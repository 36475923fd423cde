// Chapter 07: C++ object lifetime while channels close each other. Run under AddressSanitizer,
// these prove that no handler runs on, and no pass touches, a destroyed channel.
#include "close_helpers.hpp"

#include <memory>

using testing::trace;
using strings = std::vector<std::string>;

namespace {

// One of two partners (a forwarder's two sides, say): when one ends, it ends the other.
// Both are owned by the map; each knows the other only weakly, so neither keeps the other alive.
class partner : public asyncore::dispatcher {
public:
    partner(asyncore::socket sock, asyncore::channel_map& map, trace& log, std::string name)
        : dispatcher(std::move(sock), &map), log_(log), name_(std::move(name)) {}
    ~partner() override { log_(name_ + " destroyed"); }

    std::weak_ptr<partner> other;
    bool close_both_on_read = false;

    bool writable() override { return false; }
    void handle_read() override {
        log_(name_ + ".read");
        if (close_both_on_read) {
            if (auto o = other.lock()) o->close();
            close();
            log_(name_ + " still here");  // touches this object after closing it
            return;
        }
        recv(4096);  // end of file: handle_close()
    }
    void handle_close() override {
        if (fileno() < 0) return;  // closed already (by the partner, say): nothing left to do
        log_(name_ + ".close");
        close();
        if (auto o = other.lock()) o->handle_close();  // the partner is closed too, once
    }

private:
    trace& log_;
    std::string name_;
};

struct pair_of_partners {
    std::weak_ptr<partner> a, b;
    asyncore::socket a_peer, b_peer;
};

pair_of_partners make_partners(asyncore::channel_map& map, trace& log, const std::string& x, const std::string& y) {
    auto [a, ap] = testing::socket_pair();
    auto [b, bp] = testing::socket_pair();
    auto first = asyncore::make<partner>(std::move(a), map, log, x);
    auto second = asyncore::make<partner>(std::move(b), map, log, y);
    first->other = second;
    second->other = first;
    return {first, second, std::move(ap), std::move(bp)};  // the shared_ptrs die here: the map owns both
}

}  // namespace

TEST_CASE("a handler can close itself and its partner and the loop goes on with the other channels",
          "[lifetime]") {
    trace events;  // declared first: it must outlive the channels the map still owns at the end
    asyncore::channel_map map;
    auto p = make_partners(map, events, "a", "b");
    auto q = make_partners(map, events, "c", "d");
    p.a.lock()->close_both_on_read = true;
    for (auto* peer : {&p.a_peer, &p.b_peer, &q.a_peer}) testing::write_all(peer->fileno(), "x");
    REQUIRE(testing::wait_fd(q.a.lock()->fileno(), POLLIN));

    testing::poll(testing::patience, map);

    INFO("a closed b and itself; b's ready event was dropped; c, later in the same pass, still ran; "
         "a and b were destroyed only after the pass");
    REQUIRE(events.events.size() == 5);
    CHECK(strings(events.events.begin(), events.events.begin() + 3) == strings{"a.read", "a still here", "c.read"});
    CHECK(events.count("a destroyed") == 1);
    CHECK(events.count("b destroyed") == 1);
    CHECK(p.a.expired());
    CHECK(p.b.expired());
    CHECK(map.size() == 2);
    CHECK_FALSE(q.a.expired());
}

TEST_CASE("partners whose peers both close in the same pass close once each and are destroyed after it",
          "[lifetime]") {
    trace events;  // declared first: it must outlive the channels the map still owns at the end
    asyncore::channel_map map;
    auto p = make_partners(map, events, "a", "b");
    p.a_peer.close();
    p.b_peer.close();
    REQUIRE(testing::wait_fd(p.b.lock()->fileno(), POLLIN));

    testing::poll(testing::patience, map);

    INFO("a's handle_close closed b through b's handle_close, which found a closed already: no ping-pong");
    REQUIRE(events.events.size() == 5);
    CHECK(strings(events.events.begin(), events.events.begin() + 3) == strings{"a.read", "a.close", "b.close"});
    CHECK(events.count("a destroyed") == 1);
    CHECK(events.count("b destroyed") == 1);
    CHECK(map.empty());
}

namespace {

// Closes only itself when its peer leaves, but closes its partner as it is destroyed.
class last_word : public asyncore::dispatcher {
public:
    last_word(asyncore::socket sock, asyncore::channel_map& map) : dispatcher(std::move(sock), &map) {}
    ~last_word() override {
        if (auto o = other.lock()) o->close();  // a destructor may close other channels
    }
    std::weak_ptr<asyncore::dispatcher> other;
    bool writable() override { return false; }
    void handle_read() override { recv(4096); }
    void handle_close() override { close(); }
};

}  // namespace

TEST_CASE("a channel whose destructor closes its partner takes the partner with it after the pass",
          "[lifetime]") {
    trace events;  // declared first: it must outlive the channels the map still owns at the end
    asyncore::channel_map map;
    auto [a, ap] = testing::socket_pair();
    auto [b, bp] = testing::socket_pair();
    auto first = asyncore::make<last_word>(std::move(a), map);
    std::weak_ptr<partner> second = asyncore::make<partner>(std::move(b), map, events, "b");
    first->other = second.lock();
    std::weak_ptr<last_word> first_watch = first;
    first.reset();
    ap.close();  // a reads end of file and closes itself; at the end of the pass it is destroyed
    REQUIRE(testing::wait_fd(first_watch.lock()->fileno(), POLLIN));

    testing::poll(testing::patience, map);

    CHECK(first_watch.expired());
    INFO("b was closed by a's destructor, after the pass, and destroyed in the same clean-up");
    CHECK(second.expired());
    CHECK(events.events == strings{"b destroyed"});
    CHECK(map.empty());
}

TEST_CASE("partners destroyed by their owner inside another channel's handler are skipped for the rest of the pass",
          "[lifetime]") {
    trace events;  // declared first: it must outlive the channels the map still owns at the end
    asyncore::channel_map map;
    auto [k, kp] = testing::socket_pair();
    auto [a, ap] = testing::socket_pair();
    auto [b, bp] = testing::socket_pair();
    testing::recorder killer(std::move(k), map, events, "k");
    auto first = std::make_unique<partner>(std::move(a), map, events, "a");
    auto second = std::make_unique<partner>(std::move(b), map, events, "b");
    REQUIRE(killer.fileno() < first->fileno());
    killer.on_read = [&](testing::recorder&) {
        first.reset();  // user-owned: destroyed right here, in the middle of the pass
        second.reset();
    };
    for (auto* peer : {&kp, &ap, &bp}) testing::write_all(peer->fileno(), "x");
    REQUIRE(testing::wait_fd(second->fileno(), POLLIN));

    testing::poll(testing::patience, map);

    INFO("a and b were ready, but destroyed before their turn: their events must be dropped");
    CHECK(events.events == strings{"k.read", "a destroyed", "b destroyed"});
    CHECK(map.size() == 1);
}
