// The poll() backend: Python's asyncore.poll2() and readwrite(). The pass it serves is in pass.cpp.
//
// select() takes three bitmaps of FD_SETSIZE bits and rewrites them; poll() takes an array of
// (fd, events) and fills in revents. So poll() has no descriptor limit, and its cost grows with
// the number of channels watched, not with the largest descriptor number. Both still copy the
// whole interest list into the kernel on every pass: that is what epoll and kqueue remove.
#include "asyncore/errors.hpp"
#include "asyncore/loop.hpp"
#include "backend.hpp"
#include "deliver.hpp"
#include "wait_budget.hpp"

#include <poll.h>

#include <cerrno>
#include <vector>

namespace asyncore {

namespace {

using detail::interest;
using detail::ready;

// [poll2_flags]
// Python's flags: a readable channel also hears urgent data (POLLPRI). POLLHUP, POLLERR and
// POLLNVAL need no asking: poll() always reports them.
short flags_of(const interest& wanted) {
    short flags = 0;
    if (wanted.read) flags |= POLLIN;
    if (wanted.expt) flags |= POLLPRI;
    if (wanted.write) flags |= POLLOUT;
    return flags;
}
// [poll2_flags]

// [readwrite_steps]
// A hang-up that comes with data to read (a pipe whose writer closed, a socket after the
// peer's FIN and RST) is not the end yet: recv() reads the rest and then meets end of file,
// which calls handle_close(). Python closes at once and drops those bytes.
bool ends_channel(short revents) {
    if (revents & (POLLERR | POLLNVAL)) return true;
    return (revents & POLLHUP) && !(revents & POLLIN);
}

unsigned events_of(short revents) {
    unsigned events = 0;
    if (revents & POLLIN) events |= detail::read_event;
    if (revents & POLLOUT) events |= detail::write_event;
    if (revents & POLLPRI) events |= detail::expt_event;
    if (ends_channel(revents)) events |= detail::close_event;
    return events;
}
// [readwrite_steps]

// poll(), restarted with the time left when a signal interrupts it.
void poll_until_ready(std::vector<pollfd>& fds, double timeout) {
    detail::wait_budget budget(timeout);
    while (::poll(fds.data(), fds.size(), budget.as_milliseconds()) < 0) {
        if (errno != EINTR) throw_errno(errno, "poll");
    }
}

class poll_backend final : public detail::backend {
public:
    // [poll2_events]
    // Each channel's events together, channel by channel, as Python's readwrite() takes them.
    std::vector<ready> wait(const std::vector<interest>& watched, double timeout) override {
        std::vector<pollfd> fds;
        fds.reserve(watched.size());
        for (const interest& wanted : watched) fds.push_back({wanted.ticket.fd, flags_of(wanted), 0});
        poll_until_ready(fds, timeout);
        std::vector<ready> events;
        for (std::size_t i = 0; i < fds.size(); ++i)
            if (unsigned happened = events_of(fds[i].revents)) events.push_back({watched[i].ticket, happened});
        return events;
    }
    // [poll2_events]
};

}  // namespace

void readwrite(dispatcher& obj, short flags) {
    detail::deliver_events(obj, events_of(flags),
                           [&obj] { return obj.fileno() >= 0 && obj.map().get(obj.fileno()) == &obj; });
}

// [poll2]
void poll2(double timeout, channel_map* map) {
    poll_backend poll;
    detail::run_pass(poll, timeout, map);
}
// [poll2]

}  // namespace asyncore
