#include "asyncore/socket.hpp"

#include "asyncore/errors.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace asyncore {

socket& socket::operator=(socket&& other) noexcept {
    if (this != &other) {
        close_quietly();
        fd_ = other.release();
    }
    return *this;
}

socket::~socket() { close_quietly(); }

void socket::close_quietly() noexcept {
    try {
        close();
    } catch (...) {
        // Nobody to tell: the descriptor is released either way.
    }
}

void socket::close() {
    int fd = release();  // forget first: a second close() must not hit a reused number
    // Linux releases the descriptor even when close() reports EINTR; retrying could close a
    // descriptor another thread has just been given.
    if (fd >= 0 && ::close(fd) != 0 && errno != EINTR) throw_errno(errno, "close");
}

#if ASYNCORE_CHAPTER >= 2
// [create]
socket socket::create(int family, int type) {
    int fd = ::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw_errno(errno, "socket");
    return socket(fd);
}
// [create]

std::pair<socket, socket> socket::pair(int family, int type) {
    int fds[2];
    if (::socketpair(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) throw_errno(errno, "socketpair");
    return {socket(fds[0]), socket(fds[1])};
}

void socket::set_blocking(bool blocking) {
    int flags = ::fcntl(fd_, F_GETFL);
    if (flags < 0) throw_errno(errno, "fcntl(F_GETFL)");
    flags = blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK;
    if (::fcntl(fd_, F_SETFL, flags) != 0) throw_errno(errno, "fcntl(F_SETFL)");
}

ssize_t socket::recv(void* buffer, std::size_t size) noexcept { return ::recv(fd_, buffer, size, 0); }

// [send_nosignal]
ssize_t socket::send(const void* data, std::size_t size) noexcept {
    return ::send(fd_, data, size, MSG_NOSIGNAL);
}
// [send_nosignal]

// [pending_error]
int socket::pending_error() { return getsockopt(SOL_SOCKET, SO_ERROR); }
// [pending_error]

address socket::getpeername() const {
    sockaddr_storage raw{};
    socklen_t size = sizeof raw;
    if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&raw), &size) != 0) throw_errno(errno, "getpeername");
    return address(reinterpret_cast<sockaddr*>(&raw), size);
}

address socket::getsockname() const {
    sockaddr_storage raw{};
    socklen_t size = sizeof raw;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&raw), &size) != 0) throw_errno(errno, "getsockname");
    return address(reinterpret_cast<sockaddr*>(&raw), size);
}

int socket::getsockopt(int level, int option) const {
    int value = 0;
    socklen_t size = sizeof value;
    if (::getsockopt(fd_, level, option, &value, &size) != 0) throw_errno(errno, "getsockopt");
    return value;
}

void socket::setsockopt(int level, int option, int value) {
    if (::setsockopt(fd_, level, option, &value, sizeof value) != 0) throw_errno(errno, "setsockopt");
}
#endif

#if ASYNCORE_CHAPTER >= 4
// [bind_listen]
void socket::bind(const address& where) {
    if (::bind(fd_, where.data(), where.size()) != 0) throw_errno(errno, "bind " + where.to_string());
}

void socket::listen(int backlog) {
    if (::listen(fd_, backlog) != 0) throw_errno(errno, "listen");
}
// [bind_listen]

// [accept]
namespace {

// A connection that was ready a moment ago may be gone by the time accept() runs. Linux accept(2)
// also asks callers to treat pending network errors of the new connection like EAGAIN.
bool no_connection_after_all(int err) {
    switch (err) {
    case ECONNABORTED: case EPROTO: case ENETDOWN: case ENOPROTOOPT: case EHOSTDOWN:
    case ENONET: case EHOSTUNREACH: case EOPNOTSUPP: case ENETUNREACH: case EINTR:
        return true;
    default:
        return would_block(err);
    }
}

}  // namespace

std::optional<std::pair<socket, address>> socket::accept() {
    sockaddr_storage raw{};
    socklen_t size = sizeof raw;
    // Linux accept() does not pass O_NONBLOCK on to the new socket (BSD does): ask for it.
    int fd = ::accept4(fd_, reinterpret_cast<sockaddr*>(&raw), &size, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) return std::make_pair(socket(fd), address(reinterpret_cast<sockaddr*>(&raw), size));
    if (no_connection_after_all(errno)) return std::nullopt;
    throw_errno(errno, "accept");
}
// [accept]
#endif

#if ASYNCORE_CHAPTER >= 5
// [connect_ex]
int socket::connect_ex(const address& where) noexcept {
    if (::connect(fd_, where.data(), where.size()) == 0) return 0;
    // An interrupted non-blocking connect goes on in the background, exactly like EINPROGRESS.
    return errno == EINTR ? EINPROGRESS : errno;
}
// [connect_ex]
#endif

#if ASYNCORE_CHAPTER >= 7
void socket::shutdown(int how) {
    if (::shutdown(fd_, how) != 0 && errno != ENOTCONN) throw_errno(errno, "shutdown");
}
#endif

}  // namespace asyncore
