// The dispatcher's socket operations: what Python's dispatcher does with `self.socket`.
#include "asyncore/dispatcher.hpp"

#include "asyncore/errors.hpp"
#include "spare_descriptor.hpp"

#include <cerrno>
#include <system_error>

namespace asyncore {

#if ASYNCORE_CHAPTER >= 2
void dispatcher::create_socket(int family, int type) { set_socket(socket::create(family, type)); }

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
#endif

// [close]
void dispatcher::close() {
#if ASYNCORE_CHAPTER >= 2
    connected = false;
#endif
#if ASYNCORE_CHAPTER >= 4
    accepting = false;
#endif
#if ASYNCORE_CHAPTER >= 5
    connecting = false;
#endif
    del_channel();
    if (!io_) return;
    try {
        io_->close();
    } catch (const std::system_error& e) {
        // Already gone is as good as closed; anything else is worth hearing about.
        if (e.code().value() != ENOTCONN && e.code().value() != EBADF) throw;
    }
}
// [close]

#if ASYNCORE_CHAPTER >= 4
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
#endif

#if ASYNCORE_CHAPTER >= 5
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
#endif

#if ASYNCORE_CHAPTER >= 7
// [shutdown]
void dispatcher::shutdown(int how) { sock().shutdown(how); }
// [shutdown]
#endif

}  // namespace asyncore
