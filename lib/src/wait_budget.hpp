// How long a backend may still wait: seconds as Python gives them, turned into what select()
// and poll() take, and shortened after a signal interrupts the wait.
#pragma once

#include <sys/time.h>

#include <chrono>
#include <cmath>
#include <optional>
#include <thread>

namespace asyncore::detail {

class wait_budget {
public:
    using clock = std::chrono::steady_clock;

    // Negative or NaN waits nothing; infinity waits until something happens.
    explicit wait_budget(double seconds) : start_(clock::now()) {
        if (std::isinf(seconds) && seconds > 0) return;
        double bounded = std::isnan(seconds) || seconds < 0 ? 0.0 : std::fmin(seconds, 1e9);
        total_ = std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(bounded));
    }

    bool forever() const { return !total_; }

    clock::duration left() const {
        auto spent = clock::now() - start_;
        return spent >= *total_ ? clock::duration::zero() : *total_ - spent;
    }

    // For select(): nullptr means "no limit".
    timeval* as_timeval(timeval& tv) const {
        if (forever()) return nullptr;
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(left()).count();
        tv.tv_sec = static_cast<time_t>(us / 1000000);
        tv.tv_usec = static_cast<suseconds_t>(us % 1000000);
        return &tv;
    }

    // For poll(): -1 means "no limit"; rounded up, so a 0.1 ms wait does not become a busy 0.
    int as_milliseconds() const {
        if (forever()) return -1;
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(left()).count();
        long long ms = (us + 999) / 1000;
        return ms > 2147483647LL ? 2147483647 : static_cast<int>(ms);
    }

private:
    clock::time_point start_;
    std::optional<clock::duration> total_;
};

// What a backend does when no channel wants anything: let `seconds` pass (Python's time.sleep).
inline void sleep_seconds(double seconds) {
    wait_budget budget(seconds);
    do std::this_thread::sleep_for(budget.forever() ? std::chrono::hours(24) : budget.left());
    while (budget.forever());
}

}  // namespace asyncore::detail
