// Event delivery shared by the backends: loop.cpp's read()/write()/expt() and poll2's readwrite(),
// and the questions both backends ask before they wait.
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

// [ask_one]
// What a channel wants this pass. readable() and writable() are the channel's code too: an
// exception from either goes to its handle_error(), and the channel is not watched this pass.
struct wants {
    bool read = false;
    bool write = false;
};

inline wants ask(dispatcher& obj) {
    wants answer;
    deliver(obj, [&answer](dispatcher& channel) {
        bool read = channel.readable();
        answer = {read, channel.writable()};
    });
    return answer;
}
// [ask_one]

}  // namespace asyncore::detail
