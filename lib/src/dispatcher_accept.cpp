// Chapter 04: a server. A listening socket, and the read event that means "a connection waits".
#include "asyncore/dispatcher.hpp"

#include "asyncore/errors.hpp"
#include "asyncore/socket.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <system_error>

#if ASYNCORE_CHAPTER >= 7
#include "spare_descriptor.hpp"
#endif

namespace asyncore {

// [bind_listen]
void socket::bind(const address& where) {
    if (::bind(fd_, where.data(), where.size()) != 0) throw_errno(errno, "bind " + where.to_string());
}

void socket::listen(int backlog) {
    if (::listen(fd_, backlog) != 0) throw_errno(errno, "listen");
}
// [bind_listen]

// [socket_accept]
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
// [socket_accept]

// [server_setup]
void dispatcher::set_reuse_addr() {
    try {
        sock().setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    } catch (const std::system_error&) {
        // As in Python: without the option the server still works, it just may not rebind at once.
    }
}

void dispatcher::bind(const address& where) {
    addr = where;
    sock().bind(where);
}

void dispatcher::listen(int backlog) {
    accepting = true;
    sock().listen(backlog);
#if ASYNCORE_CHAPTER >= 7
    detail::keep_spare_descriptor();  // for accept(), the day the process runs out of descriptors
#endif
}
// [server_setup]

// [accept]
std::optional<std::pair<socket, address>> dispatcher::accept() {
#if ASYNCORE_CHAPTER >= 7
    try {
        return sock().accept();
    } catch (const std::system_error& e) {
        int err = e.code().value();
        if ((err != EMFILE && err != ENFILE) || !detail::shed_one_connection(fileno())) throw;
        log_info("accept: " + strerror(err) + ": closed a waiting connection", "error");
        return std::nullopt;  // the server goes on; Python raises, and its listener closes
    }
#else
    return sock().accept();
#endif
}
// [accept]

// [handle_accept]
void dispatcher::handle_accept() {
    if (auto pair = accept()) handle_accepted(std::move(pair->first), pair->second);
}

void dispatcher::handle_accepted(socket sock, const address&) {
    sock.close();
    log_info("unhandled accepted event", "warning");
}
// [handle_accept]

}  // namespace asyncore
