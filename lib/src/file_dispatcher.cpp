#include "asyncore/file_dispatcher.hpp"

#include "asyncore/errors.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <memory>
#include <utility>

namespace asyncore {

namespace {

// [ignore_sigpipe]
// Leaves a handler the program installed alone; only the default (terminate) is replaced.
void ignore_sigpipe_if_default() {
    static const bool done = [] {
        struct sigaction current {};
        if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL)
            ::signal(SIGPIPE, SIG_IGN);
        return true;
    }();
    (void)done;
}
// [ignore_sigpipe]

void set_nonblocking(int fd) {
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) throw_errno(errno, "fcntl(O_NONBLOCK)");
}

}  // namespace

// [file_wrapper_dup]
file_wrapper::file_wrapper(int fd) : fd_(::fcntl(fd, F_DUPFD_CLOEXEC, 0)) {
    if (fd_ < 0) throw_errno(errno, "dup of fd " + std::to_string(fd));
    ignore_sigpipe_if_default();
}
// [file_wrapper_dup]

file_wrapper::~file_wrapper() {
    try {
        close();
    } catch (...) {
        // The descriptor is gone either way.
    }
}

// [file_wrapper_close]
void file_wrapper::close() {
    int fd = std::exchange(fd_, -1);  // closed from here on, whatever ::close says
    if (fd >= 0 && ::close(fd) != 0 && errno != EINTR) throw_errno(errno, "close");
}
// [file_wrapper_close]

// [file_wrapper_io]
ssize_t file_wrapper::recv(void* buffer, std::size_t size) noexcept { return ::read(fd_, buffer, size); }

ssize_t file_wrapper::send(const void* data, std::size_t size) noexcept { return ::write(fd_, data, size); }

int file_wrapper::getsockopt(int level, int option) const {
    if (level == SOL_SOCKET && option == SO_ERROR) return 0;
    throw_errno(ENOPROTOOPT, "file_wrapper::getsockopt: only (SOL_SOCKET, SO_ERROR) is supported");
}
// [file_wrapper_io]

// [file_dispatcher]
file_dispatcher::file_dispatcher(int fd, channel_map* map) : dispatcher(map) {
    connected = true;
    set_file(fd);
    set_nonblocking(fd);  // shared with our duplicate: both are the same open file
}

void file_dispatcher::set_file(int fd) { set_stream(std::make_unique<file_wrapper>(fd)); }
// [file_dispatcher]

}  // namespace asyncore
