// Chapter 01 example: two channels on the two ends of a socketpair play ping-pong with a counter.
// The loop does all the waiting; each channel only reacts to "you can read now".
//
//   $ ./build/bin/select_ping_pong
#include <asyncore/asyncore.hpp>

#include <sys/socket.h>

#include <iostream>
#include <string>

namespace {

// [player]
class player : public asyncore::dispatcher {
public:
    player(int fd, std::string name) : name_(std::move(name)) { set_socket(asyncore::socket(fd)); }

    void serve() { pass_ball(1); }

    bool writable() override { return false; }  // we write at once; only reading needs the loop

    void handle_read() override {
        char text[16] = {};
        ssize_t got = ::recv(fileno(), text, sizeof text - 1, 0);
        if (got < 0) return;  // nothing there after all (EAGAIN): a spurious wake-up, not an ending
        if (got == 0) {       // end of file: the other player left, the game is over for us too
            std::cout << name_ << ": the other side closed, closing too\n";
            close();
            return;
        }
        int count = std::stoi(text);
        std::cout << name_ << " got " << count << '\n';
        if (count == 5) {
            close();  // end the game: the other side reads end of file
            return;
        }
        pass_ball(count + 1);
    }

private:
    void pass_ball(int count) {
        std::string text = std::to_string(count);
        ::send(fileno(), text.data(), text.size(), MSG_NOSIGNAL);
    }

    std::string name_;
};
// [player]

}  // namespace

int main() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) return 1;
    // [main]
    player ping(fds[0], "ping");
    player pong(fds[1], "pong");
    ping.serve();
    asyncore::loop(1.0);  // until both players have closed: the map is empty then
    // [main]
    std::cout << "socket_map is empty: loop() returned\n";
}
