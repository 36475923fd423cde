/// \file
/// \brief The loop: poll() waits once and dispatches, loop() polls until the map is empty.
#pragma once

#include "asyncore/channel_map.hpp"
#include "asyncore/config.hpp"
#include "asyncore/dispatcher.hpp"

#include <optional>

namespace asyncore {

/// Delivers a read event: `obj.handle_read_event()`, with any exception but exit_now handed to
/// `obj.handle_error()` (Python's `asyncore.read`). If handle_error() throws in turn, that is
/// logged as an error and the channel closed: nothing but exit_now leaves this function.
/// \chapter{01}
void read(dispatcher& obj);
/// Delivers a write event the same way (Python's `asyncore.write`).
/// \chapter{01}
void write(dispatcher& obj);
/// Delivers an exceptional event the same way (Python's `asyncore._exception`).
/// \chapter{01}
void expt(dispatcher& obj);

/// One pass of the loop with `select()`: ask every channel readable()/writable(), wait at most
/// `timeout` seconds for one of them to be ready, then dispatch every read, then every write,
/// then every exceptional event.
///
/// - An empty map returns at once. A map whose channels want nothing sleeps `timeout`.
/// - A signal that interrupts the wait (`EINTR`) restarts it with the time left.
/// - A channel that left the map, or was replaced, earlier in the pass gets no event.
/// - An exception from readable() or writable() goes to that channel's handle_error(), and the
///   channel is not watched this pass. An exception from handle_error() itself is logged as an
///   error and the channel closed. Either way the other channels carry on.
/// - From chapter 07 on, only a readable channel is watched for exceptional events (urgent
///   data); Python watches every channel it watches at all, and spins on urgent data sent to a
///   channel that only writes.
/// - A descriptor closed behind the library's back (select() fails with `EBADF`) ends its channel
///   with handle_close(), as poll2() does; the pass returns and the loop goes on.
/// - `select()` can only watch descriptors below `FD_SETSIZE` (1024 with glibc). A channel
///   whose descriptor is larger gets a `std::length_error` through its handle_error() instead of
///   a write past the end of an `fd_set`, and the other channels carry on.
#if ASYNCORE_CHAPTER >= 12
/// - From chapter 12 on, the map's timers (channel_map::timers()) bound the wait: no longer than
///   their nearest deadline. The timers due when the channels' events are done run then, last
///   (timer_queue::run_due()). An empty map runs no timer.
#endif
///
/// `timeout` may be infinite (`std::numeric_limits<double>::infinity()`: wait for an event);
/// negative counts as 0.
/// \throws std::system_error if `select()` itself fails (but for `EBADF`, above); exit_now from
/// a handler.
/// \chapter{01}
void poll(double timeout = 0.0, channel_map* map = nullptr);

#if ASYNCORE_CHAPTER >= 11
/// Delivers the events poll() reported for `obj` (its `revents`), in Python's order: read,
/// write, urgent data (`POLLPRI`), then handle_close() for `POLLERR`, `POLLNVAL`, or a
/// `POLLHUP` without `POLLIN`.
///
/// Two deliberate differences from Python's `readwrite()`. A step runs only while `obj` is
/// still registered: a channel that a read closed gets no write event and no second
/// handle_close() (bpo-30985). And a hang-up that comes with data to read is left to recv(),
/// which returns the data and then meets end of file; Python closes at once and drops the
/// data. Any exception but exit_now goes to `obj.handle_error()`, as in the select() backend.
/// \chapter{11}
void readwrite(dispatcher& obj, short flags);

/// One pass of the loop with `poll()` (Python's `asyncore.poll2`): the same contract as poll(),
/// with no `FD_SETSIZE` limit.
///
/// A readable channel is watched for `POLLIN | POLLPRI`, a writable one that is not accepting
/// for `POLLOUT`; a channel that wants neither is not watched. A map whose channels want nothing
/// sleeps `timeout`. Events go to readwrite(); a channel closed earlier in the pass, by itself or
/// another, gets none. Exceptions from readable(), writable() and handle_error() are contained
/// as in poll().
/// \throws std::system_error if `poll()` itself fails; exit_now from a handler.
/// \chapter{11}
void poll2(double timeout = 0.0, channel_map* map = nullptr);
#endif

#if ASYNCORE_CHAPTER >= 15
/// One pass of the loop with Linux's `epoll`: the same contract as poll2(), in O(ready) system
/// work. The map keeps an epoll instance (made by its first epoll pass) whose interest list
/// stays in the kernel between passes.
///
/// - readable() and writable() are still asked every pass, as in every backend (asyncore's
///   contract), but the kernel is told only what changed: a channel added, removed (its
///   close() takes it out while its descriptor is still open), re-filed under a new serial
///   (descriptor reused), or whose answers changed. A channel that wants nothing is taken out
///   of the interest list, so a hang-up cannot wake a loop it does not listen to.
/// - Level-triggered: what is left unread is reported again next pass, as with poll().
/// - Events are delivered channel by channel in descriptor order, the steps as readwrite()
///   takes them (read, write, urgent data, then handle_close() for `EPOLLERR` or an `EPOLLHUP`
///   without `EPOLLIN`). `EPOLLRDHUP` is not asked for: the end of file it announces is
///   already readable (`EPOLLIN`), and a channel that does not read would be woken by it at
///   every pass.
/// - A descriptor the kernel refuses: closed behind the library's back before its channel was
///   first watched (`EBADF`) ends the channel with handle_close(), as `POLLNVAL` does; a regular
///   file (`EPERM`) is reported always ready, as poll() reports it.
/// - An event for a registration that has left (a descriptor closed behind the library's back
///   while a duplicate keeps its file open: the kernel keeps the entry and the library can no
///   longer remove it) is dropped, and the next pass rebuilds the interest list from scratch.
/// \throws std::system_error if `epoll_create1()` or `epoll_wait()` fails; exit_now from a handler.
/// \chapter{15}
void epoll_pass(double timeout = 0.0, channel_map* map = nullptr);

/// The system calls a loop can wait in: loop()'s `use_poll`, with a third answer.
/// \chapter{15}
enum class backend {
    select,  ///< poll(): `select()`, every platform, descriptors below `FD_SETSIZE`
    poll,    ///< poll2(): `poll()`, no descriptor limit, O(channels) per pass in the kernel
    epoll,   ///< epoll_pass(): Linux's `epoll`, O(ready) per pass in the kernel
};

/// loop()'s `use_poll` argument: `false` (`select()`), `true` (`poll()`) as in Python, or a
/// backend, such as `backend::epoll`. Python's flag stays where it was, so every call written
/// for chapter 01 or 11 compiles and means what it meant; `loop(30.0, backend::epoll)` asks for
/// the third.
/// \chapter{15}
class backend_choice {
public:
    /// The backend's enumeration, for code that converts to this type generically.
    using kind = backend;
    /// Python's flag: `true` picks `poll()`, `false` `select()`.
    constexpr backend_choice(bool use_poll) noexcept : which_(use_poll ? backend::poll : backend::select) {}
    /// A backend by name.
    constexpr backend_choice(backend which) noexcept : which_(which) {}
    /// The backend chosen.
    constexpr backend which() const noexcept { return which_; }

private:
    backend which_;
};
#endif

/// Runs poll() passes until `map` is empty, or `count` passes have run.
///
/// `count` (if given) counts passes, not events; 0 or less runs none. `use_poll` picks the
/// `poll()` backend, poll2(), from chapter 11 on; before that, `select()` serves, as Python
/// falls back where `select.poll` is missing.
#if ASYNCORE_CHAPTER >= 15
///
/// From chapter 15 on, `use_poll` may also name a backend (backend_choice): `backend::epoll`
/// runs epoll_pass() passes. A third value of the same argument, rather than a second argument
/// or a setting of the map, because the choice is the loop's, made once where the loop starts,
/// exactly where Python's programs make it: `use_poll=True` keeps its meaning, and a program
/// switches backend by changing one argument. (The map keeps the epoll instance, since the
/// interest list must outlive a pass; a map driven by select() or poll() never makes one.)
#endif
#if ASYNCORE_CHAPTER >= 12
///
/// Timers do not keep the loop running (chapter 12): it ends when the map has no channel left,
/// as Python's does, whatever timers are pending; they run in a later loop() over the map. A
/// pass that wakes for a deadline counts as a pass: `loop(30.0, false, &map, 1)` with a timer
/// due in 0.1 s returns after about 0.1 s, the timer run.
#endif
/// \chapter{01}
#if ASYNCORE_CHAPTER >= 15
void loop(double timeout = 30.0, backend_choice use_poll = false, channel_map* map = nullptr,
          std::optional<long> count = std::nullopt);
#else
void loop(double timeout = 30.0, bool use_poll = false, channel_map* map = nullptr,
          std::optional<long> count = std::nullopt);
#endif

#if ASYNCORE_CHAPTER >= 7
/// Closes every channel in `map` (calling close(), not handle_close()), then empties the map.
///
/// A channel whose close fails with `EBADF` counts as closed. Other errors propagate and leave
/// the map as it is, unless `ignore_all`; exit_now always propagates.
/// \chapter{07}
void close_all(channel_map* map = nullptr, bool ignore_all = false);
#endif

}  // namespace asyncore
