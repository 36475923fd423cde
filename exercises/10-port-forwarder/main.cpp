// port_forwarder -l LOCAL_IP -p LOCAL_PORT -r REMOTE_IP -P REMOTE_PORT [--connect-timeout SECONDS]
// [--idle-timeout SECONDS] [--max-connections N] [--poll | --epoll] [-q]: the port forwarder's
// command line (given). Contract: long forms --local-ip --local-port --remote-ip
// --remote-port; defaults 127.0.0.1, local port 80, remote 127.0.0.1, remote port 80, as in the
// original Python program (whose remote IP had no default). -p 0 picks a free port; the first
// line on stdout, flushed at once, is "listening on HOST:PORT", printed only once the forwarder
// can serve. A bad flag or port: usage on stderr, exit 2. A port in use, or a listening socket
// the loop cannot watch: one line on stderr, exit 1. A full or closed stdout never stops or
// stalls it (chapters/08-echo-server/server_program.hpp). --connect-timeout (default 10 s)
// closes a client whose remote has not answered; --idle-timeout (default 0: never) closes a pair
// with no byte either way for that long; --max-connections (default 10,000, or what the
// descriptors allow, two per client) closes at once, with a log line, a client past it. A client
// that leaves while its remote connect is pending releases both descriptors (chapter 12).
// --poll waits in poll() (chapter 11), --epoll in epoll (chapter 15), not both: usage, exit 2.
#include "command_line.hpp"
#include "forwarder.hpp"

#include <iostream>
#include <string>

namespace {

int usage(int status) {
    (status == 0 ? std::cout : std::cerr)
        << "usage: port_forwarder [-l LOCAL_IP] [-p LOCAL_PORT] [-r REMOTE_IP] [-P REMOTE_PORT]\n"
           "                      [--connect-timeout SECONDS] [--idle-timeout SECONDS] [--max-connections N]\n"
           "                      [--poll | --epoll] [-q]\n"
           "  -l, --local-ip IP          address to listen on (default 127.0.0.1)\n"
           "  -p, --local-port PORT      port to listen on, 0 for any free one (default 80)\n"
           "  -r, --remote-ip IP         address to forward to (default 127.0.0.1)\n"
           "  -P, --remote-port PORT     port to forward to (default 80)\n"
           "  --connect-timeout SECONDS  close a client whose remote has not answered in that time;\n"
           "                             0: wait as long as the kernel does (default 10)\n"
        << server_program::limits_usage(29, "0", 2) << server_program::common_usage(29);
    return status;
}

}  // namespace

int main(int argc, char* argv[]) {
    std::string local_ip = "127.0.0.1", remote_ip = "127.0.0.1";
    std::uint16_t local_port = 80, remote_port = 80;
    forward_limits limits;
    server_program::shared_flags shared;
    auto flags = server_program::server_flags(limits, shared);
    flags.push_back(server_program::text_flag("local-ip", 'l', local_ip));
    flags.push_back(server_program::port_flag("local-port", 'p', local_port));
    flags.push_back(server_program::text_flag("remote-ip", 'r', remote_ip));
    flags.push_back(server_program::port_flag("remote-port", 'P', remote_port, false));  // no one listens on port 0
    flags.push_back(server_program::seconds_flag("connect-timeout", limits.connect_timeout));
    if (int status = server_program::parse_flags("port_forwarder", argc, argv, flags, usage); status >= 0) return status;
    asyncore::backend_choice backend = false;
    if (!server_program::settle_flags("port_forwarder", shared, 2, limits, backend)) return usage(2);
    server_program::server_output output;  // from here on, stdout never blocks and never kills
    try {
        auto remote = asyncore::address::resolve(remote_ip, remote_port);
        forwarder server(asyncore::address::resolve(local_ip, local_port), remote, nullptr, output.log(shared.quiet),
                         limits);
        server_program::serve(server, server.local_address(), backend);
    } catch (const std::exception& e) {
        std::cerr << "port_forwarder: " << e.what() << '\n';
        return 1;
    }
}
