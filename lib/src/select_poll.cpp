// The select() backend: Python's asyncore.poll(). The pass it serves is in pass.cpp.
#include "asyncore/errors.hpp"
#include "asyncore/loop.hpp"
#include "backend.hpp"
#include "deliver.hpp"
#include "wait_budget.hpp"

#include <fcntl.h>
#include <sys/select.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <vector>

namespace asyncore {

namespace {

using detail::interest;
using detail::ready;

// The three descriptor sets select() takes.
struct fd_sets {
    fd_set read, write, expt;
    int max_fd = -1;

    fd_sets() {
        FD_ZERO(&read);
        FD_ZERO(&write);
        FD_ZERO(&expt);
    }
};

// [wait]
fd_sets sets_of(const std::vector<interest>& watched) {
    fd_sets sets;
    for (const interest& wanted : watched) {
        int fd = wanted.ticket.fd;
        if (wanted.read) FD_SET(fd, &sets.read);
        if (wanted.write) FD_SET(fd, &sets.write);
        if (wanted.expt) FD_SET(fd, &sets.expt);
        if (fd > sets.max_fd) sets.max_fd = fd;
    }
    return sets;
}

// select(), restarted with the time left when a signal interrupts it. The sets are undefined
// after EINTR, so each attempt starts from a fresh copy of what the channels asked for.
// Returns false if a descriptor in the sets is not open (EBADF): see closed_channels().
bool select_until_ready(fd_sets& got, const fd_sets& wanted, double timeout) {
    detail::wait_budget budget(timeout);
    for (;;) {
        got = wanted;
        timeval tv{};
        if (::select(wanted.max_fd + 1, &got.read, &got.write, &got.expt, budget.as_timeval(tv)) >= 0)
            return true;
        if (errno == EBADF) return false;
        if (errno != EINTR) throw_errno(errno, "select");
    }
}
// [wait]

// [closed_behind_our_back]
// A descriptor closed behind the library's back makes select() fail as a whole (EBADF), for
// every channel. poll() would flag that one descriptor (POLLNVAL) and poll2() end its channel
// with handle_close(): find such channels (fcntl() fails with EBADF) and do the same. The
// others are asked again on the next pass.
std::vector<ready> closed_channels(const std::vector<interest>& watched) {
    std::vector<ready> closed;
    for (const interest& wanted : watched) {
        if (::fcntl(wanted.ticket.fd, F_GETFD) == -1 && errno == EBADF)
            closed.push_back({wanted.ticket, detail::close_event});
    }
    if (closed.empty()) throw_errno(EBADF, "select");
    return closed;
}
// [closed_behind_our_back]

class select_backend final : public detail::backend {
public:
    // [refuse]
    // An fd_set is a bitmap of FD_SETSIZE bits. FD_SET on a larger descriptor writes past its end
    // (glibc aborts under _FORTIFY_SOURCE, or silently corrupts the stack), so such a descriptor is
    // refused, through the channel's own handle_error().
    void check_watchable(int fd) const override {
        if (fd >= FD_SETSIZE)
            throw std::length_error("fd " + std::to_string(fd) + " is at or above FD_SETSIZE (" +
                                    std::to_string(FD_SETSIZE) + "), the most select() can watch");
    }
    // [refuse]

    // [select_events]
    // Every read, then every write, then every exceptional event, as Python's poll() does.
    std::vector<ready> wait(const std::vector<interest>& watched, double timeout) override {
        const fd_sets wanted = sets_of(watched);
        fd_sets got;
        if (!select_until_ready(got, wanted, timeout)) return closed_channels(watched);
        std::vector<ready> events;
        for (const interest& i : watched)
            if (FD_ISSET(i.ticket.fd, &got.read)) events.push_back({i.ticket, detail::read_event});
        for (const interest& i : watched)
            if (FD_ISSET(i.ticket.fd, &got.write)) events.push_back({i.ticket, detail::write_event});
        for (const interest& i : watched)
            if (FD_ISSET(i.ticket.fd, &got.expt)) events.push_back({i.ticket, detail::expt_event});
        return events;
    }
    // [select_events]
};

}  // namespace

// [poll]
void poll(double timeout, channel_map* map) {
    select_backend select;
    detail::run_pass(select, timeout, map);
}
// [poll]

}  // namespace asyncore
