// echo_server [--host HOST] [--port PORT]: the echo server's command line (given).
// Contract: defaults 127.0.0.1 and 8080; --port 0 picks a free port; the first line on stdout,
// flushed at once, is "listening on HOST:PORT".
#include "echo_server.hpp"

#include <getopt.h>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

int usage(int status) {
    (status == 0 ? std::cout : std::cerr) << "usage: echo_server [--host HOST] [--port PORT]\n"
                                             "  --host HOST  address to listen on (default 127.0.0.1)\n"
                                             "  --port PORT  port to listen on, 0 for any free one (default 8080)\n";
    return status;
}

bool parse_port(const char* text, std::uint16_t& port) {
    char* end = nullptr;
    long value = std::strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value < 0 || value > 65535) return false;
    port = static_cast<std::uint16_t>(value);
    return true;
}

}  // namespace

int main(int argc, char* argv[]) {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    const option options[] = {{"host", required_argument, nullptr, 'h'},
                              {"port", required_argument, nullptr, 'p'},
                              {"help", no_argument, nullptr, '?'},
                              {nullptr, 0, nullptr, 0}};
    for (int opt; (opt = ::getopt_long(argc, argv, "", options, nullptr)) != -1;) {
        if (opt == 'h') {
            host = optarg;
        } else if (opt == 'p') {
            if (!parse_port(optarg, port)) {
                std::cerr << "echo_server: not a port number: " << optarg << '\n';
                return usage(2);
            }
        } else {
            return usage(std::string(argv[optind - 1]) == "--help" ? 0 : 2);
        }
    }
    if (optind < argc) {
        std::cerr << "echo_server: unexpected argument: " << argv[optind] << '\n';
        return usage(2);
    }
    try {
        echo_server server(asyncore::address::resolve(host, port));
        std::cout << "listening on " << server.local_address().to_string() << std::endl;
        asyncore::loop();
    } catch (const std::exception& e) {
        std::cerr << "echo_server: " << e.what() << '\n';
        return 1;
    }
}
