// Chapter 07 example: three relays, each made of two partner channels that forward to each other
// and close each other, end in the three ways a channel ends: the peer closes (end of file), the
// peer resets (ECONNRESET), a handler throws. partners.py is its Python twin; the build checks
// that both print the same lines ("#" lines are C++ only: Python has no such moment).
#include <asyncore/asyncore.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <exception>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

namespace {

// [partner]
// One side of a relay: forwards what it reads to its partner, and ends with it.
class partner : public asyncore::dispatcher {
public:
    partner(asyncore::socket sock, std::string label) : dispatcher(std::move(sock)), name(std::move(label)) {}
    ~partner() override { std::cout << "# " << name << " destroyed, after the pass" << std::endl; }

    const std::string name;
    std::weak_ptr<partner> other;  // weak: neither partner keeps the other alive

    bool writable() override { return false; }

    void handle_read() override {
        std::string data = recv(4096);
        if (data.empty()) return;  // end of file or a reset: recv() has called handle_close() already
        if (data.rfind("bad", 0) == 0) throw std::invalid_argument("bad input");
        auto to = other.lock();
        std::cout << name << ": read '" << data << "', passing it to " << to->name << std::endl;
        to->send(data);
    }

    void handle_close() override {
        if (ended_) {
            std::cout << name << ": closed already, nothing to do" << std::endl;
            return;
        }
        ended_ = true;
        auto to = other.lock();  // still alive: the map destroys closed channels after the pass
        std::cout << name << ": closing, then " << to->name << std::endl;
        close();
        to->handle_close();
    }

    void handle_error() override {
        try {
            throw;  // we are inside the loop's catch block
        } catch (const std::exception& e) {
            std::cout << name << ": error (" << e.what() << "), ending the relay" << std::endl;
        } catch (...) {
            std::cout << name << ": error (not a std::exception), ending the relay" << std::endl;
        }
        handle_close();
    }

private:
    bool ended_ = false;
};
// [partner]

void relay(asyncore::socket first, asyncore::socket second, const std::string& x, const std::string& y) {
    auto a = asyncore::make<partner>(std::move(first), x);  // the map owns both
    auto b = asyncore::make<partner>(std::move(second), y);
    a->other = b;
    b->other = a;
}

void wait_readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 5000);
}

std::pair<asyncore::socket, asyncore::socket> tcp_pair() {
    asyncore::socket listener = asyncore::socket::create(AF_INET, SOCK_STREAM);
    listener.bind(asyncore::address("127.0.0.1", 0));
    listener.listen(1);
    asyncore::socket client = asyncore::socket::create(AF_INET, SOCK_STREAM);
    client.connect_ex(listener.getsockname());  // in progress, on loopback done at once
    wait_readable(listener.fileno());
    auto server = listener.accept();
    if (!server) throw std::runtime_error("tcp_pair: no connection to accept");
    return {std::move(client), std::move(server->first)};
}

std::string recv_some(asyncore::socket& sock) {
    wait_readable(sock.fileno());
    char buffer[100];
    ssize_t n = sock.recv(buffer, sizeof buffer);
    return std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
}

}  // namespace

int main() {
    auto [a1, a1_peer] = asyncore::socket::pair();
    auto [b1, b1_peer] = asyncore::socket::pair();
    auto [a2, a2_peer] = tcp_pair();
    auto [b2, b2_peer] = asyncore::socket::pair();
    auto [a3, a3_peer] = asyncore::socket::pair();
    auto [b3, b3_peer] = asyncore::socket::pair();
    const int a2_fd = a2.fileno();
    relay(std::move(a1), std::move(b1), "a1", "b1");
    relay(std::move(a2), std::move(b2), "a2", "b2");
    relay(std::move(a3), std::move(b3), "a3", "b3");
    std::cout << "channels: " << asyncore::socket_map.size() << std::endl;

    std::cout << "-- a1's peer says hello" << std::endl;
    a1_peer.send("hello", 5);
    asyncore::poll(5.0);
    std::cout << "b1's peer got '" << recv_some(b1_peer) << "'" << std::endl;

    // [same_pass]
    std::cout << "-- in one pass: a1's peer closes, b1's peer sends 'too late'" << std::endl;
    a1_peer.close();
    b1_peer.send("too late", 8);
    asyncore::poll(5.0);
    std::cout << "channels: " << asyncore::socket_map.size() << std::endl;
    // [same_pass]

    std::cout << "-- a2's peer resets the connection" << std::endl;
    linger hard{1, 0};
    ::setsockopt(a2_peer.fileno(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    a2_peer.close();
    wait_readable(a2_fd);  // until the reset has arrived
    asyncore::poll(5.0);
    std::cout << "channels: " << asyncore::socket_map.size() << std::endl;

    std::cout << "-- a3's peer sends bad input" << std::endl;
    a3_peer.send("bad input", 9);
    asyncore::poll(5.0);
    std::cout << "channels: " << asyncore::socket_map.size() << std::endl;
}
