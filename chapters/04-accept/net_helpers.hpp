// Helpers for the tests of chapters 04 and 05 and their exercises: plain client sockets made with
// system calls (so the chapter-04 tests need no connect() from the library), a listening server
// that keeps what it accepts, a port nobody listens on, and a temporary folder for Unix sockets.
// Every wait is bounded.
#pragma once

#include "harness.hpp"

#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <cerrno>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace net {

inline asyncore::address loopback() { return asyncore::address("127.0.0.1", 0); }

// A client socket that has *started* to connect to `where`: non-blocking, so that many clients
// can start at once. It is connected once the kernel finishes the handshake (on loopback, as soon
// as the listener's queue has room, whether or not the server has called accept()).
inline asyncore::socket start_connect(const asyncore::address& where) {
    auto sock = asyncore::socket::create(where.family(), SOCK_STREAM);
    if (::connect(sock.fileno(), where.data(), where.size()) != 0 && errno != EINPROGRESS)
        throw std::runtime_error("test client: connect to " + where.to_string() + ": " + asyncore::strerror(errno));
    return sock;
}

// Waits (bounded) until a socket from start_connect() is connected; throws if it failed.
inline void finish_connect(const asyncore::socket& sock, double seconds = testing::patience) {
    if (!testing::wait_fd(sock.fileno(), POLLOUT, seconds))
        throw std::runtime_error("test client: the connection did not complete in time");
    int err = sock.getsockopt(SOL_SOCKET, SO_ERROR);
    if (err != 0) throw std::runtime_error("test client: connect failed: " + asyncore::strerror(err));
}

// A connected client socket (non-blocking).
inline asyncore::socket connect_to(const asyncore::address& where, double seconds = testing::patience) {
    auto sock = start_connect(where);
    finish_connect(sock, seconds);
    return sock;
}

// The local address of a descriptor: the port the kernel picked for a server bound to port 0.
inline asyncore::address sockname(int fd) {
    sockaddr_storage raw{};
    socklen_t size = sizeof raw;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&raw), &size) != 0)
        throw std::runtime_error("getsockname: " + asyncore::strerror(errno));
    return asyncore::address(reinterpret_cast<sockaddr*>(&raw), size);
}

// The local address of a socket: what the server sees as its peer.
inline asyncore::address local_address(const asyncore::socket& sock) { return sock.getsockname(); }

// What has arrived on `fd` by now, without waiting ("" if nothing has).
inline std::string read_now(int fd) {
    std::string got;
    char buffer[4096];
    ssize_t n;
    while ((n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0) got.append(buffer, static_cast<std::size_t>(n));
    return got;
}

// Sets SO_LINGER to zero, so that close() sends a reset (RST) instead of an orderly end (FIN).
inline void linger_zero(asyncore::socket& sock) {
    linger hard{1, 0};
    ::setsockopt(sock.fileno(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
}

// A listening server for the tests: it keeps every accepted socket with the address
// handle_accepted() was given, and counts handle_accept() calls.
class keeping_server : public asyncore::dispatcher {
public:
    struct accepted_one {
        asyncore::socket sock;
        asyncore::address addr;
    };

    explicit keeping_server(asyncore::channel_map& map, const asyncore::address& where = loopback(),
                            int backlog = 5)
        : dispatcher(&map) {
        create_socket(where.family(), SOCK_STREAM);
        set_reuse_addr();
        bind(where);
        listen(backlog);
    }

    // The address the kernel gave (with the real port, where `addr` still says 0).
    asyncore::address bound() const { return sockname(fileno()); }

    std::vector<accepted_one> accepted;
    int accept_events = 0;

    void handle_accept() override {
        ++accept_events;
        dispatcher::handle_accept();
    }
    void handle_accepted(asyncore::socket sock, const asyncore::address& peer) override {
        accepted.push_back({std::move(sock), peer});
    }
};

// A loopback port with nobody listening: a socket bound to it and never listen()ed. A connect to
// it is refused (RST), and no other program can start listening there while this is held.
struct closed_port {
    asyncore::socket holder = asyncore::socket::create(AF_INET, SOCK_STREAM);
    asyncore::address where;

    closed_port() {
        auto any = loopback();
        if (::bind(holder.fileno(), any.data(), any.size()) != 0)
            throw std::runtime_error("closed_port: bind: " + asyncore::strerror(errno));
        where = holder.getsockname();
    }
};

// A fresh folder under the temporary directory, removed with what it holds at scope exit.
class temp_dir {
public:
    temp_dir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "asyncore-test-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp: " + asyncore::strerror(errno));
        path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

}  // namespace net
