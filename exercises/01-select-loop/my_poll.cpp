// Exercise 01: write one pass of the select() loop. Read chapters/01-select-loop/README.md first.
// Check your work with:  ./course check 01
#include "my_poll.hpp"

#include <sys/select.h>

#include <cerrno>
#include <thread>

void my_poll(double timeout, asyncore::channel_map& map) {
    // TODO 1: an empty map has nothing to wait for: return at once.

    // TODO 2: for each ticket in map.snapshot(), ask the channel readable() and writable()
    //         (once each). Put the fd in a read set, a write set, and (if it wants either) an
    //         exceptional set. Remember the tickets: you need them after select().
    //         A fd >= FD_SETSIZE must not go in an fd_set: hand the channel a std::length_error
    //         through its handle_error() instead (throw it, catch it, call handle_error() in the catch).

    // TODO 3: if no channel wants anything, sleep `timeout` seconds and return.

    // TODO 4: call select() with the largest fd + 1 and a timeval made from `timeout`.
    //         If it fails with EINTR, restore the sets and call it again.

    // TODO 5: deliver the events: asyncore::read() for each ready reader, then asyncore::write()
    //         for each ready writer, then asyncore::expt(). Before each one, check
    //         map.still_holds(ticket): an earlier handler may have closed that channel.
    (void)timeout;
    (void)map;
}
