// Exercise 01, challenge, a solution: a wake-up from another thread.
#include "waker.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <utility>

waker::waker(asyncore::channel_map& map) : dispatcher(&map) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
        throw std::runtime_error("socketpair failed: " + asyncore::strerror(errno));
    wake_end_ = asyncore::socket(fds[1]);
    set_socket(asyncore::socket(fds[0]));  // the loop watches this end
}

void waker::post(std::function<void()> job) {
    // TODO 1 begin
    // [post]
    {
        std::lock_guard<std::mutex> lock(mutex_);
        jobs_.push_back(std::move(job));
    }
    char byte = 1;
    // EAGAIN: the socket is full of bytes not read yet, and they will wake the loop anyway.
    ::send(wake_end_.fileno(), &byte, 1, MSG_NOSIGNAL);
    // [post]
    // TODO 1 end
}

void waker::handle_read() {
    // TODO 2 begin
    // [handle_read]
    char bytes[256];
    // Every byte: one left behind would wake the next pass for nothing.
    while (::recv(fileno(), bytes, sizeof bytes, 0) > 0) continue;
    std::vector<std::function<void()>> ready;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ready.swap(jobs_);  // a job may post() again: run them with the mutex free
    }
    for (auto& job : ready) job();
    // [handle_read]
    // TODO 2 end
}
