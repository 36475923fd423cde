// Chapter 04 example: a server accepts three visitors, one after the other, and hands each one to
// a handler of its own. A child process plays the visitors with plain blocking sockets.
//
//   $ ./build/bin/greeting_server
#include <asyncore/asyncore.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

namespace {

// [visitor]
// Talks to one client: greets it, reads its name, says goodbye, closes.
class visitor : public asyncore::dispatcher_with_send {
public:
    visitor(asyncore::socket sock, int number) : dispatcher_with_send(std::move(sock)), number_(number) {
        std::cout << "visitor " << number_ << ": greeting them\n";
        send("hello, visitor " + std::to_string(number_) + "! what is your name?\n");
    }

    void handle_read() override {
        name_ += recv(100);
        if (name_.empty() || name_.back() != '\n') return;  // not the whole line yet (or the client left)
        name_.pop_back();
        std::cout << "visitor " << number_ << ": is called " << name_ << ", saying goodbye\n";
        send("goodbye, " + name_ + "\n");  // one short line: it leaves at once
        close();
    }

    void handle_close() override {
        std::cout << "visitor " << number_ << ": left early\n";
        close();
    }

private:
    int number_;
    std::string name_;
};
// [visitor]

// [server]
class greeting_server : public asyncore::dispatcher {
public:
    greeting_server(const std::string& host, int expected) : expected_(expected) {
        create_socket(AF_INET, SOCK_STREAM);
        set_reuse_addr();
        bind(asyncore::address(host, 0));  // port 0: the kernel picks a free port
        listen(5);
        std::cout << "server: listening on " << addr.host() << '\n';
    }

    std::uint16_t port() { return sock().getsockname().port(); }

    void handle_accepted(asyncore::socket sock, const asyncore::address& client) override {
        ++visitors_;
        std::cout << "server: accepted visitor " << visitors_ << " from " << client.host() << '\n';
        asyncore::make<visitor>(std::move(sock), visitors_);  // socket_map keeps it alive
        if (visitors_ == expected_) {
            std::cout << "server: that was the last one; closing the listener\n";
            close();
        }
    }

private:
    int visitors_ = 0;
    int expected_;
};
// [server]

// The child: one visitor after the other, with plain blocking sockets.
void visit(std::uint16_t port, const std::vector<std::string>& names) {
    asyncore::address server("127.0.0.1", port);
    for (const auto& name : names) {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || ::connect(fd, server.data(), server.size()) != 0) _exit(1);
        char buffer[256];
        std::string greeting;
        while (greeting.find('\n') == std::string::npos) {  // the greeting
            ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0) _exit(1);
            greeting.append(buffer, static_cast<std::size_t>(n));
        }
        std::string line = name + "\n";
        ::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
        while (::recv(fd, buffer, sizeof buffer, 0) > 0) {  // the goodbye, then end of file
        }
        ::close(fd);
    }
}

}  // namespace

int main() {
    // [main]
    greeting_server server("127.0.0.1", 3);
    std::uint16_t port = server.port();
    std::cout.flush();  // the child must not inherit lines still waiting in the buffer
    pid_t child = ::fork();
    if (child == 0) {
        visit(port, {"Ada", "Grace", "Edsger"});
        _exit(0);
    }

    asyncore::loop(1.0);  // until the listener and every visitor have closed
    std::cout << "loop() returned: socket_map is empty\n";
    // [main]
    ::waitpid(child, nullptr, 0);
}
