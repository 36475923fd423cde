// Chapter 11 example: the same two scenes, one pass each, under select() (loop(..., false))
// and under poll() (loop(..., true)). Its Python twin is event_order.py.
//
//   $ ./build/bin/event_order
#include <asyncore/asyncore.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <utility>

namespace {

// [talker]
// Says which handler ran. Reads if `reads`, is writable if `writes`.
class talker : public asyncore::dispatcher {
public:
    talker(asyncore::socket sock, std::string name, asyncore::channel_map& channels, bool reads = true,
           bool writes = true)
        : dispatcher(std::move(sock), &channels), name_(std::move(name)), reads_(reads), writes_(writes) {}

    bool readable() override { return reads_; }
    bool writable() override { return writes_; }

    void handle_read() override { std::cout << "  " << name_ << ": read " << recv(100) << '\n'; }
    void handle_write() override { std::cout << "  " << name_ << ": write\n"; }
    void handle_close() override {
        std::cout << "  " << name_ << ": close\n";
        close();
    }

private:
    std::string name_;
    bool reads_;
    bool writes_;
};
// [talker]

void send_text(asyncore::socket& peer, const std::string& text) {
    ::send(peer.fileno(), text.data(), text.size(), MSG_NOSIGNAL);
}

// [scenes]
// a and b have data waiting and room to send: in which order do the handlers run?
void two_ready_channels(bool use_poll) {
    asyncore::channel_map channels;
    auto [a_end, a_peer] = asyncore::socket::pair();
    auto [b_end, b_peer] = asyncore::socket::pair();
    talker a(std::move(a_end), "a", channels);
    talker b(std::move(b_end), "b", channels);
    send_text(a_peer, "hi a");
    send_text(b_peer, "hi b");
    asyncore::loop(1.0, use_poll, &channels, 1);
}  // a, b and the peers close here

// c only wants to write, and its peer has closed: who tells c?
void peer_hung_up(bool use_poll) {
    asyncore::channel_map channels;
    auto [c_end, c_peer] = asyncore::socket::pair();
    talker c(std::move(c_end), "c", channels, /*reads=*/false);
    c_peer.close();
    asyncore::loop(1.0, use_poll, &channels, 1);
}
// [scenes]

}  // namespace

// [main]
int main() {
    for (auto [use_poll, backend] : {std::pair{false, "select()"}, std::pair{true, "poll()"}}) {
        std::cout << backend << ", two ready channels:\n";
        two_ready_channels(use_poll);
        std::cout << backend << ", a writer whose peer hung up:\n";
        peer_hung_up(use_poll);
    }
}
// [main]
