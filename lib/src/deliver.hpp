// Event delivery, for the pass (pass.cpp), loop.cpp's read()/write()/expt() and poll2's readwrite().
#pragma once

#include "asyncore/dispatcher.hpp"
#include "asyncore/errors.hpp"

#include <functional>

namespace asyncore::detail {

// Calls `obj.handle_error()`, from inside a catch. A handle_error() that throws in turn is the
// last straw: its exception is logged and the channel closed, so it cannot escape the pass and
// stop the loop for every other channel. exit_now still goes through. (In dispatcher.cpp.)
void handle_error_safely(dispatcher& obj);

// [deliver_one]
// Runs `event` for one channel. Everything but exit_now becomes the channel's own problem, so
// one bad connection cannot take the server down. handle_error() runs inside the catch, where
// std::current_exception() still knows what was thrown.
template <class Event>
void deliver(dispatcher& obj, Event&& event) {
    try {
        std::invoke(std::forward<Event>(event), obj);
    } catch (const exit_now&) {
        throw;
    } catch (...) {
        handle_error_safely(obj);
    }
}
// [deliver_one]

// The events a backend reports for a channel, as flags.
enum event : unsigned { read_event = 1, write_event = 2, expt_event = 4, close_event = 8 };

// [deliver_events]
// One channel's events, in Python's order: read, write, urgent data, then its end (a hang-up or
// an error). Each step after the first runs only while `still_there()`: a channel that a read
// closed gets no write event and no second handle_close() (Python's readwrite() goes on,
// bpo-30985). As in Python, one exception ends the channel's steps for this pass.
template <class StillThere>
void deliver_events(dispatcher& obj, unsigned events, StillThere still_there) {
    deliver(obj, [&](dispatcher& channel) {
        if (events & read_event) channel.handle_read_event();
        if ((events & write_event) && still_there()) channel.handle_write_event();
        if ((events & expt_event) && still_there()) channel.handle_expt_event();
        if ((events & close_event) && still_there()) channel.handle_close();
    });
}
// [deliver_events]

}  // namespace asyncore::detail
