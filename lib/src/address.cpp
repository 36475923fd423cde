#include "asyncore/address.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace asyncore {

namespace {

// getaddrinfo with hints; the result is freed however the caller leaves.
std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> lookup(std::string_view host, std::uint16_t port,
                                                          int family, int flags, int* status) {
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    addrinfo* found = nullptr;
    *status = ::getaddrinfo(std::string(host).c_str(), std::to_string(port).c_str(), &hints, &found);
    return {found, &freeaddrinfo};
}

}  // namespace

address::address() noexcept : storage_{} {}

address::address(const sockaddr* raw, socklen_t size) : storage_{} {
    if (size > sizeof storage_) throw std::length_error("asyncore::address: sockaddr too large");
    std::memcpy(&storage_, raw, size);
    size_ = size;
}

address::address(std::string_view host, std::uint16_t port) : storage_{} {
    int status = 0;
    auto found = lookup(host, port, AF_UNSPEC, AI_NUMERICHOST | AI_NUMERICSERV, &status);
    if (status != 0)
        throw std::invalid_argument("not a numeric IP address: '" + std::string(host) + "'");
    *this = address(found->ai_addr, found->ai_addrlen);
}

namespace {

// getaddrinfo() has error codes of its own (EAI_NONAME, ...), not errno values.
class resolver_errors : public std::error_category {
public:
    const char* name() const noexcept override { return "getaddrinfo"; }
    std::string message(int status) const override { return ::gai_strerror(status); }
};

}  // namespace

const std::error_category& resolver_category() noexcept {
    static const resolver_errors category;
    return category;
}

// [resolve]
address address::resolve(std::string_view host, std::uint16_t port, int family) {
    int status = 0;
    auto found = lookup(host, port, family, AI_NUMERICSERV, &status);
    if (status != 0) {
        std::string what = "cannot resolve '" + std::string(host) + "'";
        if (status == EAI_SYSTEM) throw std::system_error(errno, std::system_category(), what);
        throw std::system_error(status, resolver_category(), what);
    }
    return address(found->ai_addr, found->ai_addrlen);
}
// [resolve]

int address::family() const noexcept { return empty() ? AF_UNSPEC : storage_.ss_family; }

std::string address::host() const {
    char text[INET6_ADDRSTRLEN] = "";
    switch (family()) {
    case AF_INET:
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, text, sizeof text);
        return text;
    case AF_INET6:
        ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, text, sizeof text);
        return text;
    case AF_UNIX: {
        const auto* un = reinterpret_cast<const sockaddr_un*>(&storage_);
        std::size_t room = size_ > offsetof(sockaddr_un, sun_path) ? size_ - offsetof(sockaddr_un, sun_path) : 0;
        return std::string(un->sun_path, ::strnlen(un->sun_path, room));
    }
    default:
        return "";
    }
}

std::uint16_t address::port() const noexcept {
    switch (family()) {
    case AF_INET: return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
    case AF_INET6: return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
    default: return 0;
    }
}

std::string address::to_string() const {
    switch (family()) {
    case AF_INET: return host() + ":" + std::to_string(port());
    // Brackets keep the port apart from the colons of the address (RFC 3986).
    case AF_INET6: return "[" + host() + "]:" + std::to_string(port());
    case AF_UNIX: return host();
    case AF_UNSPEC: return "None";
    default: return "<family " + std::to_string(family()) + ">";
    }
}

bool operator==(const address& a, const address& b) noexcept {
    return a.family() == b.family() && a.host() == b.host() && a.port() == b.port();
}

}  // namespace asyncore
