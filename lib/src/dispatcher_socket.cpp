// Chapter 02: the dispatcher gets a socket of its own, and does with it what Python's
// dispatcher does with `self.socket`.
#include "asyncore/dispatcher.hpp"

#include "asyncore/errors.hpp"

#include <cerrno>
#include <system_error>

namespace asyncore {

// [wrap]
dispatcher::dispatcher(socket sock, channel_map* map) : dispatcher(map) {
    sock.set_blocking(false);
    address peer;
    try {
        peer = sock.getpeername();
        connected = true;
    } catch (const std::system_error& e) {
        // A socket reset before we looked has no peer: not an error, just not connected
        // (EINVAL is how macOS says it, bpo-10340). Anything else is a real failure.
        if (e.code().value() != ENOTCONN && e.code().value() != EINVAL) throw;
    }
    set_socket(std::move(sock));
    addr = peer;
}
// [wrap]

void dispatcher::create_socket(int family, int type) { set_socket(socket::create(family, type)); }

// [is_disconnected]
bool is_disconnected(int err) noexcept {
    switch (err) {
    case ECONNRESET: case ENOTCONN: case ESHUTDOWN:
    case ECONNABORTED: case EPIPE: case EBADF:
        return true;
    default:
        return false;
    }
}
// [is_disconnected]

// [send]
std::size_t dispatcher::send(std::string_view data) {
    if (io_ && io_->fileno() < 0) return 0;  // closed: nothing to send on, and its end was told already
    ssize_t sent = io().send(data.data(), data.size());
    if (sent >= 0) return static_cast<std::size_t>(sent);
    int err = errno;
    if (would_block(err)) return 0;  // the socket buffer is full: try again when writable
    if (is_disconnected(err)) {      // the peer is gone: an event, not an error
        handle_close();
        return 0;
    }
    throw_errno(err, "send");
}
// [send]

std::string dispatcher::recv(std::size_t buffer_size) {
    std::string data(buffer_size, '\0');
    data.resize(recv_into(data.data(), data.size()));
    return data;
}

// [recv]
std::size_t dispatcher::recv_into(char* buffer, std::size_t size) {
    if (size == 0) return 0;
    ssize_t got = io().recv(buffer, size);
    if (got > 0) return static_cast<std::size_t>(got);
    if (got == 0) {  // end of file: the peer closed its side
#if ASYNCORE_CHAPTER >= 7
        handle_eof();
#else
        handle_close();
#endif
        return 0;
    }
    int err = errno;
    if (would_block(err)) return 0;  // woken for nothing: asyncore would raise here (bpo-16133)
    if (is_disconnected(err)) {
        handle_close();
        return 0;
    }
    throw_errno(err, "recv");
}
// [recv]

}  // namespace asyncore
