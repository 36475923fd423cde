// The epoll backend (chapter 15): the pass it serves is in pass.cpp, as for select() and poll().
//
// select() and poll() hand the kernel the whole interest list on every pass, and the kernel
// walks all of it: O(channels) per pass, however few are ready. epoll keeps the interest list
// in the kernel (epoll_ctl() edits it) and epoll_wait() returns only what is ready: O(ready).
// The pass still asks every channel readable() and writable() (asyncore's contract); this
// backend compares the answers with what the kernel already has and tells it only the changes.
#include "asyncore/errors.hpp"
#include "asyncore/loop.hpp"
#include "backend.hpp"
#include "deliver.hpp"
#include "wait_budget.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <system_error>
#include <unordered_map>
#include <vector>

namespace asyncore {

namespace detail {

// How many times the library called epoll_ctl(), for the tests of chapter 15 (they declare it
// themselves): "the kernel is told only what changed" is a count.
unsigned long epoll_ctl_calls = 0;

// The map's private kernel state, reached through the map's friend.
struct kernel_interest_access {
    static std::unique_ptr<kernel_interest>& of(channel_map& map) { return map.kernel_; }
};

}  // namespace detail

namespace {

using detail::interest;
using detail::ready;

// [epoll_flags]
// What a channel is watched for, as poll2() asks it. EPOLLERR and EPOLLHUP need no asking.
std::uint32_t flags_of(const interest& wanted) {
    std::uint32_t flags = 0;
    if (wanted.read) flags |= EPOLLIN;
    if (wanted.expt) flags |= EPOLLPRI;
    if (wanted.write) flags |= EPOLLOUT;
    return flags;
}

// The steps of readwrite(), from epoll's flags. A hang-up with data to read is left to recv().
unsigned events_of(std::uint32_t revents) {
    unsigned events = 0;
    if (revents & EPOLLIN) events |= detail::read_event;
    if (revents & EPOLLOUT) events |= detail::write_event;
    if (revents & EPOLLPRI) events |= detail::expt_event;
    if ((revents & EPOLLERR) || ((revents & EPOLLHUP) && !(revents & EPOLLIN))) events |= detail::close_event;
    return events;
}
// [epoll_flags]

// [registration]
// What the kernel holds for one descriptor, and what this pass makes of it.
struct registration {
    std::uint64_t serial;  // which registration of the fd (chapter 07): fd numbers are reused
    std::uint32_t flags;   // what the kernel watches it for
    bool always_ready;     // a regular file: epoll refuses it (EPERM), poll() calls it ready
    std::uint64_t pass;    // the last pass that watched it
    std::size_t index;     // its place in that pass's interest list (descriptor order)
};

// The tag the kernel hands back with each event: the fd, and the low half of its serial, so
// that an event for a registration that has left is recognised (and never delivered to a
// newer channel filed under the same number).
std::uint64_t tag_of(int fd, std::uint64_t serial) {
    return (std::uint64_t{static_cast<std::uint32_t>(fd)} << 32) | static_cast<std::uint32_t>(serial);
}
// [registration]

class epoll_backend final : public detail::backend, public detail::kernel_interest {
public:
    epoll_backend() { open(); }
    ~epoll_backend() override {
        if (epfd_ >= 0) ::close(epfd_);
    }
    epoll_backend(const epoll_backend&) = delete;
    epoll_backend& operator=(const epoll_backend&) = delete;

    // [forget]
    void forget(int fd, std::uint64_t serial) noexcept override {
        auto found = kernel_.find(fd);
        if (found == kernel_.end() || found->second.serial != serial) return;
        if (!found->second.always_ready) ctl(EPOLL_CTL_DEL, fd, 0, 0);  // fails harmlessly if closed
        kernel_.erase(found);
    }
    // [forget]

    std::vector<ready> wait(const std::vector<interest>& watched, double timeout) override {
        if (rebuild_) open();
        ++pass_;
        std::vector<ready> refused;  // descriptors the kernel would not take: closed (EBADF)
        bool any_always_ready = false;
        for (std::size_t i = 0; i < watched.size() && !rebuild_; ++i) {
            if (!update(watched[i], i, refused)) continue;
            any_always_ready = any_always_ready || kernel_.at(watched[i].ticket.fd).always_ready;
        }
        if (rebuild_) return {};  // the instance itself was lost: the next pass starts afresh
        drop_unwatched();
        if (!refused.empty()) return refused;  // handled now; the others are asked again next pass

        detail::wait_budget budget(any_always_ready ? 0.0 : timeout);
        got_.resize(std::max<std::size_t>(kernel_.size(), 1));
        int n;
        while ((n = ::epoll_wait(epfd_, got_.data(), static_cast<int>(got_.size()), budget.as_milliseconds())) < 0) {
            if (errno == EBADF) return lost();
            if (errno != EINTR) throw_errno(errno, "epoll_wait");
        }
        return in_descriptor_order(watched, static_cast<std::size_t>(n));
    }

private:
    // [lost]
    // The epoll descriptor itself closed behind our back: a channel whose descriptor had been
    // closed behind the library's back closed its old number, which the epoll instance had
    // taken meanwhile. The number is no longer ours to close; the next pass makes a new one.
    std::vector<ready> lost() {
        epfd_ = -1;
        rebuild_ = true;
        return {};
    }
    // [lost]

    void open() {
        if (epfd_ >= 0) ::close(epfd_);
        epfd_ = -1;
        epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
        if (epfd_ < 0) throw_errno(errno, "epoll_create1");
        kernel_.clear();
        rebuild_ = false;
    }

    int ctl(int op, int fd, std::uint32_t flags, std::uint64_t tag) noexcept {
        ++detail::epoll_ctl_calls;
        epoll_event ev{};
        ev.events = flags;
        ev.data.u64 = tag;
        return ::epoll_ctl(epfd_, op, fd, &ev) == 0 ? 0 : errno;
    }

    // [update]
    // Brings the kernel's entry for one watched channel up to date: nothing to do when it
    // already holds this registration with these flags (most channels, most passes).
    // Returns false if the channel is not registered after all (its descriptor was refused).
    bool update(const interest& wanted, std::size_t index, std::vector<ready>& refused) {
        const int fd = wanted.ticket.fd;
        const std::uint64_t serial = wanted.ticket.serial;
        const std::uint32_t flags = flags_of(wanted);
        auto found = kernel_.find(fd);
        if (found != kernel_.end() && found->second.serial == serial) {
            registration& r = found->second;
            if (r.flags != flags && !r.always_ready) ctl(EPOLL_CTL_MOD, fd, flags, tag_of(fd, serial));
            r.flags = flags;
            r.pass = pass_;
            r.index = index;
            return true;
        }
        // New to the kernel, or the fd re-filed under a new serial: the old entry, if the same
        // open file still holds it, is modified; otherwise the kernel dropped it (the fd was
        // closed) and the new file is added.
        int error = ctl(found == kernel_.end() ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, flags, tag_of(fd, serial));
        if (error == ENOENT) error = ctl(EPOLL_CTL_ADD, fd, flags, tag_of(fd, serial));
        if (error == EEXIST) error = ctl(EPOLL_CTL_MOD, fd, flags, tag_of(fd, serial));
        bool always_ready = error == EPERM;  // a regular file: ready for whatever it asks
        if (error != 0 && !always_ready) {
            if (found != kernel_.end()) kernel_.erase(found);
            // The descriptor was closed behind the library's back, as POLLNVAL: the channel's
            // handle_close(). (Its number may even name the epoll instance itself by now.)
            if (error == EBADF && ::fcntl(epfd_, F_GETFD) == -1) {
                lost();  // not the channel's descriptor: the epoll instance's
                return false;
            }
            bool closed = error == EBADF || (error == EINVAL && fd == epfd_);
            if (!closed) throw_errno(error, "epoll_ctl");  // ENOMEM, ENOSPC: the system's limits
            refused.push_back({wanted.ticket, detail::close_event});
            return false;
        }
        kernel_[fd] = registration{serial, flags, always_ready, pass_, index};
        return true;
    }
    // [update]

    // [drop_unwatched]
    // A channel that wants nothing this pass, or was refused by the backend, leaves the kernel's
    // list: level-triggered, a hang-up would otherwise wake every pass for a channel that does
    // not listen. (The channels that left the map were forgotten when they left.)
    void drop_unwatched() {
        for (auto it = kernel_.begin(); it != kernel_.end();) {
            if (it->second.pass == pass_) {
                ++it;
                continue;
            }
            if (!it->second.always_ready) ctl(EPOLL_CTL_DEL, it->first, 0, 0);
            it = kernel_.erase(it);
        }
    }
    // [drop_unwatched]

    // [in_descriptor_order]
    // The kernel's ready list is in no useful order: sort it by the channels' places in this
    // pass (descriptor order), so that events arrive as poll2() delivers them. O(ready log ready).
    std::vector<ready> in_descriptor_order(const std::vector<interest>& watched, std::size_t n) {
        std::vector<std::pair<std::size_t, unsigned>> found;
        found.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            const int fd = static_cast<int>(got_[i].data.u64 >> 32);
            auto r = kernel_.find(fd);
            if (r == kernel_.end() || tag_of(fd, r->second.serial) != got_[i].data.u64) {
                rebuild_ = true;  // a ghost: an entry the library can no longer remove
                continue;
            }
            if (unsigned events = events_of(got_[i].events)) found.emplace_back(r->second.index, events);
        }
        for (const auto& [fd, r] : kernel_) {
            if (!r.always_ready) continue;
            const interest& wanted = watched[r.index];
            unsigned events = (wanted.read ? detail::read_event : 0u) | (wanted.write ? detail::write_event : 0u);
            found.emplace_back(r.index, events);
        }
        std::sort(found.begin(), found.end());
        std::vector<ready> events;
        events.reserve(found.size());
        for (const auto& [index, happened] : found) events.push_back({watched[index].ticket, happened});
        return events;
    }
    // [in_descriptor_order]

    int epfd_ = -1;
    std::unordered_map<int, registration> kernel_;  // what the kernel's interest list holds
    std::vector<epoll_event> got_;
    std::uint64_t pass_ = 0;
    bool rebuild_ = false;
};

}  // namespace

// [epoll_pass]
void epoll_pass(double timeout, channel_map* map) {
    channel_map& channels = map ? *map : socket_map;
    auto& kernel = detail::kernel_interest_access::of(channels);
    if (!kernel) {
        try {
            kernel = std::make_unique<epoll_backend>();
        } catch (const std::system_error& e) {
            // No descriptor left for the epoll instance (EMFILE, ENFILE): this pass is poll()'s,
            // and the next one tries again. A server out of descriptors still serves.
            if (e.code().value() != EMFILE && e.code().value() != ENFILE) throw;
            return poll2(timeout, &channels);
        }
    }
    detail::run_pass(static_cast<epoll_backend&>(*kernel), timeout, &channels);
}
// [epoll_pass]

}  // namespace asyncore
