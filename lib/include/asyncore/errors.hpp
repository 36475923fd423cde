/// \file
/// \brief Errors: the errno families the loop cares about, and the exception that stops it.
#pragma once

#include "asyncore/config.hpp"

#include <exception>
#include <string>

namespace asyncore {

/// Throw this from a handler to leave loop() at once.
///
/// Every other exception a handler throws goes to that channel's dispatcher::handle_error() and
/// the loop goes on; exit_now is the one that propagates, like Python's `asyncore.ExitNow`.
/// \chapter{01}
class exit_now : public std::exception {
public:
    /// A short description of the exception.
    const char* what() const noexcept override;
};

/// True for the errno values that mean "try again later" (`EAGAIN`, `EWOULDBLOCK`).
///
/// POSIX allows the two to differ; asyncore tests only `EWOULDBLOCK`. One helper keeps every
/// caller honest on both.
/// \chapter{01}
bool would_block(int err) noexcept;

#if ASYNCORE_CHAPTER >= 2
/// True for the errno values that mean "the peer is gone" (asyncore's `_DISCONNECTED`):
/// `ECONNRESET`, `ENOTCONN`, `ESHUTDOWN`, `ECONNABORTED`, `EPIPE`, `EBADF`.
///
/// dispatcher::send() and dispatcher::recv() turn these into dispatcher::handle_close() instead
/// of an exception: a peer that leaves is an ordinary event for a server, not an error.
/// \chapter{02}
bool is_disconnected(int err) noexcept;
#endif

/// The text for an errno value, never empty (asyncore's `_strerror`).
/// \chapter{01}
std::string strerror(int err);

/// Throws `std::system_error` for `err` with `what` naming the call that failed.
/// \chapter{01}
[[noreturn]] void throw_errno(int err, const std::string& what);

}  // namespace asyncore
