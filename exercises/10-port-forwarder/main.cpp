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
#include "forwarder.hpp"
#include "server_program.hpp"

#include <getopt.h>

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
    bool use_poll = false, use_epoll = false, quiet = false;
    forward_limits limits;
    bool max_given = false;
    const int poll_flag = 1000, epoll_flag = 1004;  // no short forms: -P is the remote port
    const int connect_timeout_flag = 1001, idle_timeout_flag = 1002, max_connections_flag = 1003;
    const option options[] = {{"local-ip", required_argument, nullptr, 'l'},
                              {"local-port", required_argument, nullptr, 'p'},
                              {"remote-ip", required_argument, nullptr, 'r'},
                              {"remote-port", required_argument, nullptr, 'P'},
                              {"connect-timeout", required_argument, nullptr, connect_timeout_flag},
                              {"idle-timeout", required_argument, nullptr, idle_timeout_flag},
                              {"max-connections", required_argument, nullptr, max_connections_flag},
                              {"poll", no_argument, nullptr, poll_flag},
                              {"epoll", no_argument, nullptr, epoll_flag},
                              {"quiet", no_argument, nullptr, 'q'},
                              {"help", no_argument, nullptr, 'h'},
                              {nullptr, 0, nullptr, 0}};
    for (int opt; (opt = ::getopt_long(argc, argv, "l:p:r:P:qh", options, nullptr)) != -1;) {
        if (opt == 'l') {
            local_ip = optarg;
        } else if (opt == 'r') {
            remote_ip = optarg;
        } else if (opt == 'p' || opt == 'P') {
            std::uint16_t& port = opt == 'p' ? local_port : remote_port;
            if (!server_program::parse_port(optarg, port) || (opt == 'P' && port == 0)) {  // no one listens on port 0
                std::cerr << "port_forwarder: not a port number: " << optarg << '\n';
                return usage(2);
            }
        } else if (opt == connect_timeout_flag || opt == idle_timeout_flag) {
            double& seconds = opt == connect_timeout_flag ? limits.connect_timeout : limits.idle_timeout;
            if (!server_program::parse_seconds(optarg, seconds)) {
                std::cerr << "port_forwarder: not a number of seconds: " << optarg << '\n';
                return usage(2);
            }
        } else if (opt == max_connections_flag) {
            if (!server_program::parse_count(optarg, limits.max_connections)) {
                std::cerr << "port_forwarder: not a number of connections: " << optarg << '\n';
                return usage(2);
            }
            max_given = true;
        } else if (opt == poll_flag) {
            use_poll = true;
        } else if (opt == epoll_flag) {
            use_epoll = true;
        } else if (opt == 'q') {
            quiet = true;
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
    asyncore::backend_choice backend = false;
    if (!server_program::backend_from_flags("port_forwarder", use_poll, use_epoll, backend)) return usage(2);
    if (!max_given) limits.max_connections = server_program::default_max_connections(2, backend);
    server_program::server_output output;  // from here on, stdout never blocks and never kills
    try {
        auto remote = asyncore::address::resolve(remote_ip, remote_port);
        forwarder server(asyncore::address::resolve(local_ip, local_port), remote, nullptr, output.log(quiet), limits);
        server_program::serve(server, server.local_address(), backend);
    } catch (const std::exception& e) {
        std::cerr << "port_forwarder: " << e.what() << '\n';
        return 1;
    }
}
