// Timers (chapter 12): a binary min-heap of deadlines, in the spirit of redis's ae.c time events
// and asyncio's call_later(). Each entry knows its place in the heap, so cancel() takes it out at
// once, in O(log n), instead of leaving a dead entry behind until its deadline.
#include "asyncore/timers.hpp"

#include "asyncore/channel_map.hpp"
#include "asyncore/errors.hpp"

#include <chrono>
#include <cmath>
#include <iostream>
#include <stdexcept>
#include <utility>

namespace asyncore {

namespace {
constexpr std::size_t taken_out = static_cast<std::size_t>(-1);  // not in the heap
}  // namespace

// [entry]
struct timer_queue::entry {
    timer_clock::time_point when;
    std::uint64_t order;             // among equal deadlines, the one scheduled first runs first
    std::function<void()> callback;  // emptied when it runs or is cancelled
    timer_queue* queue;              // while pending; nullptr once it ran or was cancelled
    std::size_t index;               // its place in heap_, or taken_out while run_due() holds it

    bool before(const entry& other) const noexcept {
        return when < other.when || (when == other.when && order < other.order);
    }
};
// [entry]

// ---------------------------------------------------------------------------------------------
// The heap: heap_[0] is the nearest deadline; the children of i are 2i+1 and 2i+2. Every move
// of an entry goes through place(), which keeps entry::index right.

void timer_queue::place(std::size_t index, std::shared_ptr<entry> item) noexcept {
    item->index = index;
    heap_[index] = std::move(item);
}

// [sift]
void timer_queue::move_up(std::size_t index) noexcept {
    std::shared_ptr<entry> item = std::move(heap_[index]);
    while (index > 0) {
        std::size_t parent = (index - 1) / 2;
        if (!item->before(*heap_[parent])) break;
        place(index, std::move(heap_[parent]));
        index = parent;
    }
    place(index, std::move(item));
}

void timer_queue::move_down(std::size_t index) noexcept {
    std::shared_ptr<entry> item = std::move(heap_[index]);
    const std::size_t size = heap_.size();
    for (;;) {
        std::size_t child = 2 * index + 1;
        if (child >= size) break;
        if (child + 1 < size && heap_[child + 1]->before(*heap_[child])) ++child;
        if (!heap_[child]->before(*item)) break;
        place(index, std::move(heap_[child]));
        index = child;
    }
    place(index, std::move(item));
}
// [sift]

void timer_queue::push(std::shared_ptr<entry> item) {
    heap_.emplace_back();  // the one step that may throw (bad_alloc), before anything changed
    place(heap_.size() - 1, std::move(item));
    move_up(heap_.size() - 1);
}

// [take]
// Takes any entry out of the heap: the last one fills its place and moves up or down.
std::shared_ptr<timer_queue::entry> timer_queue::take(std::size_t index) noexcept {
    std::shared_ptr<entry> item = std::move(heap_[index]);
    std::shared_ptr<entry> last = std::move(heap_.back());
    heap_.pop_back();
    if (index < heap_.size()) {
        place(index, std::move(last));
        if (index > 0 && heap_[index]->before(*heap_[(index - 1) / 2]))
            move_up(index);
        else
            move_down(index);
    }
    item->index = taken_out;
    return item;
}
// [take]

// ---------------------------------------------------------------------------------------------
// Scheduling and cancelling

timer_queue::~timer_queue() { clear(); }

timer timer_queue::call_at(timer_clock::time_point when, std::function<void()> callback) {
    if (!callback) throw std::invalid_argument("asyncore: a timer needs a callback");
    auto item = std::make_shared<entry>(entry{when, scheduled_++, std::move(callback), this, taken_out});
    push(item);
    return timer(std::move(item));
}

// [call_later]
timer timer_queue::call_later(double delay, std::function<void()> callback) {
    double seconds = std::isnan(delay) || delay < 0 ? 0.0 : std::fmin(delay, 1e9);
    // Rounded up to the clock's tick: a timer may run late, never early.
    auto wait = std::chrono::ceil<timer_clock::duration>(std::chrono::duration<double>(seconds));
    return call_at(timer_clock::now() + wait, std::move(callback));
}
// [call_later]

// [cancel]
void timer::cancel() noexcept {
    if (!entry_ || !entry_->queue) return;  // no timer, or it ran, or it was cancelled
    timer_queue& queue = *entry_->queue;
    entry_->queue = nullptr;
    if (entry_->index == taken_out)
        --queue.taken_;  // run_due() holds it, and will skip it
    else
        queue.take(entry_->index);
    // Destroyed last, when the queue is in order again: what it captured may cancel other timers.
    std::function<void()> doomed;
    doomed.swap(entry_->callback);
}
// [cancel]

bool timer::pending() const noexcept { return entry_ && entry_->queue; }

timer_clock::time_point timer::when() const noexcept { return entry_ ? entry_->when : timer_clock::time_point{}; }

void timer_queue::clear() noexcept {
    ++clears_;
    taken_ = 0;
    std::vector<std::shared_ptr<entry>> gone;
    gone.swap(heap_);
    std::vector<std::function<void()>> doomed(gone.size());
    for (std::size_t i = 0; i < gone.size(); ++i) {
        gone[i]->queue = nullptr;
        gone[i]->index = taken_out;
        doomed[i].swap(gone[i]->callback);
    }
}

// ---------------------------------------------------------------------------------------------
// What a pass asks

std::optional<timer_clock::time_point> timer_queue::next_deadline() const noexcept {
    if (heap_.empty()) return std::nullopt;
    return heap_.front()->when;
}

// [wait_bound]
double timer_queue::wait_bound(double timeout) const noexcept {
    if (heap_.empty()) return timeout;
    auto left = heap_.front()->when - timer_clock::now();
    if (left <= timer_clock::duration::zero()) return 0.0;
    // select() takes microseconds and the backends truncate: round up, with a little to spare,
    // or the pass may wake just before the deadline and find nothing due.
    auto us = std::chrono::ceil<std::chrono::microseconds>(left) + std::chrono::microseconds(10);
    double seconds = std::chrono::duration<double>(us).count();
    return std::isnan(timeout) || timeout < seconds ? timeout : seconds;
}
// [wait_bound]

// [run_due]
std::size_t timer_queue::run_due() {
    // Settle first which timers run: every one due now, nearest first. A timer a callback
    // schedules waits for a later pass, even with a delay of 0.
    const auto now = timer_clock::now();
    const std::uint64_t clears = clears_;
    std::vector<std::shared_ptr<entry>> due;
    while (!heap_.empty() && heap_.front()->when <= now) {
        due.push_back(heap_.front());  // (may throw: before the heap changes)
        take(0);
        ++taken_;
    }

    // Still to run? Not if an earlier callback cancelled it, or cleared the whole queue.
    auto still_pending = [this, clears](entry& e) {
        if (e.queue != this) return false;
        if (clears_ == clears) return true;
        e.queue = nullptr;  // clear() could not reach it: it was in our hands
        std::function<void()> doomed;
        doomed.swap(e.callback);
        return false;
    };

    std::size_t ran = 0;
    for (std::size_t i = 0; i < due.size(); ++i) {
        entry& e = *due[i];
        if (!still_pending(e)) continue;
        e.queue = nullptr;
        --taken_;
        std::function<void()> callback;
        callback.swap(e.callback);
        ++ran;
        try {
            callback();
        } catch (const exit_now&) {
            // Out of the loop at once; the rest of the batch stays pending for the next pass.
            for (std::size_t j = i + 1; j < due.size(); ++j) {
                if (!still_pending(*due[j])) continue;
                --taken_;
                push(due[j]);
            }
            throw;
        } catch (...) {
            // A timer has no channel whose handle_error() could take it: log it, as
            // dispatcher::handle_error() does, and go on with the other timers.
            std::cout << "error: uncaptured exception in a timer callback (" << compact_traceback().to_string() << ")"
                      << std::endl;
        }
    }
    return ran;
}
// [run_due]

timer call_later(double delay, std::function<void()> callback, channel_map* map) {
    return (map ? *map : socket_map).timers().call_later(delay, std::move(callback));
}

timer call_at(timer_clock::time_point when, std::function<void()> callback, channel_map* map) {
    return (map ? *map : socket_map).timers().call_at(when, std::move(callback));
}

}  // namespace asyncore
