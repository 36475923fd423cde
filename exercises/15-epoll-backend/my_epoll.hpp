// Exercise 15: your own epoll backend's bookkeeping. The tests drive a my_epoll over a map.
#pragma once

#include <asyncore/asyncore.hpp>

#include <sys/epoll.h>

#include <cstdint>
#include <map>
#include <vector>

/// An epoll loop over one map, whose interest list stays in the kernel between passes.
class my_epoll {
public:
    /// Makes the epoll instance that serves `map`.
    explicit my_epoll(asyncore::channel_map& map);
    ~my_epoll();
    my_epoll(const my_epoll&) = delete;
    my_epoll& operator=(const my_epoll&) = delete;

    /// One pass: ask every channel readable()/writable(), tell the kernel what changed (sync()),
    /// wait at most `timeout` seconds, deliver each ready channel's steps in descriptor order.
    void pass(double timeout);

    /// How many times epoll_ctl() was called, for the tests.
    unsigned long ctl_calls() const { return ctl_calls_; }

    /// A channel's steps, in the order they run: what steps_of() returns, or-ed together.
    enum step : unsigned { read_step = 1, write_step = 2, expt_step = 4, close_step = 8 };
    /// The steps for what epoll_wait() reported about one descriptor (`revents`).
    static unsigned steps_of(std::uint32_t revents);

private:
    // What one channel wants this pass.
    struct wanted {
        asyncore::channel_map::ticket ticket;
        std::uint32_t flags;  // EPOLLIN | EPOLLPRI for reading, EPOLLOUT for writing
    };
    // What the kernel holds for one descriptor.
    struct registered {
        std::uint64_t serial;  // the registration (ticket.serial) the kernel's entry is for
        std::uint32_t flags;   // the flags it watches
    };

    void sync(const std::vector<wanted>& watched);
    void deliver(const asyncore::channel_map::ticket& ticket, unsigned steps);
    int ctl(int op, int fd, std::uint32_t flags);

    asyncore::channel_map& map_;
    int epfd_;
    std::map<int, registered> kernel_;  // what the kernel's interest list holds, by descriptor
    unsigned long ctl_calls_ = 0;
};
