/// \file
/// \brief The interface a dispatcher needs from whatever it wraps.
#pragma once

#include "asyncore/config.hpp"

#include <sys/types.h>

#include <cstddef>

namespace asyncore {

/// What a dispatcher needs from the descriptor it wraps: Python's duck typing, written down.
///
/// Python's `dispatcher` calls `self.socket.recv(...)` and never asks what `self.socket` is, so a
/// `file_wrapper` can stand in for a socket. C++ names the shape: a socket implements it with
/// `recv`/`send`, a file_wrapper (chapter 06) with `read`/`write`.
///
/// The I/O calls are thin: they return what the system call returned and leave `errno` set, so
/// the dispatcher decides what "would block" and "peer gone" mean, in one place.
/// \chapter{01}
// [stream]
class stream {
public:
    virtual ~stream() = default;

    /// The descriptor, or -1 once closed.
    virtual int fileno() const noexcept = 0;

    /// Closes the descriptor. Idempotent: the descriptor is forgotten *before* it is closed, so
    /// a second call can never close a number the kernel has since handed to someone else.
    /// \throws std::system_error if the kernel reports an error (the descriptor is gone anyway).
    virtual void close() = 0;

#if ASYNCORE_CHAPTER >= 2
    /// Reads at most `size` bytes. Returns the count, 0 at end of file, or -1 with `errno` set.
    /// \chapter{02}
    virtual ssize_t recv(void* buffer, std::size_t size) noexcept = 0;

    /// Writes at most `size` bytes. Returns the count, or -1 with `errno` set. Never raises
    /// `SIGPIPE`.
    /// \chapter{02}
    virtual ssize_t send(const void* data, std::size_t size) noexcept = 0;

    /// The pending error of the descriptor (`SO_ERROR`), 0 if none. Reading it clears it.
    /// \chapter{02}
    virtual int pending_error() = 0;
#endif
};
// [stream]

}  // namespace asyncore
