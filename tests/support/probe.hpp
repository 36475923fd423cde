// A channel that records what the loop does to it, for tests of the loop itself.
#pragma once

#include "harness.hpp"

#include <functional>
#include <string>

namespace testing {

class probe : public asyncore::dispatcher {
public:
    probe(asyncore::socket sock, asyncore::channel_map& map, trace& log, std::string name)
        : dispatcher(&map), log_(log), name_(std::move(name)) {
        set_socket(std::move(sock));
    }

    bool wants_read = true;
    bool wants_write = false;
    int readable_calls = 0;
    int writable_calls = 0;
    std::string received;    // bytes read by handle_read
    std::string last_error;  // what() of the exception handle_error saw
    std::function<void()> on_read, on_write, on_expt;

    bool readable() override {
        ++readable_calls;
        return wants_read;
    }
    bool writable() override {
        ++writable_calls;
        return wants_write;
    }
    void handle_read() override {
        log_(name_ + ".read");
        char buffer[4096];
        ssize_t n;
        while ((n = ::recv(fileno(), buffer, sizeof buffer, 0)) > 0) received.append(buffer, static_cast<std::size_t>(n));
        if (on_read) on_read();
    }
    void handle_write() override {
        log_(name_ + ".write");
        if (on_write) on_write();
    }
    void handle_expt() override {
        log_(name_ + ".expt");
        char urgent;
        ::recv(fileno(), &urgent, 1, MSG_OOB);  // consume it, or it stays "exceptional"
        if (on_expt) on_expt();
    }
    void handle_error() override {
        try {
            throw;
        } catch (const std::exception& e) {
            last_error = e.what();
        } catch (...) {
            last_error = "(not a std::exception)";
        }
        log_(name_ + ".error");
        close();
    }
    void handle_close() override {
        log_(name_ + ".close");
        close();
    }

private:
    trace& log_;
    std::string name_;
};

// One probe "c" on a socketpair, in a map of its own, and the socket of its peer.
struct one_channel {
    asyncore::channel_map map;
    trace events;
    std::pair<asyncore::socket, asyncore::socket> pair = socket_pair();
    asyncore::socket& peer = pair.second;
    probe channel{std::move(pair.first), map, events, "c"};
};

}  // namespace testing
