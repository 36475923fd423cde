// splice_forwarder -p PORT -P REMOTE_PORT: a loopback port forwarder built on chapter 15's
// challenge solution (solutions/15-epoll-backend/challenges/splice_end.cpp), so that the bench can
// set forwarding through splice(2) beside the copying port_forwarder of chapter 10 and a direct
// connection. A harness, not a course program: loopback only, no flags beyond the two ports, no
// log. Prints "listening on HOST:PORT" (PORT 0: a free one), like the other servers of the bench.
#include "splice_end.hpp"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

namespace {

/// The remote side of a pair: a splice_end that starts by connecting. A connecting socket must
/// be watched for writing whatever its pipe holds, or a remote that speaks first (the bulk
/// source) would never be seen to answer.
class outbound_end : public splice_end {
public:
    using splice_end::splice_end;
    bool writable() override { return connecting || splice_end::writable(); }
    void handle_connect() override {}  // nothing to say: the pair is already linked
};

/// Accepts clients and pairs each with a new connection to the remote.
class splice_listener : public asyncore::dispatcher {
public:
    splice_listener(const asyncore::address& here, asyncore::address remote) : remote_(std::move(remote)) {
        create_socket(AF_INET, SOCK_STREAM);
        set_reuse_addr();
        bind(here);
        listen(128);
    }

    /// Where it listens (the port the kernel chose for port 0).
    asyncore::address here() { return sock().getsockname(); }

    void handle_accepted(asyncore::socket sock, const asyncore::address&) override {
        auto client = asyncore::make<splice_end>(std::move(sock));
        auto server = asyncore::make<outbound_end>(asyncore::socket::create(AF_INET));
        splice_end::pair(*client, *server);
        try {
            server->connect(remote_);
        } catch (const std::exception& e) {
            std::cerr << "splice_forwarder: " << e.what() << '\n';
            server->handle_close();  // closes both ends
        }
    }

private:
    asyncore::address remote_;
};

std::uint16_t port_of(const char* text) {
    long value = std::strtol(text, nullptr, 10);
    return static_cast<std::uint16_t>(value >= 0 && value < 65536 ? value : 0);
}

}  // namespace

int main(int argc, char* argv[]) {
    if (argc != 5 || std::string(argv[1]) != "-p" || std::string(argv[3]) != "-P") {
        std::cerr << "usage: splice_forwarder -p PORT -P REMOTE_PORT   (both on 127.0.0.1)\n";
        return 2;
    }
    try {
        splice_listener listener(asyncore::address::resolve("127.0.0.1", port_of(argv[2])),
                                 asyncore::address::resolve("127.0.0.1", port_of(argv[4])));
        std::cout << "listening on " << listener.here().to_string() << std::endl;
        asyncore::loop(30.0, asyncore::backend::epoll);
    } catch (const std::exception& e) {
        std::cerr << "splice_forwarder: " << e.what() << '\n';
        return 1;
    }
}
