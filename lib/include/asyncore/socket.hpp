/// \file
/// \brief A socket descriptor with an owner: closed exactly once, by whoever holds it last.
#pragma once

#include "asyncore/config.hpp"
#include "asyncore/stream.hpp"

#include <utility>

#if ASYNCORE_CHAPTER >= 2
#include "asyncore/address.hpp"

#include <sys/socket.h>

#include <optional>
#endif

namespace asyncore {

/// Owns one socket descriptor: the C++ side of Python's `socket.socket` object.
///
/// Move-only, so exactly one owner closes the descriptor (in close() or the destructor).
/// Python's garbage collector closes forgotten sockets too, but at a time of its choosing;
/// here it happens when the owner goes away.
/// \chapter{01}
class socket final : public stream {
public:
    /// Owns nothing.
    socket() noexcept = default;
    /// Takes ownership of an open descriptor.
    explicit socket(int fd) noexcept : fd_(fd) {}
    /// Takes the descriptor of `other`, which is left empty.
    socket(socket&& other) noexcept : fd_(other.release()) {}
    /// Closes the descriptor held, then takes that of `other`.
    socket& operator=(socket&& other) noexcept;
    /// Closes the descriptor, ignoring errors (a destructor has no one to report them to).
    ~socket() override;

    int fileno() const noexcept override { return fd_; }
    void close() override;
    /// Gives the descriptor up without closing it; the socket is left empty.
    int release() noexcept { return std::exchange(fd_, -1); }

#if ASYNCORE_CHAPTER >= 2
    /// A new non-blocking, close-on-exec socket: `socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC)`.
    ///
    /// Close-on-exec matches Python, whose sockets are not inherited by child processes (PEP 446).
    /// \throws std::system_error if the kernel refuses.
    /// \chapter{02}
    static socket create(int family = AF_INET, int type = SOCK_STREAM);

    /// Two connected, non-blocking, close-on-exec sockets (`socketpair`): the easiest way to get
    /// a conversation without a network, which is why the tests use it everywhere.
    /// \chapter{02}
    static std::pair<socket, socket> pair(int family = AF_UNIX, int type = SOCK_STREAM);

    /// Turns `O_NONBLOCK` off (`true`) or on (`false`).
    /// \chapter{02}
    void set_blocking(bool blocking);

    /// `recv(2)`. Returns the count, 0 at end of stream, or -1 with `errno` set.
    ssize_t recv(void* buffer, std::size_t size) noexcept override;
    /// `send(2)` with `MSG_NOSIGNAL`: a vanished peer gives `EPIPE`, not a process killed by `SIGPIPE`.
    ssize_t send(const void* data, std::size_t size) noexcept override;
    int pending_error() override;

    /// The address of the peer. \throws std::system_error (`ENOTCONN` if there is no peer).
    /// \chapter{02}
    address getpeername() const;
    /// The local address (the port the kernel picked after binding to port 0, say).
    /// \chapter{02}
    address getsockname() const;
    /// `getsockopt` for an integer option. \throws std::system_error.
    /// \chapter{02}
    int getsockopt(int level, int option) const;
    /// `setsockopt` for an integer option. \throws std::system_error.
    /// \chapter{02}
    void setsockopt(int level, int option, int value);
#endif

#if ASYNCORE_CHAPTER >= 4
    /// Binds to `where`. \throws std::system_error (`EADDRINUSE`: the port is taken).
    /// \chapter{04}
    void bind(const address& where);
    /// Starts listening with a queue of `backlog` connections. \throws std::system_error.
    /// \chapter{04}
    void listen(int backlog);
    /// Takes one waiting connection as a non-blocking, close-on-exec socket, with its peer address.
    ///
    /// Returns nothing when no connection is ready after all: `EAGAIN`, or a client that gave up
    /// between the readiness report and this call (`ECONNABORTED`, `EPROTO`, and the network
    /// errors Linux `accept(2)` says to treat the same way).
    /// \throws std::system_error for anything else, `EMFILE` (out of descriptors) among them.
    /// \chapter{04}
    std::optional<std::pair<socket, address>> accept();
#endif

#if ASYNCORE_CHAPTER >= 5
    /// Starts connecting to `where` and returns the errno (0 on success), like Python's `connect_ex`.
    ///
    /// On a non-blocking socket the usual answer is `EINPROGRESS`: the result comes later, as
    /// writability plus `SO_ERROR`. `EINTR` means the same thing and is reported as `EINPROGRESS`.
    /// \chapter{05}
    int connect_ex(const address& where) noexcept;
#endif

#if ASYNCORE_CHAPTER >= 7
    /// Shuts down reading (`SHUT_RD`), writing (`SHUT_WR`) or both (`SHUT_RDWR`), keeping the
    /// descriptor. `ENOTCONN` is ignored: there is nothing left to shut.
    /// \throws std::system_error for other errors.
    /// \chapter{07}
    void shutdown(int how);
#endif

private:
    void close_quietly() noexcept;

    int fd_ = -1;
};

}  // namespace asyncore
