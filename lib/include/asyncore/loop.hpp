/// \file
/// \brief The loop: poll() waits once and dispatches, loop() polls until the map is empty.
#pragma once

#include "asyncore/channel_map.hpp"
#include "asyncore/config.hpp"
#include "asyncore/dispatcher.hpp"

#include <optional>

namespace asyncore {

/// Delivers a read event: `obj.handle_read_event()`, with any exception but exit_now handed to
/// `obj.handle_error()` (Python's `asyncore.read`).
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
/// - `select()` can only watch descriptors below `FD_SETSIZE` (1024 with glibc). A channel
///   whose descriptor is larger gets a `std::length_error` through its handle_error() instead of
///   a write past the end of an `fd_set`, and the other channels carry on.
///
/// `timeout` may be infinite (`std::numeric_limits<double>::infinity()`: wait for an event);
/// negative counts as 0.
/// \throws std::system_error if `select()` itself fails; exit_now from a handler.
/// \chapter{01}
void poll(double timeout = 0.0, channel_map* map = nullptr);

/// Runs poll() passes until `map` is empty, or `count` passes have run.
///
/// `count` (if given) counts passes, not events; 0 or less runs none. `use_poll` picks the
/// `poll()` backend once the library has it (chapter 11); before that, `select()` serves, as
/// Python falls back where `select.poll` is missing.
/// \chapter{01}
void loop(double timeout = 30.0, bool use_poll = false, channel_map* map = nullptr,
          std::optional<long> count = std::nullopt);

#if ASYNCORE_CHAPTER >= 7
/// Closes every channel in `map` (calling close(), not handle_close()), then empties the map.
///
/// A channel whose close fails with `EBADF` counts as closed. Other errors propagate and leave
/// the map as it is, unless `ignore_all`; exit_now always propagates.
/// \chapter{07}
void close_all(channel_map* map = nullptr, bool ignore_all = false);
#endif

}  // namespace asyncore
