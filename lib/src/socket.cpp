// Chapter 01: a socket is a descriptor with one owner. Its system calls come with chapter 02
// (socket_io.cpp) and the chapters that use them.
#include "asyncore/socket.hpp"

#include "asyncore/errors.hpp"

#include <unistd.h>

#include <cerrno>

namespace asyncore {

socket& socket::operator=(socket&& other) noexcept {
    if (this != &other) {
        close_quietly();
        fd_ = other.release();
    }
    return *this;
}

socket::~socket() { close_quietly(); }

void socket::close_quietly() noexcept {
    try {
        close();
    } catch (...) {
        // Nobody to tell: the descriptor is released either way.
    }
}

void socket::close() {
    int fd = release();  // forget first: a second close() must not hit a reused number
    // Linux releases the descriptor even when close() reports EINTR; retrying could close a
    // descriptor another thread has just been given.
    if (fd >= 0 && ::close(fd) != 0 && errno != EINTR) throw_errno(errno, "close");
}

}  // namespace asyncore
