// Challenge 12 (optional): scoped_timer, a timer handle that owns its timer.
// You write scoped_timer.cpp; check it with ./course check 12 --challenges.
#pragma once

#include <asyncore/asyncore.hpp>

/// A move-only owner of one asyncore::timer, as std::unique_ptr owns memory: the timer is
/// cancelled when its owner is destroyed, assigned over or reset (as a boost::asio::steady_timer
/// is). A channel that keeps its idle timeout in a scoped_timer member cannot forget to cancel it
/// in its destructor: the member's destructor does.
class scoped_timer {
public:
    /// Owns no timer.
    scoped_timer() noexcept = default;
    /// Owns `timer`: it is cancelled when this scoped_timer is done with it.
    explicit scoped_timer(asyncore::timer timer) noexcept;
    /// Takes `other`'s timer, which stays pending; `other` owns none afterwards.
    scoped_timer(scoped_timer&& other) noexcept;
    /// Cancels the timer this one owns, then takes `other`'s. Assigning to itself changes nothing.
    scoped_timer& operator=(scoped_timer&& other) noexcept;
    scoped_timer(const scoped_timer&) = delete;
    scoped_timer& operator=(const scoped_timer&) = delete;
    /// Cancels the timer it owns.
    ~scoped_timer();

    /// Cancels the timer it owns and owns `timer` instead (none, by default).
    void reset(asyncore::timer timer = {}) noexcept;
    /// Gives up the timer without cancelling it, and returns it; this one owns none afterwards.
    asyncore::timer release() noexcept;
    /// True while the timer it owns is pending.
    bool pending() const noexcept { return timer_.pending(); }

private:
    asyncore::timer timer_;
};
