// Chapter 07 test helpers: a channel that records its handler calls, and a way to make the
// kernel's "lowest free descriptor" rule predictable, so that a test can reuse an fd on purpose.
// Shared by the chapter's library tests and by exercise 07 (the chapter folder is on its path).
#pragma once

#include "harness.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <vector>

namespace testing {

// A dispatcher_with_send that records "<name>.<handler>" for every handler the loop calls, and
// lets a test hook code into them. It reads with the library's recv(), so end of file and the
// "peer gone" errors reach handle_close() the way they do in real programs.
class recorder : public asyncore::dispatcher_with_send {
public:
    recorder(asyncore::socket sock, asyncore::channel_map& map, trace& log, std::string label)
        : dispatcher_with_send(std::move(sock), &map), name(std::move(label)), log_(log) {}

    const std::string name;
    bool wants_read = true;    // readable()
    bool wants_write = false;  // writable() even with nothing queued
    std::string received;
    int closes = 0;            // handle_close() calls
    // Run instead of the handler's usual work (reading, sending, reading the urgent byte).
    std::function<void(recorder&)> on_read, on_write, on_expt, on_close;

    bool readable() override { return wants_read; }
    bool writable() override { return wants_write || dispatcher_with_send::writable(); }
    void handle_read() override {
        log_(name + ".read");
        if (on_read)
            on_read(*this);
        else
            received += recv(65536);
    }
    void handle_write() override {
        log_(name + ".write");
        if (on_write)
            on_write(*this);
        else
            dispatcher_with_send::handle_write();
    }
    void handle_expt() override {
        log_(name + ".expt");
        if (on_expt) {
            on_expt(*this);
        } else {
            char urgent;
            if (::recv(fileno(), &urgent, 1, MSG_OOB) == 1) received += urgent;
        }
    }
    void handle_close() override {
        log_(name + ".close");
        ++closes;
        if (on_close) on_close(*this);
        close();
    }

private:
    trace& log_;
};

// While one lives, no descriptor below the highest open one is free: the holes are filled with
// /dev/null. The kernel gives out the lowest free number, so after `close(n)` the next socket,
// pipe or accept() gets exactly `n`: the fd-reuse tests rely on it.
class no_fd_holes {
public:
    no_fd_holes() {
        int highest = 0;
        for (int fd = 0; fd < 1024; ++fd)
            if (::fcntl(fd, F_GETFD) != -1) highest = fd;
        for (;;) {
            int plug = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (plug < 0) throw std::runtime_error("no_fd_holes: open /dev/null failed");
            if (plug > highest) {
                ::close(plug);
                break;
            }
            plugs_.push_back(plug);
        }
    }
    ~no_fd_holes() {
        for (int plug : plugs_) ::close(plug);
    }
    no_fd_holes(const no_fd_holes&) = delete;
    no_fd_holes& operator=(const no_fd_holes&) = delete;

private:
    std::vector<int> plugs_;
};

// Waits until the kernel reports an error or hang-up on `fd` (a reset arrived), at most `seconds`.
inline bool wait_for_error(int fd, double seconds = patience) {
    auto deadline = clock::now() + std::chrono::duration<double>(seconds);
    while (clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 10) > 0 && (p.revents & (POLLERR | POLLHUP))) return true;
    }
    return false;
}

}  // namespace testing
