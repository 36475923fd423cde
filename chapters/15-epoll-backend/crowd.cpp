// Chapter 15 example: a crowd of idle channels and one conversation. 400 channels wait on
// socketpairs whose peers never write; two more play ping-pong three times and close. The loop
// runs epoll passes: the kernel wakes it only for the two talkers, but every pass still asks all
// 402 channels readable() and writable() (asyncore's contract). Its Python twin is crowd.py,
// which runs asyncore's map with a select.epoll pass of its own.
//
//   $ ./build/bin/crowd
#include <asyncore/asyncore.hpp>

#include <sys/socket.h>

#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

// [idle]
// A channel whose peer never writes: it is asked every pass, and never woken.
class idle : public asyncore::dispatcher {
public:
    static inline long asked = 0, woken = 0;
    using dispatcher::dispatcher;
    bool readable() override {
        ++asked;
        return true;
    }
    bool writable() override { return false; }
    void handle_read() override { ++woken; }
};
// [idle]

// Sends "ping N" or answers it with "pong N"; the pinger stops after three rounds.
class talker : public asyncore::dispatcher {
public:
    talker(asyncore::socket sock, std::string name, asyncore::channel_map& channels)
        : dispatcher(std::move(sock), &channels), name_(std::move(name)) {}

    bool writable() override { return false; }

    void handle_read() override {
        std::string said = recv(100);
        if (said.empty()) return;  // the other one closed: handle_close() has run
        std::cout << name_ << ": got " << said << '\n';
        int n = said.back() - '0';
        if (said.rfind("ping", 0) == 0) return (void)send("pong " + std::to_string(n));
        if (n == 3) return close();
        send("ping " + std::to_string(n + 1));
    }

    void handle_close() override {
        std::cout << name_ << ": the other one left\n";
        close();
    }

private:
    std::string name_;
};

}  // namespace

int main() {
    asyncore::channel_map channels;
    std::vector<std::unique_ptr<idle>> crowd;
    std::vector<asyncore::socket> silent_peers;
    for (int i = 0; i < 400; ++i) {
        auto [end, peer] = asyncore::socket::pair();
        crowd.push_back(std::make_unique<idle>(std::move(end), &channels));
        silent_peers.push_back(std::move(peer));
    }
    auto [a_end, b_end] = asyncore::socket::pair();
    talker a(std::move(a_end), "a", channels);
    talker b(std::move(b_end), "b", channels);
    a.send("ping 1");

    // [scene]
    int passes = 0;
    while (channels.size() > crowd.size()) {  // until both talkers have left
        asyncore::loop(1.0, asyncore::backend::epoll, &channels, 1);
        ++passes;
    }
    // [scene]
    std::cout << passes << " passes; the " << crowd.size() << " idle channels were asked readable() "
              << idle::asked << " times and woken " << idle::woken << " times\n";
    asyncore::close_all(&channels);
}
