// port_forwarder -l LOCAL_IP -p LOCAL_PORT -r REMOTE_IP -P REMOTE_PORT: the port forwarder's
// command line (given). Contract: long forms --local-ip --local-port --remote-ip --remote-port;
// defaults 127.0.0.1, local port 80, remote 127.0.0.1, remote port 80, as in the original Python
// program (whose remote IP had no default). -p 0 picks a free port; the first line on stdout,
// flushed at once, is "listening on HOST:PORT". A bad flag or port: usage on stderr, exit 2.
// A port in use: one line on stderr, exit 1.
#include "forwarder.hpp"

#include <getopt.h>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

int usage(int status) {
    (status == 0 ? std::cout : std::cerr)
        << "usage: port_forwarder [-l LOCAL_IP] [-p LOCAL_PORT] [-r REMOTE_IP] [-P REMOTE_PORT]\n"
           "  -l, --local-ip IP       address to listen on (default 127.0.0.1)\n"
           "  -p, --local-port PORT   port to listen on, 0 for any free one (default 80)\n"
           "  -r, --remote-ip IP      address to forward to (default 127.0.0.1)\n"
           "  -P, --remote-port PORT  port to forward to (default 80)\n";
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
    std::string local_ip = "127.0.0.1", remote_ip = "127.0.0.1";
    std::uint16_t local_port = 80, remote_port = 80;
    const option options[] = {{"local-ip", required_argument, nullptr, 'l'},
                              {"local-port", required_argument, nullptr, 'p'},
                              {"remote-ip", required_argument, nullptr, 'r'},
                              {"remote-port", required_argument, nullptr, 'P'},
                              {"help", no_argument, nullptr, 'h'},
                              {nullptr, 0, nullptr, 0}};
    for (int opt; (opt = ::getopt_long(argc, argv, "l:p:r:P:h", options, nullptr)) != -1;) {
        if (opt == 'l') {
            local_ip = optarg;
        } else if (opt == 'r') {
            remote_ip = optarg;
        } else if (opt == 'p' || opt == 'P') {
            std::uint16_t& port = opt == 'p' ? local_port : remote_port;
            if (!parse_port(optarg, port) || (opt == 'P' && port == 0)) {  // no one listens on port 0
                std::cerr << "port_forwarder: not a port number: " << optarg << '\n';
                return usage(2);
            }
        } else if (opt == 'h') {
            return usage(0);
        } else {
            return usage(2);
        }
    }
    if (optind < argc) {
        std::cerr << "port_forwarder: unexpected argument: " << argv[optind] << '\n';
        return usage(2);
    }
    try {
        auto remote = asyncore::address::resolve(remote_ip, remote_port);
        forwarder server(asyncore::address::resolve(local_ip, local_port), remote);
        std::cout << "listening on " << server.local_address().to_string() << std::endl;
        asyncore::loop();
    } catch (const std::exception& e) {
        std::cerr << "port_forwarder: " << e.what() << '\n';
        return 1;
    }
}
