// Challenge 12: the tests of scoped_timer. Each one schedules real timers in a map of its own
// and runs the real loop (select() or poll()) a bounded time, with one channel that waits for
// data that never comes, so that the passes wait for the timers.
#include "harness.hpp"
#include "probe.hpp"
#include "scoped_timer.hpp"

#include <memory>
#include <utility>

namespace {

struct timer_loop {
    asyncore::channel_map map;
    testing::trace events;
    asyncore::socket peer;
    std::unique_ptr<testing::probe> idle;
    timer_loop() {
        auto [mine, theirs] = testing::socket_pair();
        peer = std::move(theirs);
        idle = std::make_unique<testing::probe>(std::move(mine), map, events, "idle");
    }
    // A timer that counts its runs in `runs`, due soon.
    asyncore::timer soon(int& runs) { return asyncore::call_later(0.05, [&runs] { ++runs; }, &map); }
    // Passes until `runs` reaches `n` (false if it does not within the harness's patience), then
    // 0.1 s more, in which a timer that runs once too often has the chance to.
    bool run_until_runs(const int& runs, int n) {
        bool reached = testing::run_until(map, [&] { return runs >= n; });
        testing::run_until(map, [] { return false; }, 0.1);
        return reached;
    }
    // For timers that must never run: passes for a fixed 0.3 s, when a timer due in 0.05 s would
    // have run on an idle machine. A stall can shorten the window and let a wrong solution pass
    // a run, never fail a right one.
    void run_a_while() { testing::run_until(map, [] { return false; }, 0.3); }
};

}  // namespace

TEST_CASE("a scoped_timer cancels its timer when it is destroyed", "[ex12][challenge]") {
    timer_loop loop;
    int runs = 0;
    {
        scoped_timer owner(loop.soon(runs));
        INFO("hint: the constructor must keep the timer it is given");
        REQUIRE(owner.pending());
    }
    loop.run_a_while();
    INFO("hint: the destructor must cancel the timer it owns");
    CHECK(runs == 0);
    CHECK(loop.map.timers().empty());
}

TEST_CASE("moving a scoped_timer moves the ownership and keeps the timer", "[ex12][challenge]") {
    timer_loop loop;
    int runs = 0;
    scoped_timer second;
    {
        scoped_timer first(loop.soon(runs));
        second = scoped_timer(std::move(first));
        INFO("hint: after a move the moved-from scoped_timer owns nothing, and its destructor "
             "must not cancel the timer it handed on");
        REQUIRE(second.pending());
        CHECK_FALSE(first.pending());
    }
    CHECK(loop.run_until_runs(runs, 1));
    CHECK(runs == 1);
}

TEST_CASE("assigning to a scoped_timer cancels the timer it held", "[ex12][challenge]") {
    timer_loop loop;
    int old_runs = 0, new_runs = 0;
    scoped_timer owner(loop.soon(old_runs));
    REQUIRE(owner.pending());
    scoped_timer other(loop.soon(new_runs));
    owner = std::move(other);
    INFO("hint: move assignment cancels the timer owned before, then takes the other's");
    CHECK(owner.pending());
    CHECK(loop.run_until_runs(new_runs, 1));  // the old timer, made first, was due first: it would have run
    CHECK(old_runs == 0);
    CHECK(new_runs == 1);
}

TEST_CASE("a scoped_timer assigned to itself keeps its timer", "[ex12][challenge]") {
    timer_loop loop;
    int runs = 0;
    scoped_timer owner(loop.soon(runs));
    scoped_timer& same = owner;
    owner = std::move(same);
    INFO("hint: owner = std::move(owner) must change nothing: check for &other == this first");
    CHECK(owner.pending());
    CHECK(loop.run_until_runs(runs, 1));
    CHECK(runs == 1);
}

TEST_CASE("reset cancels the old timer and owns the new one", "[ex12][challenge]") {
    timer_loop loop;
    int old_runs = 0, new_runs = 0;
    scoped_timer owner(loop.soon(old_runs));
    owner.reset(loop.soon(new_runs));
    INFO("hint: reset() cancels the timer it owns, then keeps the new one");
    CHECK(owner.pending());
    CHECK(loop.run_until_runs(new_runs, 1));  // the old timer, made first, was due first: it would have run
    CHECK(old_runs == 0);
    CHECK(new_runs == 1);
    owner.reset(loop.soon(new_runs));
    owner.reset();
    loop.run_a_while();
    CHECK(new_runs == 1);
}

TEST_CASE("release gives the timer up without cancelling it", "[ex12][challenge]") {
    timer_loop loop;
    int runs = 0;
    asyncore::timer released;
    {
        scoped_timer owner(loop.soon(runs));
        released = owner.release();
        INFO("hint: release() returns the timer, still pending, and leaves the owner with none");
        REQUIRE(released.pending());
        CHECK_FALSE(owner.pending());
    }
    CHECK(loop.run_until_runs(runs, 1));
    CHECK(runs == 1);
}
