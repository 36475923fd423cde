// Chapter 07: a connection can end one direction at a time. The peer's end of file need not
// end the channel (handle_eof()), and this side can say "no more from me" and keep reading.
#include "asyncore/dispatcher.hpp"
#include "asyncore/dispatcher_with_send.hpp"

#include "asyncore/errors.hpp"
#include "asyncore/socket.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace asyncore {

// [handle_eof]
void dispatcher::handle_eof() { handle_close(); }
// [handle_eof]

void socket::shutdown(int how) {
    if (::shutdown(fd_, how) != 0 && errno != ENOTCONN) throw_errno(errno, "shutdown");
}

// [shutdown]
void dispatcher::shutdown(int how) { sock().shutdown(how); }
// [shutdown]

void dispatcher_with_send::shutdown_when_done() {
    shutdown_pending_ = true;
    shutdown_if_done();
}

void dispatcher_with_send::shutdown_if_done() {
    if (!shutdown_pending_ || !out_buffer.empty() || !connected) return;
    shutdown_pending_ = false;
    shutdown(SHUT_WR);
}

}  // namespace asyncore
