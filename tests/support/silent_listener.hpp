// A peer that never answers a connect: a listening socket on loopback whose queue is full.
// The tests of the programs' --connect-timeout use it (chapters 09 and 10).
#pragma once

#include "harness.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace testing {

// Listens on 127.0.0.1 with listen(0) and nobody accepting, then connects clients of its own
// until one of them stays unanswered: the accept queue is full. From then on Linux drops every
// SYN to this port (it neither answers nor refuses), as a firewall that drops packets, or a host
// that is down, does. A connect to port() stays pending until its own timeout, minutes later.
class silent_listener {
public:
    silent_listener() : listener_(asyncore::socket::create()) {
        listener_.bind(asyncore::address("127.0.0.1", 0));
        listener_.listen(0);
        port_ = listener_.getsockname().port();
        for (int i = 0; i < 16; ++i) {
            fillers_.push_back(asyncore::socket::create());
            int rc = fillers_.back().connect_ex(asyncore::address("127.0.0.1", port_));
            if (rc != 0 && rc != EINPROGRESS) throw std::runtime_error("connect: " + asyncore::strerror(rc));
            // A connect the queue takes completes at once on loopback; one it drops does not.
            if (!wait_fd(fillers_.back().fileno(), POLLOUT, 0.5)) return;
        }
        throw std::runtime_error("silent_listener: 16 connects to a listen(0) socket were all answered");
    }

    std::uint16_t port() const { return port_; }
    std::string port_text() const { return std::to_string(port_); }

private:
    asyncore::socket listener_;
    std::uint16_t port_ = 0;
    std::vector<asyncore::socket> fillers_;
};

}  // namespace testing
