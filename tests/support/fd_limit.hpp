// The process's descriptor limit (the soft RLIMIT_NOFILE), changed for one test and put back.
#pragma once

#include "harness.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace testing {

class fd_limit {
public:
    enum class direction { at_least, at_most };

    // Raises the soft limit to at least `n`, or lowers it to at most `n`, within the hard limit.
    fd_limit(direction how, rlim_t n) {
        ::getrlimit(RLIMIT_NOFILE, &old_);
        rlimit changed = old_;
        changed.rlim_cur = how == direction::at_least ? std::max(old_.rlim_cur, n) : std::min(old_.rlim_cur, n);
        possible_ = changed.rlim_cur <= old_.rlim_max || old_.rlim_max == RLIM_INFINITY;
        ok_ = possible_ && ::setrlimit(RLIMIT_NOFILE, &changed) == 0;
    }
    ~fd_limit() { ::setrlimit(RLIMIT_NOFILE, &old_); }
    fd_limit(const fd_limit&) = delete;
    fd_limit& operator=(const fd_limit&) = delete;

    bool possible() const { return possible_; }  // false: the hard limit is below what was asked
    bool ok() const { return ok_; }              // the soft limit is now as asked

private:
    rlimit old_{};
    bool possible_ = false;
    bool ok_ = false;
};

// `sock`, moved to descriptor number `fd` (above FD_SETSIZE, say).
inline asyncore::socket moved_to(asyncore::socket sock, int fd) {
    int moved = ::dup3(sock.fileno(), fd, O_CLOEXEC);
    if (moved != fd) throw std::runtime_error("dup3 to fd " + std::to_string(fd) + " failed");
    return asyncore::socket(moved);
}

}  // namespace testing
