// Chapter 13 example: a protocol on async_chat. A client stores a value on a server and reads
// it back: command lines end with "\r\n", and a value is a count of bytes after its command line
// (it may contain "\r\n" itself). Both sides switch terminators between the two; the server
// sends the value back through a producer, and closes with close_when_done(). The scene runs
// under select() and then under poll(). Its Python twin is put_get.py (asynchat).
//
//   $ ./build/bin/put_get
#include <asyncore/asyncore.hpp>

#include <sys/socket.h>

#include <cstdlib>
#include <deque>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

namespace {

// "\r" and "\n" made visible.
std::string shown(const std::string& text) {
    std::string out;
    for (char c : text) out += c == '\r' ? "\\r" : c == '\n' ? "\\n" : std::string(1, c);
    return out;
}

// [server]
// PUT n, then n bytes: stores a value. GET: sends it back. QUIT: says bye and closes.
class store_server : public asyncore::async_chat {
public:
    store_server(asyncore::socket sock, asyncore::channel_map& channels) : async_chat(std::move(sock), &channels) {
        set_terminator("\r\n");
    }

    void collect_incoming_data(std::string_view data) override { message_ += data; }

    void found_terminator() override {
        std::string message = std::exchange(message_, {});
        if (std::holds_alternative<std::size_t>(get_terminator())) {  // the count ran out: a value
            std::cout << "server: < value '" << shown(message) << "'\n";
            value_ = message;
            set_terminator("\r\n");
            push("stored\r\n");
        } else if (message.rfind("PUT ", 0) == 0) {
            std::size_t size = std::stoul(message.substr(4));
            std::cout << "server: < " << message << ": the next " << size << " bytes are the value\n";
            set_terminator(size);
        } else if (message == "GET") {
            std::cout << "server: < GET: the value goes out through a producer, 4 bytes a chunk\n";
            push("VALUE " + std::to_string(value_.size()) + "\r\n");
            push_with_producer(std::make_unique<asyncore::simple_producer>(value_, 4));
        } else if (message == "QUIT") {
            std::cout << "server: < QUIT\n";
            push("bye\r\n");
            close_when_done();
        } else {
            std::cout << "server: < " << message << '\n';
            push("hi\r\n");
        }
    }

private:
    std::string message_;
    std::string value_;
};
// [server]

// [client]
// Sends one command, waits for its answer, then sends the next.
class store_client : public asyncore::async_chat {
public:
    store_client(asyncore::socket sock, asyncore::channel_map& channels) : async_chat(std::move(sock), &channels) {
        set_terminator("\r\n");
        next_command();
    }

    void collect_incoming_data(std::string_view data) override { reply_ += data; }

    void found_terminator() override {
        std::string reply = std::exchange(reply_, {});
        if (std::holds_alternative<std::size_t>(get_terminator())) {
            std::cout << "client: < value '" << shown(reply) << "'\n";
            set_terminator("\r\n");
        } else if (reply.rfind("VALUE ", 0) == 0) {
            std::size_t size = std::stoul(reply.substr(6));
            std::cout << "client: < " << reply << ": the next " << size << " bytes are the value\n";
            set_terminator(size);
            return;  // the answer is not complete yet
        } else {
            std::cout << "client: < " << reply << '\n';
        }
        next_command();
    }

    void handle_close() override {
        std::cout << "client: the server closed the connection\n";
        close();
    }

private:
    void next_command() {
        if (script_.empty()) return;
        std::string command = script_.front();
        script_.pop_front();
        std::cout << "client: > " << shown(command) << '\n';
        push(command);
    }

    std::deque<std::string> script_{"HELLO\r\n", "PUT 10\r\ntwo\r\nlines", "GET\r\n", "QUIT\r\n"};
    std::string reply_;
};
// [client]

void scene(bool use_poll) {
    asyncore::channel_map channels;
    auto [server_end, client_end] = asyncore::socket::pair();
    store_server server(std::move(server_end), channels);
    store_client client(std::move(client_end), channels);
    asyncore::loop(30.0, use_poll, &channels);
    std::cout << "loop() returned\n";
}

}  // namespace

int main() {
    for (auto [use_poll, backend] : {std::pair{false, "select()"}, std::pair{true, "poll()"}}) {
        std::cout << "# " << backend << '\n';
        scene(use_poll);
    }
}
