// Chapter 02: the socket's system calls, thin wrappers that leave the policy to the dispatcher.
#include "asyncore/socket.hpp"

#include "asyncore/errors.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>

namespace asyncore {

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

}  // namespace asyncore
