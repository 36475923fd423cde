// Exercise 06: your own file_wrapper, and a pipe stream built on it. Read
// chapters/06-file-wrapper/README.md first. Check your work with:  ./course check 06
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
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
    // TODO 1 begin: duplicate `fd` into fd_, close-on-exec (fcntl(fd, F_DUPFD_CLOEXEC, 0) does both
    //         at once). If that fails (fd is not open), throw std::system_error(errno,
    //         std::generic_category(), "...") before anything else. Then remember the file's
    //         status flags in saved_flags_ (F_GETFL) and set O_NONBLOCK (F_SETFL) on them.
    (void)fd;
    // TODO 1 end
    ignore_sigpipe_if_default();
}

pipe_wrapper::~pipe_wrapper() {
    // TODO 2 begin: close(), and let no exception out of a destructor.
    // TODO 2 end
}

void pipe_wrapper::close() {
    // TODO 3 begin: close exactly once. Forget the number first (fd_ = -1), so that a second
    //         close() finds nothing to close, even when this one fails: by then the kernel may
    //         have given the number to someone else. Before closing, put the saved status flags
    //         back (F_SETFL), through the duplicate: it is the one descriptor you know is still
    //         open (the caller may have closed theirs). Then ::close() it: a failure other than
    //         EINTR becomes a std::system_error (on Linux the number is gone even then).
    // TODO 3 end
}

ssize_t pipe_wrapper::recv(void* buffer, std::size_t size) noexcept {
    // TODO 4 begin: read(2) on the duplicate, and return exactly what it returned: errno stays as
    //         read() set it (EAGAIN, ...), the dispatcher decides what it means.
    (void)buffer;
    (void)size;
    errno = ENOSYS;
    return -1;
    // TODO 4 end
}

ssize_t pipe_wrapper::send(const void* data, std::size_t size) noexcept {
    // TODO 5 begin: write(2) on the duplicate, returning what it returned (EPIPE when the reader
    //         has gone: the dispatcher turns that into handle_close()).
    (void)data;
    (void)size;
    errno = ENOSYS;
    return -1;
    // TODO 5 end
}

int pipe_wrapper::pending_error() {
    // TODO 6 begin: the dispatcher asks for the pending socket error (SO_ERROR) before it
    //         trusts some events. A pipe has no socket options: getsockopt() on it fails with
    //         ENOTSOCK. What must the answer be so that the dispatcher's checks pass?
    return ENOTSOCK;
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
