// Exercise 11, a solution: one pass of the poll() loop.
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

// TODO helpers begin
int to_milliseconds(double seconds) {
    if (seconds <= 0) return 0;
    return static_cast<int>(std::ceil(seconds * 1000));  // round up: never wake before the time
}

short flags_of(asyncore::dispatcher& channel) {
    short flags = 0;
    if (channel.readable()) flags |= POLLIN | POLLPRI;
    if (channel.writable() && !channel.accepting) flags |= POLLOUT;
    return flags;
}

// One channel's steps, each one only while the channel is still in the map.
void run_steps(asyncore::channel_map& map, const ticket& t, short revents) {
    asyncore::dispatcher& channel = *t.channel;
    try {
        if (revents & POLLIN) channel.handle_read_event();
        if ((revents & POLLOUT) && map.still_holds(t)) channel.handle_write_event();
        if ((revents & POLLPRI) && map.still_holds(t)) channel.handle_expt_event();
        bool ended = (revents & (POLLERR | POLLNVAL)) || ((revents & POLLHUP) && !(revents & POLLIN));
        if (ended && map.still_holds(t)) channel.handle_close();
    } catch (const asyncore::exit_now&) {
        throw;
    } catch (...) {
        channel.handle_error();
    }
}
// TODO helpers end

}  // namespace

void my_poll2(double timeout, asyncore::channel_map& map) {
    // TODO 1 begin
    asyncore::channel_map::pass pass(map);  // a channel closed during the pass outlives it
    if (map.empty()) return;
    // TODO 1 end

    // TODO 2 begin
    std::vector<pollfd> fds;
    std::vector<ticket> asked;
    for (const ticket& t : map.snapshot()) {
        short flags = flags_of(*t.channel);
        if (flags == 0) continue;
        fds.push_back({t.fd, flags, 0});
        asked.push_back(t);
    }
    // TODO 2 end

    // TODO 3 begin
    if (fds.empty()) {
        std::this_thread::sleep_for(std::chrono::duration<double>(timeout < 0 ? 0 : timeout));
        return;
    }
    // TODO 3 end

    // TODO 4 begin
    // Keep it simple: after EINTR, wait the whole timeout again (asyncore::poll2 waits the time left).
    while (::poll(fds.data(), fds.size(), to_milliseconds(timeout)) < 0) {
        if (errno != EINTR) throw std::system_error(errno, std::system_category(), "poll");
    }
    // TODO 4 end

    // TODO 5 begin
    for (std::size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].revents != 0 && map.still_holds(asked[i])) run_steps(map, asked[i], fds[i].revents);
    }
    // TODO 5 end
}
