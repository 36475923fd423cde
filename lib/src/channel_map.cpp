#include "asyncore/channel_map.hpp"

#include "asyncore/dispatcher.hpp"

namespace asyncore {

channel_map socket_map;

channel_map::~channel_map() {
#if ASYNCORE_CHAPTER >= 12
    timers_.clear();  // first: a callback may own a channel, whose destructor needs the map whole
#endif
    clear();
#if ASYNCORE_CHAPTER >= 2
    bury_the_dead();
#endif
}

dispatcher* channel_map::get(int fd) const noexcept {
    auto found = entries_.find(fd);
    return found == entries_.end() ? nullptr : found->second.channel;
}

// [add]
void channel_map::add(int fd, dispatcher& channel) { file(fd, channel); }

channel_map::entry& channel_map::file(int fd, dispatcher& channel) {
    auto [at, inserted] = entries_.try_emplace(fd);
    // Python simply overwrites map[fd]. The channel filed there before has lost its place, so it
    // must stop believing it is registered.
    if (!inserted) ++version_;  // tickets for this fd may no longer hold
    if (!inserted && at->second.channel != &channel) retire(at->second);
    at->second = entry{};
    at->second.channel = &channel;
#if ASYNCORE_CHAPTER >= 7
    at->second.serial = ++next_serial_;
#endif
    channel.registered_in_ = this;
    channel.registered_fd_ = fd;
    return at->second;
}
// [add]

void channel_map::remove(int fd, const dispatcher& channel) {
    auto found = entries_.find(fd);
    if (found == entries_.end() || found->second.channel != &channel) return;
    retire(found->second);
    entries_.erase(found);
}

void channel_map::clear() {
    for (auto& [fd, gone] : entries_) retire(gone);
    entries_.clear();
}

std::vector<channel_map::ticket> channel_map::snapshot() const {
    std::vector<ticket> tickets;
    tickets.reserve(entries_.size());
    for (const auto& [fd, e] : entries_) {
#if ASYNCORE_CHAPTER >= 7
        tickets.push_back({fd, e.channel, e.serial, version_});
#else
        tickets.push_back({fd, e.channel, version_});
#endif
    }
    return tickets;
}

// [still_holds]
bool channel_map::still_holds(const ticket& t) const noexcept {
    // Registering a new fd voids no ticket (a ticket's fd was taken); only a removal or a
    // replacement can. Most passes have neither, and then no lookup is needed.
    if (t.version == version_) return true;
    auto found = entries_.find(t.fd);
    if (found == entries_.end() || found->second.channel != t.channel) return false;
#if ASYNCORE_CHAPTER >= 7
    // Same fd and even the same address can come back within one pass: a channel closed, its
    // object freed, a new one accepted on the recycled fd at the recycled address. Only the
    // serial tells the two registrations apart.
    return found->second.serial == t.serial;
#else
    return true;
#endif
}
// [still_holds]

// [retire]
void channel_map::retire(entry& gone) {
    ++version_;
#if ASYNCORE_CHAPTER >= 15
    // A channel leaves before its descriptor closes (close() calls del_channel() first): the
    // epoll interest list can still drop it by descriptor.
    if (kernel_) kernel_->forget(gone.channel->registered_fd_, gone.serial);
#endif
    gone.channel->registered_in_ = nullptr;
#if ASYNCORE_CHAPTER >= 2
    // Never destroy a channel here: its own handler may be running (close() from handle_read).
    if (gone.owner) departed_.push_back(std::move(gone.owner));
#endif
}
// [retire]

}  // namespace asyncore
