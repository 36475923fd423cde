// Chapter 12 example: deadlines in the loop. Two channels ask their peer a question and wait at
// most 0.3 s for the answer; one peer answers after 0.1 s, the other never does. A heartbeat
// ticks every 0.2 s. The scene runs under select() and then under poll(). Its Python twin is
// deadlines.py, which does the same with asyncore and the standard library's sched.
//
//   $ ./build/bin/deadlines
#include <asyncore/asyncore.hpp>

#include <sys/socket.h>

#include <iostream>
#include <string>
#include <utility>

namespace {

// [asker]
// Asks its peer a question on connection, then waits at most `patience` seconds for the answer.
class asker : public asyncore::dispatcher {
public:
    asker(asyncore::socket sock, std::string name, double patience, asyncore::channel_map& channels)
        : dispatcher(std::move(sock), &channels), name_(std::move(name)) {
        std::cout << name_ << ": asks, and waits at most " << patience << " s\n";
        send("ping\n");
        deadline_ = asyncore::call_later(patience, [this] { give_up(); }, &channels);
    }

    bool writable() override { return false; }

    void handle_read() override {
        std::string answer = recv(100);
        if (answer.empty()) return;  // the peer closed: handle_close() has run
        deadline_.cancel();
        std::cout << name_ << ": got " << answer.substr(0, answer.find('\n')) << ", deadline cancelled\n";
        close();
    }

    void handle_close() override {
        deadline_.cancel();
        close();
    }

private:
    void give_up() {
        std::cout << name_ << ": no answer in time, gives up\n";
        close();
    }

    std::string name_;
    asyncore::timer deadline_;
};
// [asker]

// [heartbeat]
// Says "tick N" every `period` seconds: each tick schedules the next.
void heartbeat(asyncore::channel_map& channels, double period, int n = 1) {
    asyncore::call_later(period, [&channels, period, n] {
        std::cout << "tick " << n << '\n';
        heartbeat(channels, period, n + 1);
    }, &channels);
}
// [heartbeat]

// [scene]
void scene(bool use_poll) {
    asyncore::channel_map channels;
    auto [a_end, a_peer] = asyncore::socket::pair();
    auto [b_end, b_peer] = asyncore::socket::pair();
    asker a(std::move(a_end), "a", 0.3, channels);
    asker b(std::move(b_end), "b", 0.3, channels);
    // a's peer answers after 0.1 s; b's peer never does.
    asyncore::call_later(0.1, [&a_peer = a_peer] { ::send(a_peer.fileno(), "pong\n", 5, MSG_NOSIGNAL); }, &channels);
    heartbeat(channels, 0.2);

    asyncore::loop(30.0, use_poll, &channels);
    std::cout << "loop() returned: no channel left, " << channels.timers().size() << " timer pending\n";
}
// [scene]

}  // namespace

int main() {
    for (auto [use_poll, backend] : {std::pair{false, "select()"}, std::pair{true, "poll()"}}) {
        std::cout << "# " << backend << '\n';
        scene(use_poll);
    }
}
