/// \file
/// \brief Timers: callbacks the loop runs at a deadline, beside the channels it watches.
#pragma once

#include "asyncore/config.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace asyncore {

class channel_map;
class timer;

/// The clock every deadline is on: monotonic, so setting the wall clock moves no timer.
/// \chapter{12}
using timer_clock = std::chrono::steady_clock;

/// The deadlines of one loop: a binary min-heap of timers, ordered by deadline, then by the
/// order they were scheduled in. Every channel_map has one (channel_map::timers()), and each
/// pass of poll() or poll2() over that map uses it twice:
///
/// - **before the wait**, wait_bound(): the pass waits no longer than the nearest deadline;
/// - **after the channels' events**, run_due(): every timer whose deadline has come runs.
///
/// Scheduling and cancelling cost O(log n) for n timers; finding the nearest deadline is O(1).
/// A cancelled timer leaves the heap at once (each timer knows its place in it), so a server
/// that re-arms an idle timeout on every read keeps one timer per connection, not one per read.
///
/// Not thread-safe, like the map it belongs to.
/// \chapter{12}
class timer_queue {
public:
    /// An empty queue.
    timer_queue() = default;
    timer_queue(const timer_queue&) = delete;
    timer_queue& operator=(const timer_queue&) = delete;
    /// Cancels every timer still pending: their handles say pending() == false.
    ~timer_queue();

    /// Schedules `callback` to run in the first pass that ends at or after `when`. Timers with
    /// the same deadline run in the order they were scheduled.
    /// \throws std::invalid_argument if `callback` is empty.
    timer call_at(timer_clock::time_point when, std::function<void()> callback);
    /// Schedules `callback` to run `delay` seconds from now (Python's `loop.call_later`).
    /// A negative or NaN delay counts as 0; delays are capped at 10^9 seconds.
    /// \throws std::invalid_argument if `callback` is empty.
    timer call_later(double delay, std::function<void()> callback);

    /// True when no timer is pending.
    bool empty() const noexcept { return size() == 0; }
    /// How many timers are pending.
    std::size_t size() const noexcept { return heap_.size() + taken_; }
    /// The nearest deadline of a pending timer, or nothing when none is pending.
    std::optional<timer_clock::time_point> next_deadline() const noexcept;

    /// How long a pass may wait: `timeout` seconds, or less if a deadline comes sooner (0 if one
    /// has passed). The time to a deadline is rounded up to the next microsecond, so a pass does
    /// not wake a hair early and find nothing due. Infinity (wait for an event) stays infinity
    /// only while no timer is pending.
    double wait_bound(double timeout) const noexcept;

    /// Runs every timer whose deadline has come, in deadline order; returns how many ran.
    ///
    /// Which timers run is settled before the first callback: a timer that a callback schedules
    /// (even with a delay of 0) runs in a later pass, so no callback can keep the loop from the
    /// channels. A callback may cancel any timer, itself included, and one cancelled before its
    /// turn does not run.
    ///
    /// Errors: an exception from a callback is logged on standard output as
    /// `error: uncaptured exception in a timer callback (TYPE: WHAT)` (see compact_traceback()),
    /// and the next timer runs; the failed timer is gone (it had left the queue before it ran).
    /// asyncore::exit_now propagates at once, out of the pass and out of loop(); the due timers
    /// that had not run yet stay pending and run in the next pass.
    std::size_t run_due();

    /// Cancels every pending timer.
    void clear() noexcept;

private:
    friend class timer;
    struct entry;

    void push(std::shared_ptr<entry> item);
    std::shared_ptr<entry> take(std::size_t index) noexcept;
    void move_up(std::size_t index) noexcept;
    void move_down(std::size_t index) noexcept;
    void place(std::size_t index, std::shared_ptr<entry> item) noexcept;

    std::vector<std::shared_ptr<entry>> heap_;
    std::size_t taken_ = 0;       // timers run_due() took out of the heap and has not run yet
    std::uint64_t scheduled_ = 0;  // how many were ever scheduled: the tie-break between deadlines
    std::uint64_t clears_ = 0;     // how many times clear() ran: a run_due() batch it voids stops
};

// [timer]
/// A callback scheduled by call_later() or call_at(): what asyncio's `TimerHandle` and Twisted's
/// `DelayedCall` are to Python.
///
/// A handle, not the timer itself: copies refer to the same timer, and dropping every handle
/// does not cancel it (the loop keeps the callback until it runs). A default-constructed
/// handle refers to no timer. A timer runs at most once.
///
/// Keep a handle when the timer may have to be called off: a channel's idle timeout is a
/// `timer` member, cancelled when the channel closes. A callback that uses a channel must not
/// outlive it: cancel the timer in the channel's handle_close() and destructor.
/// \chapter{12}
class timer {
public:
    /// No timer: pending() is false and cancel() does nothing.
    timer() noexcept = default;

    /// Calls the timer off: its callback will not run, and is destroyed now (with whatever it
    /// captured). Cancelling a timer that already ran or was cancelled does nothing, and so does
    /// cancelling from inside its own callback. Constant time but for the heap repair, O(log n).
    void cancel() noexcept;
    /// True while the timer is scheduled: it has neither run nor been cancelled. False from the
    /// moment its callback starts.
    bool pending() const noexcept;
    /// The deadline it was scheduled for (`timer_clock::time_point{}` for no timer).
    timer_clock::time_point when() const noexcept;

private:
    friend class timer_queue;
    explicit timer(std::shared_ptr<timer_queue::entry> entry) noexcept : entry_(std::move(entry)) {}

    std::shared_ptr<timer_queue::entry> entry_;
};
// [timer]

/// Schedules `callback` to run `delay` seconds from now in the loop over `map` (nullptr:
/// socket_map): `map->timers().call_later(delay, callback)`. Python's asyncore has no timers;
/// this is asyncio's `loop.call_later(delay, callback)` and `sched.enter(delay, 0, callback)`.
///
/// The callback runs at the end of a pass of poll() or poll2() over that map, after the
/// channels' events. loop() stops when the map has no channel left, timers or not: a timer
/// keeps no loop alive, and runs in a later loop() over the map, if there is one.
/// \chapter{12}
timer call_later(double delay, std::function<void()> callback, channel_map* map = nullptr);

/// Schedules `callback` to run at `when` in the loop over `map` (nullptr: socket_map), like
/// asyncio's `loop.call_at()`. A deadline in the past runs in the next pass.
/// \chapter{12}
timer call_at(timer_clock::time_point when, std::function<void()> callback, channel_map* map = nullptr);

}  // namespace asyncore
