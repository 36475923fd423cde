// http_server [--host HOST] [--port PORT] [--root DIR] [--idle-timeout SECONDS]
// [--max-connections N] [--poll | --epoll] [-q]: the HTTP server's command line (given).
// Contract: defaults 127.0.0.1, 8080 and the current folder; --port 0 picks a free port; the
// first line on stdout, flushed at once, is "listening on HOST:PORT", printed only once the
// server can serve. A full or closed stdout never stops or stalls it
// (chapters/08-echo-server/server_program.hpp). --idle-timeout (default 60 s, 0: never) closes a
// connection idle that long, a kept-alive one included; --max-connections as the echo server's.
#include "command_line.hpp"
#include "http_server.hpp"

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
    http_limits limits;
    server_program::shared_flags shared;
    auto flags = server_program::server_flags(limits, shared);
    flags.push_back(server_program::text_flag("host", 0, host));
    flags.push_back(server_program::port_flag("port", 0, port));
    flags.push_back(server_program::text_flag("root", 0, root));
    if (int status = server_program::parse_flags("http_server", argc, argv, flags, usage); status >= 0) return status;
    asyncore::backend_choice backend = false;
    // Each client may hold a second descriptor: the file being sent to it.
    if (!server_program::settle_flags("http_server", shared, 2, limits, backend)) return usage(2);
    server_program::server_output output;  // from here on, stdout never blocks and never kills
    try {
        http_server server(asyncore::address::resolve(host, port), root, nullptr, output.log(shared.quiet), limits);
        server_program::serve(server, server.local_address(), backend);
    } catch (const std::exception& e) {
        std::cerr << "http_server: " << e.what() << '\n';
        return 1;
    }
}
