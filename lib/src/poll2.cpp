// The poll() backend: Python's asyncore.poll2() and readwrite().
//
// select() takes three bitmaps of FD_SETSIZE bits and rewrites them; poll() takes an array of
// (fd, events) and fills in revents. So poll() has no descriptor limit, and its cost grows with
// the number of channels watched, not with the largest descriptor number. Both still copy the
// whole interest list into the kernel on every pass: that is what epoll and kqueue remove.
#include "asyncore/errors.hpp"
#include "asyncore/loop.hpp"
#include "deliver.hpp"
#include "wait_budget.hpp"

#include <poll.h>

#include <cerrno>
#include <vector>

namespace asyncore {

#if ASYNCORE_CHAPTER >= 11

namespace {

using ticket = channel_map::ticket;

// [poll2_flags]
// Python's flags: a readable channel also hears urgent data (POLLPRI); a listening socket is
// never asked about writing. POLLHUP, POLLERR and POLLNVAL need no asking: poll() always reports them.
short interest_of(dispatcher& channel) {
    auto [is_r, is_w] = detail::ask(channel);
    short flags = 0;
    if (is_r) flags |= POLLIN | POLLPRI;
    if (is_w && !channel.accepting) flags |= POLLOUT;
    return flags;
}
// [poll2_flags]

// [readwrite_steps]
// A hang-up that comes with data to read (a pipe whose writer closed, a socket after the
// peer's FIN and RST) is not the end yet: recv() reads the rest and then meets end of file,
// which calls handle_close(). Python closes at once and drops those bytes.
bool ends_channel(short flags) {
    if (flags & (POLLERR | POLLNVAL)) return true;
    return (flags & POLLHUP) && !(flags & POLLIN);
}

// One channel's events, in Python's order: read, write, urgent data, hang-up or error. Python
// runs every step even after an earlier one closed the channel, so a peer that resets gets
// handle_close() two or three times (bpo-30985). Here each step first asks `still_there()`.
// As in Python, one exception ends the channel's steps for this pass.
template <class StillThere>
void readwrite_steps(dispatcher& obj, short flags, StillThere still_there) {
    detail::deliver(obj, [&](dispatcher& channel) {
        if (flags & POLLIN) channel.handle_read_event();
        if ((flags & POLLOUT) && still_there()) channel.handle_write_event();
        if ((flags & POLLPRI) && still_there()) channel.handle_expt_event();
        if (ends_channel(flags) && still_there()) channel.handle_close();
    });
}
// [readwrite_steps]

// poll(), restarted with the time left when a signal interrupts it.
void wait_for_events(std::vector<pollfd>& fds, double timeout) {
    detail::wait_budget budget(timeout);
    while (::poll(fds.data(), fds.size(), budget.as_milliseconds()) < 0) {
        if (errno != EINTR) throw_errno(errno, "poll");
    }
}

}  // namespace

void readwrite(dispatcher& obj, short flags) {
    readwrite_steps(obj, flags, [&obj] { return obj.fileno() >= 0 && obj.map().get(obj.fileno()) == &obj; });
}

// [poll2]
void poll2(double timeout, channel_map* map) {
    channel_map& channels = map ? *map : socket_map;
    channel_map::pass pass(channels);  // channels closed during the pass outlive it
    if (channels.empty()) return;

    std::vector<pollfd> fds;
    std::vector<ticket> asked;
    for (const ticket& t : channels.snapshot()) {
        if (!channels.still_holds(t)) continue;  // closed by another channel's readable()
        short flags = interest_of(*t.channel);
        if (flags == 0 || !channels.still_holds(t)) continue;  // Python registers no fd without flags
        fds.push_back({t.fd, flags, 0});
        asked.push_back(t);
    }
    if (fds.empty()) {  // nobody wants anything: just let the time pass, as poll() does
        detail::sleep_seconds(timeout);
        return;
    }
    wait_for_events(fds, timeout);

    for (std::size_t i = 0; i < fds.size(); ++i) {
        const ticket& t = asked[i];
        if (fds[i].revents == 0 || !channels.still_holds(t)) continue;
        readwrite_steps(*t.channel, fds[i].revents, [&] { return channels.still_holds(t); });
    }
}
// [poll2]

#endif

}  // namespace asyncore
