// Chapter 01: loop(), passes of poll() until the map is empty or the count runs out.
#include "probe.hpp"

using testing::probe;
using testing::trace;

TEST_CASE("loop() returns once the map is empty", "[loop]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    probe channel(std::move(mine), map, events, "p");
    channel.on_read = [&] { channel.close(); };
    testing::write_all(peer.fileno(), "bye");

    asyncore::loop(testing::patience, testing::use_poll, &map);

    CHECK(map.empty());
    CHECK(events.events == std::vector<std::string>{"p.read"});
}

TEST_CASE("loop(count=N) runs at most N passes and none when N <= 0", "[loop]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    probe channel(std::move(mine), map, events, "p");
    channel.wants_read = false;

    asyncore::loop(0.0, testing::use_poll, &map, 3);
    INFO("count counts passes; each pass asks readable() once");
    CHECK(channel.readable_calls == 3);

    asyncore::loop(0.0, testing::use_poll, &map, 0);
    asyncore::loop(0.0, testing::use_poll, &map, -2);
    CHECK(channel.readable_calls == 3);
}

TEST_CASE("loop() and poll() use the global socket_map by default and a map argument isolates", "[loop]") {
    asyncore::channel_map mine_only;
    trace events;
    auto [g, g_peer] = testing::socket_pair();
    auto [p, p_peer] = testing::socket_pair();
    probe global(std::move(g), asyncore::socket_map, events, "global");
    probe isolated(std::move(p), mine_only, events, "isolated");
    global.wants_read = isolated.wants_read = false;

    asyncore::loop(0.0, testing::use_poll, nullptr, 2);
    CHECK(global.readable_calls == 2);
    CHECK(isolated.readable_calls == 0);

    asyncore::loop(0.0, testing::use_poll, &mine_only, 1);
    asyncore::poll(0.0, &mine_only);
    CHECK(global.readable_calls == 2);
    CHECK(isolated.readable_calls == 2);

    asyncore::poll();
    CHECK(global.readable_calls == 3);
}

TEST_CASE("a channel destroyed by its owner leaves its map", "[loop][lifetime]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    int fd = mine.fileno();
    {
        probe channel(std::move(mine), map, events, "p");
        CHECK(map.get(fd) == &channel);
    }
    INFO("the map must never hold a pointer to a destroyed channel");
    CHECK(map.get(fd) == nullptr);
    CHECK(map.empty());
}

TEST_CASE("exit_now leaves loop() even when channels remain", "[loop][errors]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    probe channel(std::move(mine), map, events, "p");
    channel.wants_read = false;
    channel.wants_write = true;
    channel.on_write = [] { throw asyncore::exit_now(); };

    CHECK_THROWS_AS(asyncore::loop(testing::patience, testing::use_poll, &map), asyncore::exit_now);
    CHECK(events.events == std::vector<std::string>{"p.write"});
    CHECK(map.size() == 1);
}
