// Exercise 01, challenge: a wake-up from another thread. The tests use this class; you write
// challenges/waker.cpp. Leave this file as it is.
#pragma once

#include <asyncore/asyncore.hpp>

#include <functional>
#include <mutex>
#include <vector>

/// A channel that lets any thread hand a job to the loop's thread, and wakes the loop to run it.
///
/// It sits on one end of a socketpair. post() queues the job and writes one byte into the other
/// end: that end's data makes the loop's end readable, so select() returns at once, however long
/// its timeout. handle_read() then reads the bytes and runs the queued jobs, in the loop's thread.
/// This is the trick behind asyncio's `call_soon_threadsafe()` and libuv's `uv_async_send()`.
class waker : public asyncore::dispatcher {
public:
    /// Makes the socketpair (both ends non-blocking), keeps one end for post() and registers
    /// the other in `map`.
    explicit waker(asyncore::channel_map& map);

    /// Queues `job` (under the mutex) and writes one byte to wake the loop. Safe to call from any
    /// thread; it never runs the job itself. TODO
    void post(std::function<void()> job);

    /// Reads every waiting byte, then runs every queued job, oldest first, in the loop's thread.
    /// TODO
    void handle_read() override;

    /// Never: the waker only reads. (A yes would wake the loop at once, every pass.)
    bool writable() override { return false; }

private:
    asyncore::socket wake_end_;                 ///< the other end of the pair: post() writes here
    std::mutex mutex_;                          ///< guards jobs_, which several threads touch
    std::vector<std::function<void()>> jobs_;  ///< posted, not run yet, oldest first
};
