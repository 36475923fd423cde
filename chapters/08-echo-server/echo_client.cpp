// echo_client [--host HOST] --port PORT [--count N] [--message TEXT]
// Sends N numbered lines to an echo server, prints each line as it comes back, and exits 0 once
// every line came back unchanged (1 if the connection fails or an echo differs).
#include <asyncore/asyncore.hpp>

#include <getopt.h>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

// [client]
class echo_client : public asyncore::dispatcher_with_send {
public:
    echo_client(const asyncore::address& server, std::string message, int count)
        : message_(std::move(message)), count_(count) {
        create_socket(server.family(), SOCK_STREAM);
        connect(server);
    }

    bool ok() const { return echoed_ == count_ && !failed_; }

    void handle_connect() override {
        for (int i = 1; i <= count_; ++i) send(line(i));  // queued; goes out as the socket allows
    }

    void handle_read() override {
        received_ += recv(4096);
        for (auto end = received_.find('\n'); end != std::string::npos; end = received_.find('\n')) {
            std::string echo = received_.substr(0, end + 1);
            received_.erase(0, end + 1);
            failed_ = failed_ || echo != line(++echoed_);
            std::cout << "echo: " << echo.substr(0, echo.size() - 1) << '\n';
        }
        if (echoed_ == count_ || failed_) close();
    }

    void handle_close() override {
        close();  // the server left before echoing everything
    }

    void handle_error() override {
        try {
            throw;
        } catch (const std::exception& e) {
            std::cerr << "echo_client: " << e.what() << '\n';
        }
        failed_ = true;
        close();
    }

private:
    std::string line(int i) const { return message_ + " " + std::to_string(i) + "\n"; }

    std::string message_;
    int count_;
    int echoed_ = 0;
    bool failed_ = false;
    std::string received_;
};
// [client]

int usage() {
    std::cerr << "usage: echo_client [--host HOST] --port PORT [--count N] [--message TEXT]\n";
    return 2;
}

}  // namespace

int main(int argc, char* argv[]) {
    std::string host = "127.0.0.1", message = "hello";
    long port = -1, count = 3;
    const option options[] = {{"host", required_argument, nullptr, 'h'},
                              {"port", required_argument, nullptr, 'p'},
                              {"count", required_argument, nullptr, 'c'},
                              {"message", required_argument, nullptr, 'm'},
                              {nullptr, 0, nullptr, 0}};
    for (int opt; (opt = ::getopt_long(argc, argv, "", options, nullptr)) != -1;) {
        switch (opt) {
        case 'h': host = optarg; break;
        case 'p': port = std::strtol(optarg, nullptr, 10); break;
        case 'c': count = std::strtol(optarg, nullptr, 10); break;
        case 'm': message = optarg; break;
        default: return usage();
        }
    }
    if (port <= 0 || port > 65535 || count < 1 || optind != argc) return usage();
    try {
        echo_client client(asyncore::address::resolve(host, static_cast<std::uint16_t>(port)), message,
                           static_cast<int>(count));
        asyncore::loop(5.0);
        return client.ok() ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "echo_client: " << e.what() << '\n';
        return 1;
    }
}
