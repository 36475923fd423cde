// Exercise 11: write one pass of the poll() loop. Read chapters/11-poll-backend/README.md first.
// Check your work with:  ./course check 11
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "my_poll2.hpp"

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using ticket = asyncore::channel_map::ticket;

// TODO helpers begin: functions of your own, if you want some.
// TODO helpers end

}  // namespace

void my_poll2(double timeout, asyncore::channel_map& map) {
    // TODO 1 begin: an empty map has nothing to wait for: return at once.
    // TODO 1 end

    // TODO 2 begin: for each ticket in map.snapshot(), work out the channel's flags, asking
    //         readable() and writable() once each: readable() gives POLLIN | POLLPRI; writable()
    //         gives POLLOUT, but never for a listening channel (ticket.channel->accepting).
    //         A channel with no flags is not watched at all. The others go into a
    //         std::vector<pollfd> {fd, flags, 0}; keep the tickets in a vector beside it.
    // TODO 2 end

    // TODO 3 begin: if no channel wants anything, sleep `timeout` seconds and return.
    // TODO 3 end

    // TODO 4 begin: call poll() with the vector and the timeout. `timeout` is in seconds (a
    //         double); poll() takes whole milliseconds (an int): convert, rounding up, so that
    //         0.0005 s does not become 0 ms (a busy loop). If poll() fails with EINTR, call it again.
    // TODO 4 end

    // TODO 5 begin: for each entry whose revents is not 0, and whose channel
    //         map.still_holds(ticket), run the steps in this order, checking
    //         map.still_holds(ticket) before each one after the first:
    //           POLLIN                                -> handle_read_event()
    //           POLLOUT                               -> handle_write_event()
    //           POLLPRI                               -> handle_expt_event()
    //           POLLERR or POLLNVAL, or POLLHUP without POLLIN -> handle_close()
    //         Wrap the steps in one try: asyncore::exit_now goes on out of my_poll2(), any other
    //         exception goes to the channel's handle_error(), called inside the catch.
    (void)timeout;
    (void)map;
    // TODO 5 end
}
