// Exercise 06, a solution: your own file_wrapper, and a pipe stream built on it.
#include "pipe_stream.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <string>
#include <system_error>
#include <utility>

namespace {

// Given: a write to a pipe whose reader is gone raises SIGPIPE, which kills the process. Like
// the library's file_wrapper (and Python at startup), ignore it unless the program chose a
// handler: write() then fails with EPIPE, and the dispatcher's send() calls handle_close().
void ignore_sigpipe_if_default() {
    struct sigaction current {};
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) ::signal(SIGPIPE, SIG_IGN);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// pipe_wrapper: yours

pipe_wrapper::pipe_wrapper(int fd) {
    // TODO 1 begin
    // [constructor]
    fd_ = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);  // dup() and close-on-exec in one call
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "dup of fd " + std::to_string(fd));
    saved_flags_ = ::fcntl(fd_, F_GETFL);  // they belong to the open file: the caller's fd shares them
    if (saved_flags_ >= 0) ::fcntl(fd_, F_SETFL, saved_flags_ | O_NONBLOCK);
    // [constructor]
    // TODO 1 end
    ignore_sigpipe_if_default();
}

pipe_wrapper::~pipe_wrapper() {
    // TODO 2 begin
    try {
        close();
    } catch (...) {
        // the descriptor is gone either way
    }
    // TODO 2 end
}

void pipe_wrapper::close() {
    // TODO 3 begin
    // [close]
    int fd = std::exchange(fd_, -1);  // closed from here on, whatever happens below
    if (fd < 0) return;
    if (saved_flags_ >= 0) ::fcntl(fd, F_SETFL, saved_flags_);  // through our duplicate, still open
    if (::close(fd) != 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "close");
    // [close]
    // TODO 3 end
}

ssize_t pipe_wrapper::recv(void* buffer, std::size_t size) noexcept {
    // TODO 4 begin
    return ::read(fd_, buffer, size);
    // TODO 4 end
}

ssize_t pipe_wrapper::send(const void* data, std::size_t size) noexcept {
    // TODO 5 begin
    return ::write(fd_, data, size);
    // TODO 5 end
}

int pipe_wrapper::pending_error() {
    // TODO 6 begin
    return 0;  // no error: the dispatcher's SO_ERROR checks pass, and the event goes on
    // TODO 6 end
}

// ---------------------------------------------------------------------------------------------
// pipe_source: pipe -> socket. Given: the chapter's pipe_in, on your wrapper.

pipe_source::pipe_source(int fd, socket_sink& sink, asyncore::channel_map* map) : pipe_dispatcher(fd, map), sink_(sink) {}

// Backpressure: while the sink is behind, the pipe fills up and its writer waits.
bool pipe_source::readable() { return sink_.connected && sink_.out_buffer.size() < high_water; }

bool pipe_source::writable() { return false; }  // a read end: never wake the loop for writing

void pipe_source::handle_read() {
    std::string data = recv(chunk);  // your recv(); at end of file the dispatcher calls handle_close()
    bytes_streamed += data.size();
    if (!data.empty()) sink_.send(data);
}

void pipe_source::handle_close() {
    close();
    finished = true;
    sink_.close_when_done();  // the bytes still in its out_buffer go out first
}

// ---------------------------------------------------------------------------------------------
// pipe_feeder: text -> pipe. Given.

pipe_feeder::pipe_feeder(int fd, std::string text, asyncore::channel_map* map) : pipe_dispatcher(fd, map) {
    pending_.append(text);
}

bool pipe_feeder::readable() { return false; }  // a write end: nothing to read

bool pipe_feeder::writable() { return !finished; }  // until the write end is closed, even for an empty text

void pipe_feeder::handle_write() {
    if (!pending_.empty()) pending_.consume(send(pending_.front(65536)));  // what the pipe has room for
    if (pending_.empty() && !finished) {
        close();  // our copy of the write end: the reader sees end of file once all are closed
        finished = true;
    }
}

void pipe_feeder::handle_close() {  // your send() failed with EPIPE: the reader has gone
    reader_gone = true;
    close();
    finished = true;
}
