// Chapter 02: who owns a dispatcher. Run under AddressSanitizer, these tests prove that no
// handler ever runs on, or touches, a destroyed channel.
#include "harness.hpp"

#include <memory>

namespace {

// Counts what happens to channels of this kind, even after they are gone.
struct tally {
    int reads = 0;
    int destroyed = 0;
};

class counted : public asyncore::dispatcher {
public:
    counted(asyncore::socket sock, asyncore::channel_map& map, tally& t) : dispatcher(std::move(sock), &map), t_(t) {}
    ~counted() override { ++t_.destroyed; }
    std::function<void(counted&)> on_read;
    std::string received;
    bool writable() override { return false; }
    void handle_read() override {
        ++t_.reads;
        if (on_read) on_read(*this);
        received += recv(4096);  // touches the object after on_read: ASan sees if it was freed
    }
    void handle_close() override { close(); }

private:
    tally& t_;
};

}  // namespace

TEST_CASE("a channel made with make() stays alive while registered though nobody holds it", "[ownership]") {
    asyncore::channel_map map;
    tally t;
    auto [mine, peer] = testing::socket_pair();
    std::weak_ptr<counted> watch = asyncore::make<counted>(std::move(mine), map, t);

    CHECK_FALSE(watch.expired());
    testing::write_all(peer.fileno(), "still there?");
    REQUIRE(testing::run_until(map, [&] { return t.reads == 1; }));
    CHECK(watch.lock()->received == "still there?");
}

TEST_CASE("a made channel that closes itself in its handler is destroyed after the pass", "[ownership]") {
    asyncore::channel_map map;
    tally t;
    auto [mine, peer] = testing::socket_pair();
    std::weak_ptr<counted> watch;
    {
        auto channel = asyncore::make<counted>(std::move(mine), map, t);
        channel->on_read = [&](counted& self) {
            self.close();
            INFO("closing inside its own handler must not destroy the channel under it");
            CHECK_FALSE(watch.expired());
            CHECK(t.destroyed == 0);
        };
        watch = channel;
    }
    testing::write_all(peer.fileno(), "bye");

    testing::poll(testing::patience, map);

    CHECK(t.reads == 1);
    CHECK(map.empty());
    CHECK(watch.expired());
    CHECK(t.destroyed == 1);
}

TEST_CASE("a channel destroyed by its owner in the middle of a pass gets no event", "[ownership]") {
    asyncore::channel_map map;
    tally first_t, second_t;
    auto [a, a_peer] = testing::socket_pair();
    auto [b, b_peer] = testing::socket_pair();
    counted first(std::move(a), map, first_t);
    auto second = std::make_unique<counted>(std::move(b), map, second_t);
    REQUIRE(first.fileno() < second->fileno());  // first's event comes first in the pass
    first.on_read = [&](counted&) { second.reset(); };
    testing::write_all(a_peer.fileno(), "x");
    testing::write_all(b_peer.fileno(), "x");
    REQUIRE(testing::wait_fd(first.fileno(), POLLIN));

    testing::poll(testing::patience, map);

    CHECK(first_t.reads == 1);
    CHECK(second_t.destroyed == 1);
    INFO("the second channel was ready, but destroyed before its turn: it must be skipped");
    CHECK(second_t.reads == 0);
    CHECK(map.size() == 1);
}

TEST_CASE("a made channel can close and drop another made channel in the same pass", "[ownership]") {
    asyncore::channel_map map;
    tally t;
    auto [a, a_peer] = testing::socket_pair();
    auto [b, b_peer] = testing::socket_pair();
    auto first = asyncore::make<counted>(std::move(a), map, t);
    std::weak_ptr<counted> second = asyncore::make<counted>(std::move(b), map, t);
    first->on_read = [&](counted& self) {
        if (auto other = second.lock()) other->close();
        self.close();
    };
    first.reset();  // only the map holds either now
    testing::write_all(a_peer.fileno(), "x");
    testing::write_all(b_peer.fileno(), "x");
    testing::wait_fd(b_peer.fileno(), POLLOUT);

    testing::poll(testing::patience, map);

    CHECK(map.empty());
    CHECK(t.destroyed == 2);
    INFO("the second was closed before its turn");
    CHECK(t.reads == 1);
}

TEST_CASE("a map destroyed before its channels leaves them safe to destroy", "[ownership]") {
    tally t;
    auto [mine, peer] = testing::socket_pair();
    std::unique_ptr<counted> survivor;
    std::weak_ptr<counted> owned_by_map;
    {
        asyncore::channel_map map;
        survivor = std::make_unique<counted>(std::move(mine), map, t);
        auto [other, other_peer] = testing::socket_pair();
        owned_by_map = asyncore::make<counted>(std::move(other), map, t);
    }
    INFO("the map destroys what it owned, and lets go of what it did not");
    CHECK(owned_by_map.expired());
    CHECK(t.destroyed == 1);
    survivor.reset();
    CHECK(t.destroyed == 2);
}
