// Helpers for the course's tests: real sockets and pipes, a loop with a deadline, an event trace.
// Every wait here has a time limit, so a broken implementation fails with a message, not a hang.
#pragma once

#include "backend.hpp"
#include "catch.hpp"

#include <asyncore/asyncore.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace testing {

using clock = std::chrono::steady_clock;

// Seconds a test waits for something that should happen at once on loopback.
constexpr double patience = 5.0;

// Two connected, non-blocking stream sockets (a socketpair), as asyncore::socket objects.
inline std::pair<asyncore::socket, asyncore::socket> socket_pair(int type = SOCK_STREAM) {
    int fds[2];
    if (::socketpair(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
        throw std::runtime_error("socketpair failed");
    return {asyncore::socket(fds[0]), asyncore::socket(fds[1])};
}

// One pass of the loop on the backend under test (see backend.hpp).
inline void poll(double timeout, asyncore::channel_map& map) {
#if ASYNCORE_CHAPTER >= 15
    if (use_epoll()) return asyncore::epoll_pass(timeout, &map);
#endif
#if ASYNCORE_CHAPTER >= 11
    if (use_poll) return asyncore::poll2(timeout, &map);
#endif
    asyncore::poll(timeout, &map);
}

// Runs one-pass loops until `done()` is true or `seconds` pass. Returns done().
inline bool run_until(asyncore::channel_map& map, const std::function<bool()>& done, double seconds = patience,
                      double pass_timeout = 0.01) {
    auto deadline = clock::now() + std::chrono::duration<double>(seconds);
    while (!done()) {
        if (clock::now() >= deadline) return false;
        if (map.empty()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            continue;
        }
        asyncore::loop(pass_timeout, use_poll, &map, 1);
    }
    return true;
}

// Waits until `fd` is ready for `events` (POLLIN, POLLOUT), at most `seconds`.
inline bool wait_fd(int fd, short events, double seconds = patience) {
    pollfd p{fd, events, 0};
    int ms = static_cast<int>(seconds * 1000);
    int n;
    do n = ::poll(&p, 1, ms);
    while (n < 0 && errno == EINTR);
    return n > 0;
}

// Writes all of `data` to a (possibly non-blocking) descriptor, waiting for room; bounded in time.
inline void write_all(int fd, std::string_view data, double seconds = patience) {
    auto deadline = clock::now() + std::chrono::duration<double>(seconds);
    while (!data.empty()) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK) n = ::write(fd, data.data(), data.size());
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (clock::now() >= deadline) throw std::runtime_error("write_all: peer stopped reading");
            wait_fd(fd, POLLOUT, 0.1);
        } else {
            throw std::runtime_error("write_all failed: " + asyncore::strerror(errno));
        }
    }
}

// Reads from `fd` until end of file, `limit` bytes, or `seconds` pass.
inline std::string read_some(int fd, std::size_t limit, double seconds = patience) {
    std::string got;
    auto deadline = clock::now() + std::chrono::duration<double>(seconds);
    char buffer[65536];
    while (got.size() < limit && clock::now() < deadline) {
        ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, limit - got.size()));
        if (n > 0) {
            got.append(buffer, static_cast<std::size_t>(n));
        } else if (n == 0) {
            break;
        } else if (errno == EAGAIN || errno == EINTR) {
            wait_fd(fd, POLLIN, 0.05);
        } else {
            break;
        }
    }
    return got;
}

// True if `fd` is at end of file (the peer closed), within `seconds`.
inline bool at_eof(int fd, double seconds = patience) {
    if (!wait_fd(fd, POLLIN, seconds)) return false;
    char c;
    return ::recv(fd, &c, 1, MSG_PEEK) == 0;
}

// True once the other end of `fd` is gone: end of file, or a reset. A TCP socket closed with
// unread data in its receive queue sends a reset instead of a FIN (RFC 1122 4.2.2.13).
inline bool peer_gone(int fd, double seconds = patience) {
    if (!wait_fd(fd, POLLIN, seconds)) return false;
    char c;
    ssize_t n = ::recv(fd, &c, 1, MSG_PEEK);
    return n == 0 || (n < 0 && errno == ECONNRESET);
}

// A list of what happened, in order; compared whole in the tests.
struct trace {
    std::vector<std::string> events;
    void operator()(std::string event) { events.push_back(std::move(event)); }
    std::size_t count(const std::string& event) const {
        std::size_t n = 0;
        for (const auto& e : events) n += e == event;
        return n;
    }
};

// Captures what is written to std::cout and std::cerr while it lives.
class captured_output {
public:
    captured_output() : old_out_(std::cout.rdbuf(out_.rdbuf())), old_err_(std::cerr.rdbuf(err_.rdbuf())) {}
    ~captured_output() {
        std::cout.rdbuf(old_out_);
        std::cerr.rdbuf(old_err_);
    }
    captured_output(const captured_output&) = delete;
    captured_output& operator=(const captured_output&) = delete;
    std::string out() const { return out_.str(); }
    std::string err() const { return err_.str(); }

private:
    std::ostringstream out_, err_;
    std::streambuf* old_out_;
    std::streambuf* old_err_;
};

// A descriptor closed at scope exit (for pipes and raw sockets the tests hold).
class fd_guard {
public:
    explicit fd_guard(int fd = -1) : fd_(fd) {}
    ~fd_guard() {
        if (fd_ >= 0) ::close(fd_);
    }
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    fd_guard(fd_guard&& other) noexcept : fd_(other.release()) {}
    fd_guard& operator=(fd_guard&& other) noexcept {
        if (this != &other) {
            if (fd_ >= 0) ::close(fd_);
            fd_ = other.release();
        }
        return *this;
    }
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

private:
    int fd_;
};

// A pipe: [0] reads, [1] writes; both close-on-exec, blocking.
struct pipe_fds {
    fd_guard read_end, write_end;
};
inline pipe_fds make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    return {fd_guard(fds[0]), fd_guard(fds[1])};
}

}  // namespace testing

namespace testing {

// A connected TCP pair on 127.0.0.1, built with plain system calls so that it works on every
// snapshot (the library learns bind/listen/accept only in chapter 04). Both ends non-blocking.
inline std::pair<asyncore::socket, asyncore::socket> tcp_pair() {
    auto fail = [](const char* what) { throw std::runtime_error(std::string("tcp_pair: ") + what + ": " +
                                                                asyncore::strerror(errno)); };
    fd_guard listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in where{};
    where.sin_family = AF_INET;
    where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof where;
    if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&where), size) != 0) fail("bind");
    if (::listen(listener.get(), 1) != 0) fail("listen");
    if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&where), &size) != 0) fail("getsockname");
    fd_guard client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (::connect(client.get(), reinterpret_cast<sockaddr*>(&where), size) != 0) fail("connect");
    fd_guard server(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (server.get() < 0) fail("accept");
    for (int fd : {client.get(), server.get()}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return {asyncore::socket(client.release()), asyncore::socket(server.release())};
}

// Makes the peer of `fd` see a reset: SO_LINGER with a zero timeout turns close() into an RST.
inline void close_with_reset(asyncore::socket& sock) {
    linger hard{1, 0};
    ::setsockopt(sock.fileno(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    sock.close();
}

}  // namespace testing
