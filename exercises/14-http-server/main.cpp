// http_server [--host HOST] [--port PORT] [--root DIR] [--idle-timeout SECONDS]
// [--max-connections N] [--poll | --epoll] [-q]: the HTTP server's command line (given).
// Contract: defaults 127.0.0.1, 8080 and the current folder; --port 0 picks a free port; the
// first line on stdout, flushed at once, is "listening on HOST:PORT", printed only once the
// server can serve. A full or closed stdout never stops or stalls it
// (chapters/08-echo-server/server_program.hpp). --idle-timeout (default 60 s, 0: never) closes a
// connection idle that long, a kept-alive one included; --max-connections as the echo server's.
#include "http_server.hpp"
#include "server_program.hpp"

#include <getopt.h>

#include <iostream>
#include <string>

namespace {

int usage(int status) {
    (status == 0 ? std::cout : std::cerr)
        << "usage: http_server [--host HOST] [--port PORT] [--root DIR] [--idle-timeout SECONDS]\n"
           "                   [--max-connections N] [--poll | --epoll] [-q]\n"
           "  --host HOST             address to listen on (default 127.0.0.1)\n"
           "  --port PORT             port to listen on, 0 for any free one (default 8080)\n"
           "  --root DIR              the folder whose files are served (default: the current one)\n"
        << server_program::limits_usage(26, "60", 2) << server_program::common_usage(26);
    return status;
}

}  // namespace

int main(int argc, char* argv[]) {
    std::string host = "127.0.0.1", root = ".";
    std::uint16_t port = 8080;
    bool use_poll = false, use_epoll = false, quiet = false;
    http_limits limits;
    bool max_given = false;
    const option options[] = {{"host", required_argument, nullptr, 'h'},
                              {"port", required_argument, nullptr, 'p'},
                              {"root", required_argument, nullptr, 'r'},
                              {"idle-timeout", required_argument, nullptr, 'i'},
                              {"max-connections", required_argument, nullptr, 'm'},
                              {"poll", no_argument, nullptr, 'P'},
                              {"epoll", no_argument, nullptr, 'E'},
                              {"quiet", no_argument, nullptr, 'q'},
                              {"help", no_argument, nullptr, '?'},
                              {nullptr, 0, nullptr, 0}};
    for (int opt; (opt = ::getopt_long(argc, argv, "q", options, nullptr)) != -1;) {
        if (opt == 'h') {
            host = optarg;
        } else if (opt == 'p') {
            if (!server_program::parse_port(optarg, port)) {
                std::cerr << "http_server: not a port number: " << optarg << '\n';
                return usage(2);
            }
        } else if (opt == 'r') {
            root = optarg;
        } else if (opt == 'i') {
            if (!server_program::parse_seconds(optarg, limits.idle_timeout)) {
                std::cerr << "http_server: not a number of seconds: " << optarg << '\n';
                return usage(2);
            }
        } else if (opt == 'm') {
            if (!server_program::parse_count(optarg, limits.max_connections)) {
                std::cerr << "http_server: not a number of connections: " << optarg << '\n';
                return usage(2);
            }
            max_given = true;
        } else if (opt == 'P') {
            use_poll = true;
        } else if (opt == 'E') {
            use_epoll = true;
        } else if (opt == 'q') {
            quiet = true;
        } else {
            return usage(std::string(argv[optind - 1]) == "--help" ? 0 : 2);
        }
    }
    if (optind < argc) {
        std::cerr << "http_server: unexpected argument: " << argv[optind] << '\n';
        return usage(2);
    }
    asyncore::backend_choice backend = false;
    if (!server_program::backend_from_flags("http_server", use_poll, use_epoll, backend)) return usage(2);
    // Each client may hold a second descriptor: the file being sent to it.
    if (!max_given) limits.max_connections = server_program::default_max_connections(2, backend);
    server_program::server_output output;  // from here on, stdout never blocks and never kills
    try {
        http_server server(asyncore::address::resolve(host, port), root, nullptr, output.log(quiet), limits);
        server_program::serve(server, server.local_address(), backend);
    } catch (const std::exception& e) {
        std::cerr << "http_server: " << e.what() << '\n';
        return 1;
    }
}
