// echo_server [--host HOST] [--port PORT] [--poll] [-q]: the echo server's command line (given).
// Contract: defaults 127.0.0.1 and 8080; --port 0 picks a free port; the first line on stdout,
// flushed at once, is "listening on HOST:PORT", printed only once the server can serve. A full
// or closed stdout never stops or stalls it (chapters/08-echo-server/server_program.hpp).
#include "echo_server.hpp"
#include "server_program.hpp"

#include <getopt.h>

#include <iostream>
#include <string>

namespace {

int usage(int status) {
    (status == 0 ? std::cout : std::cerr) << "usage: echo_server [--host HOST] [--port PORT] [--poll] [-q]\n"
                                             "  --host HOST  address to listen on (default 127.0.0.1)\n"
                                             "  --port PORT  port to listen on, 0 for any free one (default 8080)\n"
                                          << server_program::common_usage(15);
    return status;
}

}  // namespace

int main(int argc, char* argv[]) {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    bool use_poll = false, quiet = false;
    const option options[] = {{"host", required_argument, nullptr, 'h'},
                              {"port", required_argument, nullptr, 'p'},
                              {"poll", no_argument, nullptr, 'P'},
                              {"quiet", no_argument, nullptr, 'q'},
                              {"help", no_argument, nullptr, '?'},
                              {nullptr, 0, nullptr, 0}};
    for (int opt; (opt = ::getopt_long(argc, argv, "q", options, nullptr)) != -1;) {
        if (opt == 'h') {
            host = optarg;
        } else if (opt == 'p') {
            if (!server_program::parse_port(optarg, port)) {
                std::cerr << "echo_server: not a port number: " << optarg << '\n';
                return usage(2);
            }
        } else if (opt == 'P') {
            use_poll = true;
        } else if (opt == 'q') {
            quiet = true;
        } else {
            return usage(std::string(argv[optind - 1]) == "--help" ? 0 : 2);
        }
    }
    if (optind < argc) {
        std::cerr << "echo_server: unexpected argument: " << argv[optind] << '\n';
        return usage(2);
    }
    server_program::server_output output;  // from here on, stdout never blocks and never kills
    try {
        echo_server server(asyncore::address::resolve(host, port), nullptr, output.log(quiet));
        server_program::serve(server, server.local_address(), use_poll);
    } catch (const std::exception& e) {
        std::cerr << "echo_server: " << e.what() << '\n';
        return 1;
    }
}
