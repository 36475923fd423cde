/// \file
/// \brief A socket address: what Python writes as a `(host, port)` tuple.
#pragma once

#include "asyncore/config.hpp"

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace asyncore {

/// An IPv4, IPv6 or Unix-domain socket address, or no address at all.
///
/// Python passes addresses around as tuples, `("127.0.0.1", 8080)`. C++ needs a type that holds
/// any of the `sockaddr` kinds the kernel gives back, so this wraps a `sockaddr_storage`.
/// A default-constructed address is empty, like Python's `addr = None`.
/// \chapter{02}
class address {
public:
    /// No address (Python's `None`).
    address() noexcept;
    /// Copies `size` bytes of a `sockaddr` the kernel filled in.
    address(const sockaddr* raw, socklen_t size);
    /// A numeric IPv4 or IPv6 host and a port: `address("127.0.0.1", 8080)`, `address("::1", 0)`.
    ///
    /// Never looks up a name, so it never blocks; use resolve() for names.
    /// \throws std::invalid_argument if `host` is not a numeric address.
    address(std::string_view host, std::uint16_t port);

    /// Looks `host` up with `getaddrinfo` and returns the first address of `family`
    /// (`AF_UNSPEC`: any).
    ///
    /// This call **blocks** while the resolver works (it may ask a DNS server), so the loop
    /// stops for that long. Resolve before entering loop(), or accept the pause.
    /// \throws std::system_error if the name does not resolve: in resolver_category() with the
    /// `getaddrinfo` status (`EAI_NONAME`, ...), or with the `errno` for `EAI_SYSTEM`.
    static address resolve(std::string_view host, std::uint16_t port, int family = AF_UNSPEC);

#if ASYNCORE_CHAPTER >= 5
    /// A Unix-domain socket path (at most about 107 bytes, the size of `sun_path`).
    /// \throws std::length_error if the path does not fit.
    /// \chapter{05}
    static address unix_path(std::string_view path);
#endif

    /// True when no address is held.
    bool empty() const noexcept { return size_ == 0; }
    /// `AF_INET`, `AF_INET6`, `AF_UNIX`, or `AF_UNSPEC` when empty.
    int family() const noexcept;
    /// The host part: `"127.0.0.1"`, `"::1"`, or the path of a Unix-domain address.
    std::string host() const;
    /// The port, or 0 for Unix-domain addresses.
    std::uint16_t port() const noexcept;
    /// `"127.0.0.1:8080"`, `"[::1]:8080"`, a Unix path, or `"None"` when empty.
    std::string to_string() const;

    /// The raw `sockaddr`, for system calls.
    const sockaddr* data() const noexcept { return reinterpret_cast<const sockaddr*>(&storage_); }
    /// The length of data(), for system calls.
    socklen_t size() const noexcept { return size_; }

    /// Same family, host and port.
    friend bool operator==(const address& a, const address& b) noexcept;
    /// Not operator==.
    friend bool operator!=(const address& a, const address& b) noexcept { return !(a == b); }

private:
    sockaddr_storage storage_;
    socklen_t size_ = 0;
};

/// The error category of `getaddrinfo`'s own status codes (`EAI_NONAME`, `EAI_AGAIN`, ...),
/// which are not `errno` values: `message()` is `gai_strerror()`. address::resolve() throws
/// its errors in it. \chapter{02}
const std::error_category& resolver_category() noexcept;

}  // namespace asyncore
