// Chapter 03 example: dispatcher_with_send, step by step. Its Python twin is buffered_send.py;
// tools/compare_twins.sh checks that both print the same lines ("#" lines, which show times, aside).
//
// Scene 1: a dispatcher_with_send queues three large messages for a reader that can take one
// 64 KiB slice at a time, and every step prints what moved.
// Scene 2: two idle channels, a plain dispatcher and a dispatcher_with_send, show why writable()
// must say no when there is nothing to send.
//
//   $ ./build/default/bin/buffered_send
#include <asyncore/asyncore.hpp>

#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>

namespace {

// The socket is SOCK_SEQPACKET: each send() arrives as one message, so the reader sees every
// slice the sender passed. SO_SNDBUF is what we ask for; Linux doubles it, which leaves room for
// exactly one 64 KiB slice in flight: the reader is "slow" the same way on every machine.
constexpr int send_buffer_size = 33280;
int pass_number = 0;

void say(const std::string& who, const std::string& text) {
    std::string where = pass_number == 0 ? "setup " : "pass " + std::to_string(pass_number);
    if (pass_number > 0 && pass_number < 10) where += ' ';
    std::cout << where << ' ' << who << ": " << text << '\n';
}

// What a slice holds, letter by letter: 'a' x 18928, 'b' x 46608.
std::string describe(std::string_view data) {
    std::string text;
    for (std::size_t at = 0; at < data.size();) {
        std::size_t run = data.find_first_not_of(data[at], at);
        if (run == std::string_view::npos) run = data.size();
        if (!text.empty()) text += ", ";
        text += "'" + std::string(1, data[at]) + "' x " + std::to_string(run - at);
        at = run;
    }
    return text;
}

// [sender]
class sender : public asyncore::dispatcher_with_send {
public:
    using dispatcher_with_send::dispatcher_with_send;

    void queue(char letter, std::size_t size) {
        std::size_t before = out_buffer.size();
        send(std::string(size, letter));  // into out_buffer, then one slice goes at once if the kernel takes it
        std::size_t left = out_buffer.size();
        say("sender", "send(" + std::to_string(size) + " bytes of '" + letter + "'): " +
                          std::to_string(before + size - left) + " sent at once, " + std::to_string(left) +
                          " wait in out_buffer");
    }

    void handle_write() override {  // the socket has room, and writable() said there is something to send
        std::size_t before = out_buffer.size();
        dispatcher_with_send::handle_write();  // initiate_send(): one slice
        std::size_t left = out_buffer.size();
        say("sender", "handle_write: " + std::to_string(before - left) + " sent, " + std::to_string(left) + " wait");
        if (out_buffer.empty()) {
            say("sender", "out_buffer is empty, so writable() says no from now on; closing");
            close();
        }
    }
};
// [sender]

// [reader]
class reader : public asyncore::dispatcher {
public:
    using dispatcher::dispatcher;

    bool writable() override { return false; }  // it only reads

    void handle_read() override {
        std::string data = recv(70000);  // one message: a SOCK_SEQPACKET recv() never joins two
        if (!data.empty()) {
            ++messages_;
            received_ += data;
            say("reader", "message " + std::to_string(messages_) + ", " + std::to_string(data.size()) +
                              " bytes: " + describe(data));
        }
    }

    void handle_close() override {
        std::string expected = std::string(150000, 'a') + std::string(100000, 'b') + std::string(70000, 'c');
        std::string verdict = received_ == expected ? "all in order" : "NOT what was sent";
        say("reader", "end of file after " + std::to_string(messages_) + " messages, " +
                          std::to_string(received_.size()) + " bytes, " + verdict);
        close();
    }

private:
    std::string received_;
    int messages_ = 0;
};
// [reader]

void scene_slices() {
    std::cout << "scene 1: three messages through a dispatcher_with_send, one 64 KiB slice at a time\n";
    auto [sender_end, reader_end] = asyncore::socket::pair(AF_UNIX, SOCK_SEQPACKET);
    sender_end.setsockopt(SOL_SOCKET, SO_SNDBUF, send_buffer_size);
    // [queue]
    sender out(std::move(sender_end));
    reader in(std::move(reader_end));
    out.queue('a', 150000);
    out.queue('b', 100000);
    out.queue('c', 70000);
    while (!asyncore::socket_map.empty() && pass_number < 100) {
        ++pass_number;
        asyncore::loop(2.0, false, nullptr, 1);  // one pass: read events first, then write events
    }
    // [queue]
    std::cout << "loop() returned: no channel left\n";
}

// [idle]
class plain_counter : public asyncore::dispatcher {  // writable() as inherited: always true
public:
    using dispatcher::dispatcher;
    int writes = 0;
    void handle_write() override { ++writes; }  // nothing to send, but the loop keeps asking
};

class buffered_counter : public asyncore::dispatcher_with_send {  // writable() only while out_buffer has bytes
public:
    using dispatcher_with_send::dispatcher_with_send;
    int writes = 0;
    void handle_write() override {
        ++writes;
        dispatcher_with_send::handle_write();
    }
};

template <class Kind>
std::pair<int, double> count_write_events(long passes, double timeout) {
    asyncore::channel_map channels;
    auto [mine, peer] = asyncore::socket::pair();
    Kind channel(std::move(mine), &channels);
    auto start = std::chrono::steady_clock::now();
    asyncore::loop(timeout, false, &channels, passes);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    channel.close();
    peer.close();
    return {channel.writes, took.count()};
}
// [idle]

template <class Kind>
void report_idle(const std::string& name) {
    auto [writes, took] = count_write_events<Kind>(5, 0.1);
    std::cout << name << ": " << writes << " write events in 5 passes\n";
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", took);
    std::cout << "# " << name << ": the 5 passes took " << seconds << " s\n";
}

void scene_idle() {
    std::cout << "scene 2: channels with nothing to send, 5 passes of loop(timeout=0.1) each\n";
    report_idle<plain_counter>("plain dispatcher");
    report_idle<buffered_counter>("dispatcher_with_send");
}

}  // namespace

int main() {
    scene_slices();
    scene_idle();
}
