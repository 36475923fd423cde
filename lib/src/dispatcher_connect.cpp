// Chapter 05: a client. connect() starts a connection without waiting; the loop finishes it.
#include "asyncore/address.hpp"
#include "asyncore/dispatcher.hpp"

#include "asyncore/errors.hpp"
#include "asyncore/socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string>

namespace asyncore {

// [connect_ex]
int socket::connect_ex(const address& where) noexcept {
    if (::connect(fd_, where.data(), where.size()) == 0) return 0;
    // An interrupted non-blocking connect goes on in the background, exactly like EINPROGRESS.
    return errno == EINTR ? EINPROGRESS : errno;
}
// [connect_ex]

// A Unix-domain address: the other end of a connection on the same machine.
address address::unix_path(std::string_view path) {
    sockaddr_un un{};
    if (path.size() >= sizeof un.sun_path)
        throw std::length_error("Unix socket path longer than " + std::to_string(sizeof un.sun_path - 1) +
                                " bytes: " + std::string(path));
    un.sun_family = AF_UNIX;
    std::memcpy(un.sun_path, path.data(), path.size());
    return address(reinterpret_cast<const sockaddr*>(&un),
                   static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1));
}

// [handle_connect_event]
void dispatcher::handle_connect_event() {
    int err = io().pending_error();
    if (err != 0) throw_errno(err, "connect to " + addr.to_string());
    handle_connect();
    if (!connecting) return;  // handle_connect() closed the channel (close() clears connecting)
    connected = true;
    connecting = false;
}
// [handle_connect_event]

void dispatcher::handle_connect() { log_info("unhandled connect event", "warning"); }

// [connect]
void dispatcher::connect(const address& where) {
    connected = false;
    connecting = true;
    int err = sock().connect_ex(where);
    // Python also waits on EWOULDBLOCK, Windows' word for "in progress". On Linux, EAGAIN means
    // nothing is under way (a Unix socket whose listener's queue is full): waiting for it would
    // report a connection that does not exist, so it is thrown like any other failure.
    if (err == EINPROGRESS || err == EALREADY) {
        addr = where;  // the loop finishes the job: handle_connect_event()
        return;
    }
    if (err == 0 || err == EISCONN) {  // done already (a Unix socket, often)
        addr = where;
        handle_connect_event();
        return;
    }
    throw_errno(err, "connect to " + where.to_string());
}
// [connect]

// [connect_by_name]
void dispatcher::connect(std::string_view host, std::uint16_t port) {
    int family = sock().getsockopt(SOL_SOCKET, SO_DOMAIN);
    connect(address::resolve(host, port, family));
}
// [connect_by_name]

}  // namespace asyncore
