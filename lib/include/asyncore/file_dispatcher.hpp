/// \file
/// \brief Pipes, terminals and other plain descriptors in the loop: Python's `file_dispatcher`.
#pragma once

#include "asyncore/config.hpp"

#include "asyncore/dispatcher.hpp"
#include "asyncore/stream.hpp"

namespace asyncore {

/// A descriptor that is not a socket (a pipe, a terminal), made to look like one: `recv` is
/// `read`, `send` is `write`. Python's `asyncore.file_wrapper`.
///
/// It keeps its own duplicate of the descriptor (`dup`), so closing it leaves yours open, and
/// yours closing leaves it working.
///
/// Writing to a pipe whose reader is gone raises `SIGPIPE`, which kills the process unless
/// handled; unlike `send`, `write` has no flag to prevent it. So the first file_wrapper sets
/// `SIGPIPE` to ignored when it is still at its default, as Python does at startup: writes then
/// fail with `EPIPE`, which the dispatcher turns into handle_close().
/// \chapter{06}
class file_wrapper final : public stream {
public:
    /// Duplicates `fd` (close-on-exec) and owns the duplicate.
    /// \throws std::system_error if `fd` is not open.
    explicit file_wrapper(int fd);
    file_wrapper(const file_wrapper&) = delete;
    file_wrapper& operator=(const file_wrapper&) = delete;
    /// Closes the duplicate, ignoring errors.
    ~file_wrapper() override;

    int fileno() const noexcept override { return fd_; }
    /// Closes the duplicate. It counts as closed even if the kernel reports an error (say, the
    /// descriptor was closed behind this object's back), so a second close() does nothing.
    void close() override;
    /// `read(2)`: returns the count, 0 at end of file, or -1 with `errno` set.
    ssize_t recv(void* buffer, std::size_t size) noexcept override;
    /// `write(2)`: returns the count, or -1 with `errno` set (`EPIPE` when the reader is gone).
    ssize_t send(const void* data, std::size_t size) noexcept override;
    // [pending_error]
    /// Always 0: a file has no pending socket error, and the dispatcher's `SO_ERROR` checks
    /// must pass on files too.
    int pending_error() override { return 0; }
    // [pending_error]
    /// The same as recv(): Python's `file_wrapper.read`.
    ssize_t read(void* buffer, std::size_t size) noexcept { return recv(buffer, size); }
    /// The same as send(): Python's `file_wrapper.write`.
    ssize_t write(const void* data, std::size_t size) noexcept { return send(data, size); }
    /// Answers 0 for `(SOL_SOCKET, SO_ERROR)`, the one option the dispatcher asks a file for.
    /// \throws std::system_error (`ENOPROTOOPT`) for any other option.
    int getsockopt(int level, int option) const;

private:
    int fd_;
};

/// A dispatcher for a pipe, a terminal or another plain descriptor. It starts `connected`
/// (there is no connect step for a pipe) and makes the descriptor non-blocking.
///
/// Mind two things. `O_NONBLOCK` belongs to the open file, not the descriptor: on standard
/// input it is shared with the shell and every other process using the terminal. And a regular
/// file is always "ready" to `select()`, so a loop over one never waits.
/// \chapter{06}
class file_dispatcher : public dispatcher {
public:
    /// Wraps a duplicate of `fd`, registers it in `map`, and makes `fd` non-blocking.
    explicit file_dispatcher(int fd, channel_map* map = nullptr);
    /// Wraps a duplicate of `fd` as this channel's descriptor and registers it.
    void set_file(int fd);
};

}  // namespace asyncore
