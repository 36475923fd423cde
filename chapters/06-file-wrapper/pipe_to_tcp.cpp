// Chapter 06 example: a child process writes lines into a pipe, at its own pace. The loop reads
// the pipe with a file_dispatcher and streams the bytes into a TCP connection; at the far end of
// the connection (in the same loop, to keep the demo in one program) a sink prints each line.
//
//   $ ./build/bin/pipe_to_tcp
//
// pipe_to_tcp.py is the same program in Python; both print the same lines.
#include <asyncore/asyncore.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

namespace {

// The receiving end: prints complete lines, and ends the demo when the stream ends.
class sink : public asyncore::dispatcher {
public:
    sink(asyncore::socket sock, asyncore::dispatcher& server) : dispatcher(std::move(sock)), server_(server) {}

    bool writable() override { return false; }
    void handle_read() override {
        std::string data = recv(4096);
        received_ += data.size();
        pending_ += data;
        for (auto end = pending_.find('\n'); end != std::string::npos; end = pending_.find('\n')) {
            std::cout << "sink: " << pending_.substr(0, end) << '\n';
            pending_.erase(0, end + 1);
        }
    }
    void handle_close() override {
        std::cout << "sink: the stream ended after " << received_ << " bytes\n";
        close();
        server_.close();  // one connection is all this demo serves
    }

private:
    asyncore::dispatcher& server_;
    std::string pending_;
    std::size_t received_ = 0;
};

class sink_server : public asyncore::dispatcher {
public:
    sink_server() {
        create_socket(AF_INET, SOCK_STREAM);
        bind(asyncore::address("127.0.0.1", 0));
        listen(1);
    }
    asyncore::address where() { return sock().getsockname(); }
    void handle_accepted(asyncore::socket sock, const asyncore::address&) override {
        asyncore::make<sink>(std::move(sock), *this);
    }
};

// [tcp_out]
// The TCP side of the stream: dispatcher_with_send buffers what the connection cannot take yet.
class tcp_out : public asyncore::dispatcher_with_send {
public:
    explicit tcp_out(const asyncore::address& to) {
        create_socket(AF_INET, SOCK_STREAM);
        connect(to);
    }
    void close_when_done() {
        closing_ = true;
        close_if_done();
    }
    bool readable() override { return false; }  // the sink never answers
    void handle_connect() override { std::cout << "tcp: connected to the sink\n"; }
    void handle_write() override {
        initiate_send();
        close_if_done();
    }

private:
    void close_if_done() {
        if (!closing_ || !out_buffer.empty()) return;
        std::cout << "tcp: everything sent, closing\n";
        close();
    }
    bool closing_ = false;
};
// [tcp_out]

// [pipe_in]
// The pipe side: a file_dispatcher. recv() is read(2) on our duplicate of the pipe's read end.
class pipe_in : public asyncore::file_dispatcher {
public:
    pipe_in(int fd, tcp_out& out) : file_dispatcher(fd), out_(out) {}

    // Read only when the connection is up and not too far behind: the pipe then fills, and the
    // child's write() waits. That is backpressure, for free.
    bool readable() override { return out_.connected && out_.out_buffer.size() < 65536; }
    bool writable() override { return false; }
    void handle_read() override {
        std::string data = recv(4096);
        bytes_read_ += data.size();
        out_.send(data);
    }
    void handle_close() override {  // read() returned 0: every writer has closed the pipe
        std::cout << "pipe: end of file after " << bytes_read_ << " bytes\n";
        close();
        out_.close_when_done();
    }

private:
    tcp_out& out_;
    std::size_t bytes_read_ = 0;
};
// [pipe_in]

void child_writes(int fd) {
    for (int i = 1; i <= 5; ++i) {
        std::string line = std::to_string(i) + " squared is " + std::to_string(i * i) + "\n";
        if (::write(fd, line.data(), line.size()) < 0) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

}  // namespace

int main() {
    int fds[2];
    if (::pipe(fds) != 0) return 1;
    std::cout.flush();
    pid_t child = ::fork();
    if (child == 0) {
        ::close(fds[0]);
        child_writes(fds[1]);
        _exit(0);
    }
    ::close(fds[1]);  // the child holds the only write end: when it exits, we read end of file

    // [main]
    sink_server server;
    tcp_out out(server.where());
    pipe_in in(fds[0], out);
    ::close(fds[0]);   // the channel works on its own duplicate
    asyncore::loop();  // until the pipe, the connection, the sink and the server have all closed
    // [main]

    int status = 0;
    ::waitpid(child, &status, 0);
    std::cout << "the child exited with status " << WEXITSTATUS(status) << '\n';
}
