// Chapter 12: timers in the loop. Every case runs on the backend under test (select() or poll(),
// tests/support/backend.hpp), waits a bounded time, and checks what ran and in which order,
// never how fast.
#include "harness.hpp"
#include "probe.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using testing::probe;
using testing::trace;
using strings = std::vector<std::string>;
using std::chrono::milliseconds;

double seconds_since(testing::clock::time_point start) {
    return std::chrono::duration<double>(testing::clock::now() - start).count();
}

// One loop pass (or `count`) on the backend under test.
void run_passes(asyncore::channel_map& map, double timeout, long count = 1) {
    asyncore::loop(timeout, testing::use_poll, &map, count);
}

// A channel that waits for data that never comes: it keeps the loop waiting.
struct idle_channel {
    asyncore::socket peer;
    std::unique_ptr<probe> channel;
    idle_channel(asyncore::channel_map& map, trace& events, const std::string& name = "idle") {
        auto [mine, theirs] = testing::socket_pair();
        peer = std::move(theirs);
        channel = std::make_unique<probe>(std::move(mine), map, events, name);
    }
};

}  // namespace

TEST_CASE("a pass waits no longer than the nearest deadline and runs the timer", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    idle_channel idle(map, events);
    asyncore::call_later(0.1, [&] { events("timer"); }, &map);

    auto start = testing::clock::now();
    run_passes(map, 2 * testing::patience);  // one pass: it must wake for the timer, not for the 10 s
    double took = seconds_since(start);
    INFO("one pass with a 10 s timeout and a timer due in 0.1 s took " << took << " s");
    CHECK(events.events == strings{"timer"});
    CHECK(took >= 0.1);
    CHECK(took < testing::patience);
    CHECK(map.timers().empty());
}

TEST_CASE("a pass whose channels want nothing still wakes for a timer", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    idle_channel idle(map, events);
    idle.channel->wants_read = false;  // nothing watched: the pass sleeps instead of waiting
    asyncore::call_later(0.05, [&] { events("timer"); }, &map);

    auto start = testing::clock::now();
    run_passes(map, 2 * testing::patience);
    INFO("the pass slept " << seconds_since(start) << " s");
    CHECK(events.events == strings{"timer"});
    CHECK(seconds_since(start) < testing::patience);
}

TEST_CASE("a timer never runs before its deadline", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    idle_channel idle(map, events);
    auto start = testing::clock::now();
    auto when = start + milliseconds(150);
    testing::clock::time_point ran_at{};
    asyncore::call_at(when, [&] { ran_at = testing::clock::now(); }, &map);

    REQUIRE(testing::run_until(map, [&] { return ran_at != testing::clock::time_point{}; }));
    CHECK(ran_at >= when);
}

TEST_CASE("timers run in deadline order and equal deadlines in the order scheduled", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    idle_channel idle(map, events);
    auto now = asyncore::timer_clock::now();
    asyncore::call_at(now + milliseconds(60), [&] { events("c"); }, &map);
    asyncore::call_at(now + milliseconds(20), [&] { events("a"); }, &map);
    asyncore::call_at(now + milliseconds(40), [&] { events("b1"); }, &map);
    asyncore::call_at(now + milliseconds(40), [&] { events("b2"); }, &map);
    asyncore::call_at(now + milliseconds(40), [&] { events("b3"); }, &map);

    REQUIRE(testing::run_until(map, [&] { return events.events.size() == 5; }));
    CHECK(events.events == strings{"a", "b1", "b2", "b3", "c"});
}

TEST_CASE("the timers of a pass run after its channels' events", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    idle_channel busy(map, events, "a");
    testing::write_all(busy.peer.fileno(), "x");
    asyncore::call_later(0, [&] { events("timer"); }, &map);  // due already

    run_passes(map, testing::patience);
    CHECK(events.events == strings{"a.read", "timer"});
}

TEST_CASE("a cancelled timer never runs and leaves the queue at once", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    idle_channel idle(map, events);
    asyncore::timer t = asyncore::call_later(0.02, [&] { events("cancelled"); }, &map);
    asyncore::call_later(0.1, [&] { events("kept"); }, &map);
    CHECK(t.pending());
    CHECK(map.timers().size() == 2);

    t.cancel();
    CHECK_FALSE(t.pending());
    CHECK(map.timers().size() == 1);
    t.cancel();  // again: nothing
    asyncore::timer().cancel();  // no timer at all: nothing

    REQUIRE(testing::run_until(map, [&] { return map.timers().empty(); }));
    CHECK(events.events == strings{"kept"});
}

TEST_CASE("a callback may cancel another timer due in the same pass", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    idle_channel idle(map, events);
    auto when = asyncore::timer_clock::now();
    asyncore::timer second;
    asyncore::call_at(when, [&] {
        events("first");
        second.cancel();
    }, &map);
    second = asyncore::call_at(when, [&] { events("second"); }, &map);
    asyncore::call_at(when, [&] { events("third"); }, &map);

    run_passes(map, 0);
    CHECK(events.events == strings{"first", "third"});
    CHECK_FALSE(second.pending());
    CHECK(map.timers().empty());
}

TEST_CASE("a callback may cancel itself and schedule timers that run in a later pass", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    idle_channel idle(map, events);
    asyncore::timer self;
    bool pending_inside = true;
    self = asyncore::call_later(0, [&] {
        events("first");
        pending_inside = self.pending();
        self.cancel();  // it is running: nothing to call off
        asyncore::call_later(0, [&] { events("scheduled by first"); }, &map);
    }, &map);

    run_passes(map, 0);
    INFO("a timer scheduled by a callback, even with delay 0, waits for the next pass");
    CHECK(events.events == strings{"first"});
    CHECK_FALSE(pending_inside);
    CHECK(map.timers().size() == 1);

    run_passes(map, testing::patience);
    CHECK(events.events == strings{"first", "scheduled by first"});
}

TEST_CASE("a timer that re-schedules itself at once cannot keep a pass from ending", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    idle_channel idle(map, events);
    int runs = 0;
    std::function<void()> again = [&] {
        ++runs;
        asyncore::call_later(0, again, &map);
    };
    asyncore::call_later(0, again, &map);

    run_passes(map, 0, 3);
    CHECK(runs == 3);
    map.timers().clear();
}

TEST_CASE("a callback may close channels and loop() ends when the map is empty", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    idle_channel a(map, events, "a");
    idle_channel b(map, events, "b");
    asyncore::call_later(0.05, [&] {
        events("timer");
        a.channel->close();
        b.channel->close();
    }, &map);
    asyncore::call_later(60, [&] { events("never"); }, &map);

    auto start = testing::clock::now();
    asyncore::loop(testing::patience, testing::use_poll, &map);  // no count: until the map is empty
    INFO("loop() returned after " << seconds_since(start) << " s");
    CHECK(events.events == strings{"timer"});
    CHECK(map.empty());
    INFO("a pending timer keeps no loop alive: asyncore's loop() runs while the map has channels");
    CHECK(map.timers().size() == 1);
    CHECK(seconds_since(start) < testing::patience);
}

TEST_CASE("a channel made by make() and closed by a timer lives to the end of the pass", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, theirs] = testing::socket_pair();
    std::weak_ptr<probe> watch = asyncore::make<probe>(std::move(mine), map, events, "owned");
    REQUIRE_FALSE(watch.expired());  // the map owns it
    probe* raw = watch.lock().get();
    bool alive_after_close = false;
    auto when = asyncore::timer_clock::now();
    asyncore::call_at(when, [&] { raw->close(); }, &map);
    asyncore::call_at(when, [&] { alive_after_close = !watch.expired(); }, &map);

    run_passes(map, 0);
    INFO("timers run inside the pass: a channel they close is destroyed when the pass ends, not before");
    CHECK(alive_after_close);
    CHECK(watch.expired());
    CHECK(map.empty());
}

TEST_CASE("loop() on an empty map returns at once and leaves its timers pending", "[ch12][timers]") {
    asyncore::channel_map map;
    int runs = 0;
    asyncore::call_later(0, [&] { ++runs; }, &map);

    auto start = testing::clock::now();
    asyncore::loop(testing::patience, testing::use_poll, &map);
    testing::poll(testing::patience, map);
    CHECK(seconds_since(start) < testing::patience);
    CHECK(runs == 0);
    CHECK(map.timers().size() == 1);

    // With a channel again, the next pass runs it.
    trace events;
    idle_channel idle(map, events);
    run_passes(map, testing::patience);
    CHECK(runs == 1);
}

TEST_CASE("loop(count) counts passes and a pass that wakes for a timer is one", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    idle_channel idle(map, events);
    asyncore::call_later(0.03, [&] { events("1"); }, &map);
    asyncore::call_later(0.06, [&] { events("2"); }, &map);
    asyncore::call_later(0.09, [&] { events("3"); }, &map);

    auto start = testing::clock::now();
    run_passes(map, 2 * testing::patience, 2);
    INFO("two passes of up to 10 s each, with timers due in 0.03 s, 0.06 s and 0.09 s, took "
         << seconds_since(start) << " s");
    CHECK(events.events == strings{"1", "2"});
    CHECK(map.timers().size() == 1);
    CHECK(seconds_since(start) < testing::patience);
}

TEST_CASE("an exception from a timer callback is logged and the other timers run", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    idle_channel idle(map, events);
    auto when = asyncore::timer_clock::now();
    asyncore::call_at(when, [] { throw std::runtime_error("the callback failed"); }, &map);
    asyncore::call_at(when, [&] { events("after"); }, &map);

    testing::captured_output output;
    run_passes(map, 0);
    CHECK(events.events == strings{"after"});
    CHECK_THAT(output.out(), testing::contains("error: uncaptured exception in a timer callback (std::runtime_error: the callback failed)"));
    CHECK(map.timers().empty());
    CHECK(map.size() == 1);  // the channels are not the timer's: none was closed
}

TEST_CASE("exit_now from a timer callback leaves loop() and the rest of its batch stays pending", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    idle_channel idle(map, events);
    auto when = asyncore::timer_clock::now();
    asyncore::call_at(when, [&] {
        events("stop");
        throw asyncore::exit_now();
    }, &map);
    asyncore::timer later = asyncore::call_at(when, [&] { events("later"); }, &map);

    CHECK_THROWS_AS(asyncore::loop(testing::patience, testing::use_poll, &map), asyncore::exit_now);
    CHECK(events.events == strings{"stop"});
    CHECK(later.pending());
    CHECK(map.timers().size() == 1);

    run_passes(map, 0);
    CHECK(events.events == strings{"stop", "later"});
}

TEST_CASE("a cancelled or finished timer releases what its callback captured", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    idle_channel idle(map, events);
    auto held = std::make_shared<int>(0);
    asyncore::timer cancelled = asyncore::call_later(60, [held] { ++*held; }, &map);
    asyncore::call_later(0, [held] { ++*held; }, &map);
    CHECK(held.use_count() == 3);

    cancelled.cancel();
    CHECK(held.use_count() == 2);
    run_passes(map, 0);
    CHECK(*held == 1);
    CHECK(held.use_count() == 1);
}

TEST_CASE("many timers keep heap order through random schedules and cancels", "[ch12][timers]") {
    asyncore::channel_map map;
    asyncore::timer_queue& queue = map.timers();
    std::mt19937 random(12);
    std::uniform_int_distribution<int> offset_us(0, 1000000);
    auto base = asyncore::timer_clock::now() - std::chrono::seconds(10);  // all due already

    std::vector<int> ran;
    std::vector<std::pair<int, asyncore::timer>> timers;  // (offset, handle)
    for (int i = 0; i < 5000; ++i) {
        int offset = offset_us(random);
        timers.emplace_back(offset, queue.call_at(base + std::chrono::microseconds(offset), [&ran, offset] {
            ran.push_back(offset);
        }));
    }
    std::vector<int> expected;
    for (std::size_t i = 0; i < timers.size(); ++i) {
        if (i % 3 == 0)
            timers[i].second.cancel();
        else
            expected.push_back(timers[i].first);
    }
    CHECK(queue.size() == expected.size());
    std::stable_sort(expected.begin(), expected.end());
    REQUIRE(queue.next_deadline().has_value());
    CHECK(*queue.next_deadline() == base + std::chrono::microseconds(expected.front()));

    CHECK(queue.run_due() == expected.size());
    CHECK(ran == expected);
    CHECK(queue.empty());
    CHECK_FALSE(queue.next_deadline().has_value());
}

TEST_CASE("clear() from a callback cancels the timers still due in its pass", "[ch12][timers]") {
    asyncore::channel_map map;
    trace events;
    idle_channel idle(map, events);
    auto when = asyncore::timer_clock::now();
    asyncore::call_at(when, [&] {
        events("first");
        map.timers().clear();
    }, &map);
    asyncore::timer second = asyncore::call_at(when, [&] { events("second"); }, &map);
    asyncore::call_later(60, [&] { events("later"); }, &map);

    run_passes(map, 0);
    CHECK(events.events == strings{"first"});
    CHECK_FALSE(second.pending());
    CHECK(map.timers().empty());
}

TEST_CASE("a timer handle outlives its map safely", "[ch12][timers]") {
    asyncore::timer t;
    {
        asyncore::channel_map map;
        t = asyncore::call_later(60, [] {}, &map);
        CHECK(t.pending());
    }
    CHECK_FALSE(t.pending());
    t.cancel();  // nothing to cancel: no crash
}

TEST_CASE("call_later without a map files the timer in socket_map", "[ch12][timers]") {
    asyncore::timer t = asyncore::call_later(60, [] {});
    CHECK(asyncore::socket_map.timers().size() == 1);
    t.cancel();
    CHECK(asyncore::socket_map.timers().empty());
}

TEST_CASE("a timer needs a callback and a bad delay counts as none", "[ch12][timers]") {
    asyncore::channel_map map;
    CHECK_THROWS_AS(asyncore::call_later(1, std::function<void()>(), &map), std::invalid_argument);
    CHECK(map.timers().empty());

    auto before = asyncore::timer_clock::now();
    asyncore::timer negative = asyncore::call_later(-5, [] {}, &map);
    asyncore::timer nan = asyncore::call_later(std::nan(""), [] {}, &map);
    CHECK(negative.when() >= before);
    CHECK(negative.when() <= asyncore::timer_clock::now());
    CHECK(nan.when() <= asyncore::timer_clock::now());
    CHECK(map.timers().run_due() == 2);
}

TEST_CASE("wait_bound() keeps the shorter of the timeout and the time to the next deadline", "[ch12][timers]") {
    asyncore::timer_queue queue;
    CHECK(queue.wait_bound(2.5) == 2.5);
    CHECK(std::isinf(queue.wait_bound(std::numeric_limits<double>::infinity())));

    queue.call_later(1.0, [] {});
    double bound = queue.wait_bound(30.0);
    CHECK(bound > 0.5);
    CHECK(bound <= 1.001);
    CHECK(queue.wait_bound(0.25) == 0.25);
    CHECK(queue.wait_bound(std::numeric_limits<double>::infinity()) <= 1.001);

    queue.call_at(asyncore::timer_clock::now() - std::chrono::seconds(1), [] {});
    CHECK(queue.wait_bound(30.0) == 0.0);
}
