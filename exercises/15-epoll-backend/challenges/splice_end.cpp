// Challenge 15 (optional): write the TODOs of splice_end (see splice_end.hpp).
// Check with ./course check 15 --challenges.
#include "splice_end.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <system_error>
#include <utility>

namespace {

void ignore_sigpipe_if_default() {
    struct sigaction current {};
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) ::signal(SIGPIPE, SIG_IGN);
}

}  // namespace

splice_end::splice_end(asyncore::socket sock, asyncore::channel_map* map) : dispatcher(std::move(sock), map) {
    ignore_sigpipe_if_default();
    int fds[2];
    if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
    pipe_read_ = fds[0];
    pipe_write_ = fds[1];
    ::fcntl(pipe_write_, F_SETPIPE_SZ, static_cast<int>(requested_pipe_size));  // a smaller one is fine too
    int size = ::fcntl(pipe_write_, F_GETPIPE_SZ);
    capacity_ = size > 0 ? static_cast<std::size_t>(size) : 4096;
}

splice_end::~splice_end() {
    if (partner_) partner_->partner_ = nullptr;
    ::close(pipe_read_);
    ::close(pipe_write_);
}

void splice_end::pair(splice_end& a, splice_end& b) noexcept {
    a.partner_ = &b;
    b.partner_ = &a;
}

bool splice_end::readable() {
    // TODO 1 begin: yes while paired, before end of file, and while the pipe has room
    //               (in_pipe_ below capacity_, and pipe_full_ not set).
    return false;
    // TODO 1 end
}

bool splice_end::writable() {
    // TODO 2 begin: yes while paired and the partner's pipe holds bytes, or once it is
    //               drained after the partner read end of file, until the half-close is sent.
    return false;
    // TODO 2 end
}

void splice_end::handle_read() {
    // TODO 3 begin: splice(2) from fileno() into pipe_write_, at most the room left, with
    //               splice_flags. n > 0: count it in in_pipe_. 0: end of file (read_done_, then
    //               close_if_finished()). EAGAIN with bytes in the pipe: no room (pipe_full_).
    //               ECONNRESET: close_both(). Any other error: throw std::system_error.
    // TODO 3 end
}

void splice_end::handle_write() {
    // TODO 4 begin: splice(2) the partner's pipe (partner_->pipe_read_) into fileno() and
    //               take what went out off partner_->in_pipe_ (the pipe has room again). EPIPE
    //               or ECONNRESET: close_both(). Once the pipe is empty and the partner read end
    //               of file: shutdown(SHUT_WR) once, write_done_, close_if_finished().
    // TODO 4 end
}

void splice_end::close_if_finished() {
    // TODO 5 begin: close_both() when both ends read end of file and both shut down.
    // TODO 5 end
}

void splice_end::handle_close() {
    // TODO 6 begin: a reset or a hang-up: nothing more can go either way.
    // TODO 6 end
}

void splice_end::handle_error() { close_both(); }

void splice_end::close_both() {
    if (splice_end* other = std::exchange(partner_, nullptr)) {
        other->partner_ = nullptr;
        other->close();
    }
    close();
}
