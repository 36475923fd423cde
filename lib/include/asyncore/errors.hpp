/// \file
/// \brief Errors: the errno families the loop cares about, and the exception that stops it.
#pragma once

#include "asyncore/config.hpp"

#include <exception>
#include <string>
#include <system_error>

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

/// What compact_traceback() tells about the exception being handled.
/// \chapter{01}
struct exception_info {
    /// The exception's type (`"std::system_error"`), or empty when no exception is being handled.
    std::string type;
    /// Its `what()`, or empty when it is not a `std::exception`.
    std::string what;
    /// Its code when it is a `std::system_error` (`code.value()` is the errno), else empty.
    std::error_code code;
    /// `"std::system_error: connect: Connection refused"`: the type, then what() if any.
    std::string to_string() const;
};

/// Describes the exception being handled: Python's `asyncore.compact_traceback()`, less the
/// traceback, which C++ does not keep. Call it inside a `catch` block, or in
/// dispatcher::handle_error(), which runs inside one:
///
///     void handle_error() override {
///         if (asyncore::compact_traceback().code == std::errc::connection_refused) retry();
///         else dispatcher::handle_error();
///     }
/// \chapter{01}
exception_info compact_traceback();

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
