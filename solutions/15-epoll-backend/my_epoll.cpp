// Exercise 15: the bookkeeping of an epoll backend. Read chapters/15-epoll-backend/README.md first.
// Check your work with:  ./course check 15
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "my_epoll.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

my_epoll::my_epoll(asyncore::channel_map& map) : map_(map), epfd_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (epfd_ < 0) throw std::system_error(errno, std::system_category(), "epoll_create1");
}

my_epoll::~my_epoll() { ::close(epfd_); }

// epoll_ctl(), counted. Returns 0, or the errno it failed with (a DEL of a descriptor that was
// closed fails with EBADF or ENOENT, and that is fine: the kernel had forgotten it already).
int my_epoll::ctl(int op, int fd, std::uint32_t flags) {
    ++ctl_calls_;
    epoll_event ev{};
    ev.events = flags;
    ev.data.fd = fd;
    return ::epoll_ctl(epfd_, op, fd, &ev) == 0 ? 0 : errno;
}

// Tells the kernel what changed since the last pass. `watched`: every channel that wants
// something this pass, in descriptor order. kernel_: what the kernel holds, by descriptor.
void my_epoll::sync(const std::vector<wanted>& watched) {
    std::map<int, registered> now;  // what the kernel will hold after this pass
    for (const wanted& w : watched) {
        const int fd = w.ticket.fd;
        auto found = kernel_.find(fd);
        // TODO 1 begin: tell the kernel about this channel, only if something changed.
        if (found == kernel_.end()) {
            ctl(EPOLL_CTL_ADD, fd, w.flags);
        } else if (found->second.serial != w.ticket.serial) {
            ctl(EPOLL_CTL_DEL, fd, 0);  // the old entry, if the kernel still has it
            ctl(EPOLL_CTL_ADD, fd, w.flags);
        } else if (found->second.flags != w.flags) {
            ctl(EPOLL_CTL_MOD, fd, w.flags);
        }
        // TODO 1 end
        now[fd] = registered{w.ticket.serial, w.flags};
    }
    // TODO 2 begin: every descriptor the kernel holds that nobody watches now leaves it.
    for (const auto& [fd, old] : kernel_) {
        if (now.count(fd) == 0) ctl(EPOLL_CTL_DEL, fd, 0);
    }
    // TODO 2 end
    kernel_ = std::move(now);
}

unsigned my_epoll::steps_of(std::uint32_t revents) {
    // TODO 3 begin: the steps, as poll2() takes them.
    unsigned steps = 0;
    if (revents & EPOLLIN) steps |= read_step;
    if (revents & EPOLLOUT) steps |= write_step;
    if (revents & EPOLLPRI) steps |= expt_step;
    if ((revents & EPOLLERR) || ((revents & EPOLLHUP) && !(revents & EPOLLIN))) steps |= close_step;
    return steps;
    // TODO 3 end
}

// One channel's steps, each while the channel is still in the map; exit_now goes on out, any
// other exception to the channel's handle_error().
void my_epoll::deliver(const asyncore::channel_map::ticket& ticket, unsigned steps) {
    asyncore::dispatcher& channel = *ticket.channel;
    try {
        if ((steps & read_step) && map_.still_holds(ticket)) channel.handle_read_event();
        if ((steps & write_step) && map_.still_holds(ticket)) channel.handle_write_event();
        if ((steps & expt_step) && map_.still_holds(ticket)) channel.handle_expt_event();
        if ((steps & close_step) && map_.still_holds(ticket)) channel.handle_close();
    } catch (const asyncore::exit_now&) {
        throw;
    } catch (...) {
        channel.handle_error();
    }
}

void my_epoll::pass(double timeout) {
    if (map_.empty()) return;
    asyncore::channel_map::pass keep_alive(map_);  // channels closed in this pass outlive it

    std::vector<wanted> watched;  // in descriptor order, as snapshot() gives them
    for (const auto& t : map_.snapshot()) {
        if (!map_.still_holds(t)) continue;
        std::uint32_t flags = 0;
        try {
            if (t.channel->readable()) flags |= EPOLLIN | EPOLLPRI;
            if (t.channel->writable() && !t.channel->accepting) flags |= EPOLLOUT;
        } catch (const asyncore::exit_now&) {
            throw;
        } catch (...) {
            t.channel->handle_error();
            continue;
        }
        if (flags != 0 && map_.still_holds(t)) watched.push_back({t, flags});
    }
    sync(watched);

    int ms = timeout <= 0 ? 0 : static_cast<int>(std::min(std::ceil(timeout * 1000), 2147483647.0));
    if (watched.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        return;
    }
    std::vector<epoll_event> got(watched.size());
    int n;
    while ((n = ::epoll_wait(epfd_, got.data(), static_cast<int>(got.size()), ms)) < 0) {
        if (errno != EINTR) throw std::system_error(errno, std::system_category(), "epoll_wait");
    }
    got.resize(static_cast<std::size_t>(n));
    // The kernel's order is nobody's: deliver in descriptor order, as poll2() does.
    std::sort(got.begin(), got.end(), [](const epoll_event& a, const epoll_event& b) { return a.data.fd < b.data.fd; });
    for (const epoll_event& e : got) {
        auto w = std::lower_bound(watched.begin(), watched.end(), e.data.fd,
                                  [](const wanted& x, int fd) { return x.ticket.fd < fd; });
        if (w != watched.end() && w->ticket.fd == e.data.fd) deliver(w->ticket, steps_of(e.events));
    }
}
