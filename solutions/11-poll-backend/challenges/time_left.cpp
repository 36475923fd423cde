// Exercise 11, challenge, a solution: only the time left.
#include "time_left.hpp"

#include <cerrno>
#include <chrono>
#include <climits>
#include <system_error>

int poll_time_left(std::vector<pollfd>& fds, double timeout) {
    // TODO 1 begin
    using clock = std::chrono::steady_clock;
    // [deadline]
    // Clamped first, as the library's wait_budget clamps too: a duration_cast of NaN, of infinity
    // or of a huge number of seconds is undefined. NaN fails every comparison: hence !(> 0).
    if (!(timeout > 0)) timeout = 0;
    if (timeout > INT_MAX / 1000.0) timeout = INT_MAX / 1000.0;  // the longest one poll() waits
    auto wait = std::chrono::duration<double>(timeout);
    const auto deadline = clock::now() + std::chrono::duration_cast<clock::duration>(wait);
    for (;;) {
        // Rounded up: 0.4 ms left must not become poll(..., 0), which returns at once.
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now()).count();
        int ms = left <= 0 ? 0 : left >= INT_MAX ? INT_MAX : static_cast<int>(left);
        int ready = ::poll(fds.data(), fds.size(), ms);
        if (ready >= 0) return ready;
        if (errno != EINTR) throw std::system_error(errno, std::system_category(), "poll");
        // A signal: go round again, with whatever is left of the same deadline.
    }
    // [deadline]
    // TODO 1 end
}
