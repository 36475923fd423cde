// echo_server [--host HOST] [--port PORT] [--idle-timeout SECONDS] [--max-connections N]
// [--poll | --epoll] [-q]: the echo server's command line (given).
// Contract: defaults 127.0.0.1 and 8080; --port 0 picks a free port; the first line on stdout,
// flushed at once, is "listening on HOST:PORT", printed only once the server can serve. A full
// or closed stdout never stops or stalls it (chapters/08-echo-server/server_program.hpp).
// --idle-timeout (default 300 s, 0: never) closes a client idle that long; --max-connections
// (default 10,000, or what the descriptors allow) closes at once, with a log line, a client past
// it (chapter 12). --poll waits in poll() (chapter 11), --epoll in epoll (chapter 15), not both:
// usage on stderr, exit 2.
#include "command_line.hpp"
#include "echo_server.hpp"

#include <iostream>
#include <string>

namespace {

int usage(int status) {
    (status == 0 ? std::cout : std::cerr)
        << "usage: echo_server [--host HOST] [--port PORT] [--idle-timeout SECONDS] [--max-connections N]\n"
           "                   [--poll | --epoll] [-q]\n"
           "  --host HOST             address to listen on (default 127.0.0.1)\n"
           "  --port PORT             port to listen on, 0 for any free one (default 8080)\n"
        << server_program::limits_usage(26, "300", 1) << server_program::common_usage(26);
    return status;
}

}  // namespace

int main(int argc, char* argv[]) {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    client_limits limits;
    server_program::shared_flags shared;
    auto flags = server_program::server_flags(limits, shared);
    flags.push_back(server_program::text_flag("host", 0, host));
    flags.push_back(server_program::port_flag("port", 0, port));
    if (int status = server_program::parse_flags("echo_server", argc, argv, flags, usage); status >= 0) return status;
    asyncore::backend_choice backend = false;
    if (!server_program::settle_flags("echo_server", shared, 1, limits, backend)) return usage(2);
    server_program::server_output output;  // from here on, stdout never blocks and never kills
    try {
        echo_server server(asyncore::address::resolve(host, port), nullptr, output.log(shared.quiet), limits);
        server_program::serve(server, server.local_address(), backend);
    } catch (const std::exception& e) {
        std::cerr << "echo_server: " << e.what() << '\n';
        return 1;
    }
}
