// The select() backend: Python's asyncore.poll().
#include "asyncore/errors.hpp"
#include "asyncore/loop.hpp"
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

using ticket = channel_map::ticket;

// [refuse]
// An fd_set is a bitmap of FD_SETSIZE bits. FD_SET on a larger descriptor writes past its end
// (glibc aborts under _FORTIFY_SOURCE, or silently corrupts the stack), so such a descriptor is
// refused, through the channel's own handle_error().
void refuse_too_large(dispatcher& channel, int fd) {
    std::string why = "fd " + std::to_string(fd) + " is at or above FD_SETSIZE (" +
                      std::to_string(FD_SETSIZE) + "), the most select() can watch";
    try {
        throw std::length_error(why);
    } catch (...) {
        detail::handle_error_safely(channel);
    }
}
// [refuse]

// What the channels asked for, as select() wants it and as the pass remembers it.
struct interest {
    fd_set read_fds, write_fds, expt_fds;
    std::vector<ticket> readers, writers, all;
    int max_fd = -1;

    interest() {
        FD_ZERO(&read_fds);
        FD_ZERO(&write_fds);
        FD_ZERO(&expt_fds);
    }
};

// [ask]
interest ask_channels(channel_map& channels) {
    interest wanted;
    const std::vector<ticket> tickets = channels.snapshot();
    for (auto* list : {&wanted.readers, &wanted.writers, &wanted.all}) list->reserve(tickets.size());
    for (const ticket& t : tickets) {
        if (!channels.still_holds(t)) continue;
        auto [is_r, is_w] = detail::ask(*t.channel);
        if (!channels.still_holds(t)) continue;  // its readable() closed it, or handle_error() did
#if ASYNCORE_CHAPTER >= 4
        is_w = is_w && !t.channel->accepting;  // a listening socket is always "writable": never ask
#endif
        if (!is_r && !is_w) continue;
#if ASYNCORE_CHAPTER >= 7
        // Urgent data is data to read. A channel that does not read would be woken by it at
        // once, every pass, forever; it hears of it once it reads again, as under poll2().
        bool is_e = is_r;
#else
        bool is_e = true;  // as in Python: every channel watched at all hears of exceptional events
#endif
        if (t.fd >= FD_SETSIZE) {
            refuse_too_large(*t.channel, t.fd);
            continue;
        }
        if (is_r) {
            FD_SET(t.fd, &wanted.read_fds);
            wanted.readers.push_back(t);
        }
        if (is_w) {
            FD_SET(t.fd, &wanted.write_fds);
            wanted.writers.push_back(t);
        }
        if (is_e) FD_SET(t.fd, &wanted.expt_fds);
        wanted.all.push_back(t);
        if (t.fd > wanted.max_fd) wanted.max_fd = t.fd;
    }
    return wanted;
}
// [ask]

// [wait]
// select(), restarted with the time left when a signal interrupts it. The sets are undefined
// after EINTR, so each attempt starts from a fresh copy of what the channels asked for.
// Returns false if a descriptor in the sets is not open (EBADF): see end_closed_channels().
bool wait_for_events(interest& wanted, double timeout) {
    detail::wait_budget budget(timeout);
    const fd_set read_fds = wanted.read_fds, write_fds = wanted.write_fds, expt_fds = wanted.expt_fds;
    for (;;) {
        timeval tv{};
        if (::select(wanted.max_fd + 1, &wanted.read_fds, &wanted.write_fds, &wanted.expt_fds,
                     budget.as_timeval(tv)) >= 0)
            return true;
        if (errno == EBADF) return false;
        if (errno != EINTR) throw_errno(errno, "select");
        wanted.read_fds = read_fds;
        wanted.write_fds = write_fds;
        wanted.expt_fds = expt_fds;
    }
}
// [wait]

// [closed_behind_our_back]
// A descriptor closed behind the library's back makes select() fail as a whole (EBADF), for
// every channel. poll() would flag that one descriptor (POLLNVAL) and poll2() end its channel
// with handle_close(): find such channels (fcntl() fails with EBADF) and do the same. Returns
// whether there was one.
bool end_closed_channels(channel_map& channels, const interest& watched) {
    bool found = false;
    for (const ticket& t : watched.all) {
        if (::fcntl(t.fd, F_GETFD) != -1 || errno != EBADF) continue;
        found = true;
        if (channels.still_holds(t)) detail::deliver(*t.channel, &dispatcher::handle_close);
    }
    return found;
}
// [closed_behind_our_back]

}  // namespace

// [poll]
void poll(double timeout, channel_map* map) {
    channel_map& channels = map ? *map : socket_map;
    channel_map::pass pass(channels);  // channels closed during the pass outlive it
    if (channels.empty()) return;      // (the pass still buries channels closed before it)

    interest ready = ask_channels(channels);
    if (ready.max_fd < 0) {  // nobody wants anything: just let the time pass
        if (!channels.empty()) detail::sleep_seconds(timeout);  // (unless the refused ones were all)
        return;
    }
    if (!wait_for_events(ready, timeout)) {
        if (!end_closed_channels(channels, ready)) throw_errno(EBADF, "select");
        return;  // the others are asked again on the next pass
    }

    // Every read, then every write, then every exceptional event, as Python does. A handler may
    // close any channel, so each one is looked up again before its event.
    for (const ticket& t : ready.readers)
        if (FD_ISSET(t.fd, &ready.read_fds) && channels.still_holds(t)) read(*t.channel);
    for (const ticket& t : ready.writers)
        if (FD_ISSET(t.fd, &ready.write_fds) && channels.still_holds(t)) write(*t.channel);
    for (const ticket& t : ready.all)
        if (FD_ISSET(t.fd, &ready.expt_fds) && channels.still_holds(t)) expt(*t.channel);
}
// [poll]

}  // namespace asyncore
