// Event delivery shared by the backends: loop.cpp's read()/write()/expt() and poll2's readwrite().
#pragma once

#include "asyncore/dispatcher.hpp"
#include "asyncore/errors.hpp"

#include <functional>

namespace asyncore::detail {

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
        obj.handle_error();
    }
}
// [deliver_one]

}  // namespace asyncore::detail
