// Exercise 01, a solution: one pass of the select() loop.
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

// TODO helpers begin
void refuse(asyncore::dispatcher& channel, int fd) {
    try {
        throw std::length_error("fd " + std::to_string(fd) + " is at or above FD_SETSIZE (" +
                                std::to_string(FD_SETSIZE) + ")");
    } catch (...) {
        channel.handle_error();
    }
}
// TODO helpers end

}  // namespace

void my_poll(double timeout, asyncore::channel_map& map) {
    // TODO 1 begin
    if (map.empty()) return;
    // TODO 1 end

    // TODO 2 begin
    fd_set readers, writers, errors;
    FD_ZERO(&readers);
    FD_ZERO(&writers);
    FD_ZERO(&errors);
    std::vector<ticket> watched;
    int max_fd = -1;
    for (const ticket& t : map.snapshot()) {
        bool r = t.channel->readable();
        bool w = t.channel->writable();
        if (!r && !w) continue;
        if (t.fd >= FD_SETSIZE) {
            refuse(*t.channel, t.fd);
            continue;
        }
        if (r) FD_SET(t.fd, &readers);
        if (w) FD_SET(t.fd, &writers);
        FD_SET(t.fd, &errors);
        watched.push_back(t);
        max_fd = std::max(max_fd, t.fd);
    }
    // TODO 2 end

    // TODO 3 begin
    if (max_fd < 0) {
        std::this_thread::sleep_for(std::chrono::duration<double>(timeout < 0 ? 0 : timeout));
        return;
    }
    // TODO 3 end

    // TODO 4 begin
    // Keep it simple: after EINTR, wait the whole timeout again (asyncore::poll waits the time left).
    const fd_set r0 = readers, w0 = writers, e0 = errors;
    timeval tv = to_timeval(timeout);
    while (::select(max_fd + 1, &readers, &writers, &errors, &tv) < 0) {
        if (errno != EINTR) throw std::system_error(errno, std::system_category(), "select");
        readers = r0, writers = w0, errors = e0, tv = to_timeval(timeout);
    }
    // TODO 4 end

    // TODO 5 begin
    for (const ticket& t : watched)
        if (FD_ISSET(t.fd, &readers) && map.still_holds(t)) asyncore::read(*t.channel);
    for (const ticket& t : watched)
        if (FD_ISSET(t.fd, &writers) && map.still_holds(t)) asyncore::write(*t.channel);
    for (const ticket& t : watched)
        if (FD_ISSET(t.fd, &errors) && map.still_holds(t)) asyncore::expt(*t.channel);
    // TODO 5 end
}
