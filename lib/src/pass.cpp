// One pass of the loop, the same for every backend: ask every channel what it wants, let the
// backend wait, deliver what is ready. Python writes it twice, in poll() and poll2().
#include "backend.hpp"
#include "deliver.hpp"
#include "wait_budget.hpp"

#include <cerrno>
#include <system_error>

namespace asyncore::detail {

namespace {

using ticket = channel_map::ticket;

// [ask_one]
// What a channel wants this pass. readable() and writable() are the channel's code too: an
// exception from either goes to its handle_error(), and the channel is not watched this pass.
interest ask(const ticket& t) {
    interest wanted{t};
    deliver(*t.channel, [&wanted](dispatcher& channel) {
        bool read = channel.readable();
        bool write = channel.writable();
#if ASYNCORE_CHAPTER >= 4
        write = write && !channel.accepting;  // a listening socket is always "writable": never watch it
#endif
        wanted.read = read;
        wanted.write = write;
    });
#if ASYNCORE_CHAPTER >= 7
    // Urgent data is data to read. A channel that does not read would be woken by it at once,
    // every pass, forever; it hears of it once it reads again.
    wanted.expt = wanted.read;
#else
    wanted.expt = wanted.read || wanted.write;  // as in Python: every channel watched hears of it
#endif
    return wanted;
}
// [ask_one]

// A backend may refuse a descriptor (select() and FD_SETSIZE): the channel's handle_error() hears why.
// No backend can watch a channel registered with no descriptor (a stream whose fileno() is -1):
// FD_SET(-1) shifts by a negative count, poll() skips it without a word, epoll_ctl() says EBADF.
bool admitted(const backend& kernel, const ticket& t) {
    bool watchable = false;
    deliver(*t.channel, [&](dispatcher&) {
        if (t.fd < 0)
            throw std::system_error(EBADF, std::generic_category(), "a channel registered without a descriptor");
        kernel.check_watchable(t.fd);
        watchable = true;
    });
    return watchable;
}

// [ask]
// Every channel is asked once, in descriptor order. Its readable() or its handle_error() may
// close any channel, so each ticket is checked again after its channel answered.
std::vector<interest> ask_channels(channel_map& channels, const backend& kernel) {
    std::vector<interest> watched;
    for (const ticket& t : channels.snapshot()) {
        if (!channels.still_holds(t)) continue;
        interest wanted = ask(t);
        if (!channels.still_holds(t) || !(wanted.read || wanted.write)) continue;
        if (admitted(kernel, t)) watched.push_back(wanted);
    }
    return watched;
}
// [ask]

}  // namespace

// [pass]
void run_pass(backend& kernel, double timeout, channel_map* map) {
    channel_map& channels = map ? *map : socket_map;
#if ASYNCORE_CHAPTER >= 2
    channel_map::pass pass(channels);  // channels closed during the pass outlive it
#endif
    if (channels.empty()) return;
#if ASYNCORE_CHAPTER >= 12
    timeout = channels.timers().wait_bound(timeout);  // no longer than the nearest deadline
#endif

    std::vector<interest> watched = ask_channels(channels, kernel);
    if (watched.empty()) {  // nobody wants anything: just let the time pass
        if (!channels.empty()) sleep_seconds(timeout);  // (unless asking closed them all)
#if ASYNCORE_CHAPTER >= 12
        channels.timers().run_due();
#endif
        return;
    }
    // A handler may close any channel, so each one is looked up again before its events.
    for (const ready& r : kernel.wait(watched, timeout)) {
        auto still_there = [&] { return channels.still_holds(r.ticket); };
        if (still_there()) deliver_events(*r.ticket.channel, r.events, still_there);
    }
#if ASYNCORE_CHAPTER >= 12
    channels.timers().run_due();  // after the channels' events, as redis's ae.c runs its time events
#endif
}
// [pass]

}  // namespace asyncore::detail
