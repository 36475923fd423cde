/// \file
/// \brief The map of channels a loop watches: Python's `socket_map` dictionary.
#pragma once

#include "asyncore/config.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#if ASYNCORE_CHAPTER >= 12
#include "asyncore/timers.hpp"
#endif

namespace asyncore {

class dispatcher;
#if ASYNCORE_CHAPTER >= 15

/// \cond
namespace detail {
// What a backend keeps in the kernel between passes over one map: the epoll backend's interest
// list (chapter 15, epoll_backend.cpp). The map owns it and tells it when a channel leaves.
class kernel_interest {
public:
    virtual ~kernel_interest() = default;
    // Registration `serial` of `fd` has left the map. Called before close() closes the
    // descriptor: the kernel entry can still be removed (after close() a dup'ed one cannot).
    virtual void forget(int fd, std::uint64_t serial) noexcept = 0;
};
struct kernel_interest_access;
}  // namespace detail
/// \endcond
#endif

/// The channels one loop watches, by file descriptor: Python's `socket_map` dict.
///
/// A dispatcher puts itself in with dispatcher::add_channel() and takes itself out with
/// dispatcher::del_channel() (close() does that). The map never owns a channel you made
/// yourself. From chapter 02 on, it keeps alive, while they are registered, the channels made
/// with asyncore::make(). When such a channel leaves the map, it is destroyed only after the
/// current loop pass: a handler may close its own channel, or another, and the pointers the pass
/// still holds stay valid.
///
/// Not thread-safe: one map belongs to one thread, like the loop that polls it.
/// \chapter{01}
class channel_map {
public:
    // [ticket]
    /// What a pass remembers about an entry between asking `readable()` and dispatching events.
    struct ticket {
        int fd;               ///< The descriptor the entry was filed under.
        dispatcher* channel;  ///< The channel; compared, never followed, until still_holds() agrees.
#if ASYNCORE_CHAPTER >= 7
        std::uint64_t serial;  ///< Which registration this was: fd numbers are reused, serials never.
#endif
        std::uint64_t version;  ///< The map's version when the ticket was taken: see still_holds().
    };
    // [ticket]

    /// An empty map.
    channel_map() = default;
    channel_map(const channel_map&) = delete;
    channel_map& operator=(const channel_map&) = delete;
    /// Forgets every channel (they are not closed) and destroys those the map owned.
    ~channel_map();

    /// True when no channel is registered: loop() stops then.
    bool empty() const noexcept { return entries_.empty(); }
    /// How many channels are registered.
    std::size_t size() const noexcept { return entries_.size(); }
    /// The channel filed under `fd`, or nullptr (Python's `map.get(fd)`).
    dispatcher* get(int fd) const noexcept;

    /// Files `channel` under `fd` (dispatcher::add_channel() calls this).
    void add(int fd, dispatcher& channel);
    /// Takes `channel` out from under `fd`; does nothing if another channel is filed there.
    void remove(int fd, const dispatcher& channel);
    /// Forgets every channel without closing any (Python's `map.clear()`).
    void clear();

    /// Every entry, in descriptor order, as it stands now.
    std::vector<ticket> snapshot() const;
    /// True if `t`'s entry is still in the map, unchanged: the check a pass makes before each event.
    /// Constant time while no entry has left or been replaced since the snapshot (most passes).
    bool still_holds(const ticket& t) const noexcept;

#if ASYNCORE_CHAPTER >= 2
    /// Files `channel` under `fd`, kept alive by `owner` while it is registered: a channel made by
    /// asyncore::make(). \chapter{02}
    void add(int fd, dispatcher& channel, std::shared_ptr<dispatcher> owner);

    // [pass]
    /// While one exists, channels that leave the map are kept alive; poll() makes one per pass.
    /// \chapter{02}
    class pass {
    public:
        /// Starts a pass over `map`.
        explicit pass(channel_map& map) noexcept : map_(map) { ++map_.passes_; }
        /// Ends it; the outermost pass destroys the channels that left the map meanwhile.
        ~pass() {
            if (--map_.passes_ == 0) map_.bury_the_dead();
        }
        pass(const pass&) = delete;
        pass& operator=(const pass&) = delete;

    private:
        channel_map& map_;
    };
    // [pass]
#endif
#if ASYNCORE_CHAPTER >= 12

    /// The timers of the loop over this map (call_later() files them here): each pass over the
    /// map waits no longer than their nearest deadline, and runs the due ones after the
    /// channels' events. \chapter{12}
    timer_queue& timers() noexcept { return timers_; }
#endif

private:
    struct entry {
        dispatcher* channel;
#if ASYNCORE_CHAPTER >= 2
        std::shared_ptr<dispatcher> owner;  // set for a channel made by make()
#endif
#if ASYNCORE_CHAPTER >= 7
        std::uint64_t serial;
#endif
    };

    entry& file(int fd, dispatcher& channel);
    void retire(entry& gone);

    std::map<int, entry> entries_;
    std::uint64_t version_ = 0;  // counts removals and replacements, which may void a ticket
#if ASYNCORE_CHAPTER >= 2
    void bury_the_dead() noexcept;
    std::vector<std::shared_ptr<dispatcher>> departed_;  // owned channels that left during a pass
    int passes_ = 0;
#endif
#if ASYNCORE_CHAPTER >= 7
    std::uint64_t next_serial_ = 0;
#endif
#if ASYNCORE_CHAPTER >= 12
    timer_queue timers_;
#endif
#if ASYNCORE_CHAPTER >= 15
    std::unique_ptr<detail::kernel_interest> kernel_;  // made by the first epoll pass over the map
    friend struct detail::kernel_interest_access;
#endif
};

/// The map every dispatcher and loop() uses unless given another (Python's `asyncore.socket_map`).
/// \chapter{01}
extern channel_map socket_map;

}  // namespace asyncore
