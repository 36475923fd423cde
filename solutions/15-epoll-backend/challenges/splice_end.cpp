// Challenge 15, a solution: splice_end.
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
    // TODO 1 begin
    return partner_ && !read_done_ && !pipe_full_ && in_pipe_ < capacity_;
    // TODO 1 end
}

bool splice_end::writable() {
    // TODO 2 begin
    return partner_ && (partner_->in_pipe_ > 0 || (partner_->read_done_ && !write_done_));
    // TODO 2 end
}

void splice_end::handle_read() {
    // TODO 3 begin
    // [splice_in]
    if (!partner_) return;
    ssize_t n = ::splice(fileno(), nullptr, pipe_write_, nullptr, capacity_ - in_pipe_, splice_flags);
    if (n > 0) {
        in_pipe_ += static_cast<std::size_t>(n);
    } else if (n == 0) {
        read_done_ = true;  // the partner passes the half-close on once the pipe is drained
        close_if_finished();
    } else if (errno == EAGAIN && in_pipe_ > 0) {
        pipe_full_ = true;  // the socket has data, the pipe no room: wait for the partner
    } else if (errno == ECONNRESET) {
        close_both();
    } else if (errno != EAGAIN && errno != EINTR) {
        throw std::system_error(errno, std::generic_category(), "splice from socket");
    }
    // [splice_in]
    // TODO 3 end
}

void splice_end::handle_write() {
    // TODO 4 begin
    if (!partner_) return;
    if (partner_->in_pipe_ > 0) {
        ssize_t n = ::splice(partner_->pipe_read_, nullptr, fileno(), nullptr, partner_->in_pipe_, splice_flags);
        if (n > 0) {
            partner_->in_pipe_ -= static_cast<std::size_t>(n);
            partner_->pipe_full_ = false;
        } else if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
            close_both();
            return;
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            throw std::system_error(errno, std::generic_category(), "splice to socket");
        }
    }
    // [half_close]
    if (partner_->in_pipe_ == 0 && partner_->read_done_ && !write_done_) {
        shutdown(SHUT_WR);  // the last byte went out: now the half-close
        write_done_ = true;
        close_if_finished();
    }
    // [half_close]
    // TODO 4 end
}

void splice_end::close_if_finished() {
    // TODO 5 begin
    if (partner_ && read_done_ && write_done_ && partner_->read_done_ && partner_->write_done_) close_both();
    // TODO 5 end
}

void splice_end::handle_close() {
    // TODO 6 begin
    close_both();
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
