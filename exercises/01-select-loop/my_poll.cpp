// Exercise 01: write one pass of the select() loop. Read chapters/01-select-loop/README.md first.
// Check your work with:  ./course check 01
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "my_poll.hpp"

#include <sys/select.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using ticket = asyncore::channel_map::ticket;

// select() wants its timeout as a timeval: whole seconds and microseconds.
timeval to_timeval(double seconds) {
    if (seconds < 0) seconds = 0;
    auto us = static_cast<long long>(seconds * 1e6);
    return timeval{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
}

// TODO helpers begin: functions of your own, if you want some.
// TODO helpers end

}  // namespace

void my_poll(double timeout, asyncore::channel_map& map) {
    // TODO 1 begin: an empty map has nothing to wait for: return at once.
    // TODO 1 end

    // TODO 2 begin: for each ticket in map.snapshot(), ask the channel readable() and writable()
    //         (once each). Put the fd in a read set, a write set, and (if it wants either) an
    //         exceptional set. Remember the tickets: you need them after select().
    //         A fd >= FD_SETSIZE must not go in an fd_set: hand the channel a std::length_error
    //         through its handle_error() instead (throw it, catch it, call handle_error() in the catch).
    // TODO 2 end

    // TODO 3 begin: if no channel wants anything, sleep `timeout` seconds and return.
    // TODO 3 end

    // TODO 4 begin: call select() with the largest fd + 1 and a timeval made from `timeout`
    //         (to_timeval() above). If it fails with EINTR, restore the sets and call it again.
    (void)to_timeval;
    // TODO 4 end

    // TODO 5 begin: deliver the events: asyncore::read() for each ready reader, then asyncore::write()
    //         for each ready writer, then asyncore::expt(). Before each one, check
    //         map.still_holds(ticket): an earlier handler may have closed that channel.
    (void)timeout;
    (void)map;
    // TODO 5 end
}
