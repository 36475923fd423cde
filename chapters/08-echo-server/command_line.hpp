// The command lines of the course's server programs (echo_server, port_forwarder, http_server),
// read with getopt_long() from one table of flags per program (given). Each program lists its own
// flags; the ones every server shares (--idle-timeout, --max-connections, --poll, --epoll, -q) come
// from server_flags(), so that they are spelt, checked and refused the same way in all three.
#pragma once

#include "server_program.hpp"

#include <getopt.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace server_program {

/// One flag of a program's command line: a switch (`set`) or a flag with a value (`store`).
struct flag {
    std::string name;  ///< the long form, without "--"
    char letter = 0;   ///< the short form ('q' for -q), or 0 for none
    /// For a flag with a value: keeps it, and says whether it is valid.
    std::function<bool(const char*)> store;
    /// For a flag with a value: what an invalid one is, for the error line ("not a port number").
    std::string invalid;
    /// For a switch: set to true when the flag is given.
    bool* set = nullptr;
};

/// A flag whose value is a port number (0: any free port, when `zero_allowed`).
inline flag port_flag(std::string name, char letter, std::uint16_t& port, bool zero_allowed = true) {
    return {std::move(name), letter,
            [&port, zero_allowed](const char* text) { return parse_port(text, port) && (zero_allowed || port != 0); },
            "not a port number"};
}

/// A flag whose value is any text (a host name or address, a folder).
inline flag text_flag(std::string name, char letter, std::string& value) {
    return {std::move(name), letter, [&value](const char* text) { return (value = text), true; }, {}};
}

/// A flag whose value is a number of seconds (see parse_seconds()).
inline flag seconds_flag(std::string name, double& seconds) {
    return {std::move(name), 0, [&seconds](const char* text) { return parse_seconds(text, seconds); },
            "not a number of seconds"};
}

/// What the flags shared by every server set, beside the limits.
struct shared_flags {
    bool use_poll = false;
    bool use_epoll = false;
    bool quiet = false;
    bool max_given = false;  ///< --max-connections was given: keep it, compute no default
};

/// --idle-timeout, --max-connections, --poll, --epoll and -q/--quiet, for a server whose `Limits`
/// has `idle_timeout` and `max_connections`.
template <class Limits>
std::vector<flag> server_flags(Limits& limits, shared_flags& shared) {
    auto max_connections = [&limits, &shared](const char* text) {
        shared.max_given = true;
        return parse_count(text, limits.max_connections);
    };
    return {seconds_flag("idle-timeout", limits.idle_timeout),
            {"max-connections", 0, max_connections, "not a number of connections"},
            {"poll", 0, {}, {}, &shared.use_poll},
            {"epoll", 0, {}, {}, &shared.use_epoll},
            {"quiet", 'q', {}, {}, &shared.quiet}};
}

/// Reads `argv` against `flags`, and -h/--help. Returns -1 when the program is to go on;
/// otherwise the status it is to exit with, after `usage(status)` printed the usage: 0 for
/// --help; 2 for an unknown flag, a missing or invalid value (after the line
/// "PROGRAM: not a port number: VALUE" on stderr), or an argument that is not a flag.
inline int parse_flags(const char* program, int argc, char* argv[], const std::vector<flag>& flags,
                       int (*usage)(int)) {
    constexpr int help = 'h', long_only = 1000;  // a flag with no letter answers as long_only + its index
    std::string letters = "h";
    std::vector<option> options;
    for (std::size_t i = 0; i < flags.size(); ++i) {
        const flag& f = flags[i];
        int answer = f.letter ? f.letter : long_only + static_cast<int>(i);
        options.push_back({f.name.c_str(), f.set ? no_argument : required_argument, nullptr, answer});
        if (f.letter) letters += std::string(1, f.letter) + (f.set ? "" : ":");
    }
    options.push_back({"help", no_argument, nullptr, help});
    options.push_back({nullptr, 0, nullptr, 0});
    optind = 1;  // getopt_long() keeps its place between calls: start at the first argument
    for (int opt; (opt = ::getopt_long(argc, argv, letters.c_str(), options.data(), nullptr)) != -1;) {
        if (opt == help) return usage(0);
        auto it = opt >= long_only ? flags.begin() + (opt - long_only)
                                   : std::find_if(flags.begin(), flags.end(), [opt](const flag& f) { return f.letter == opt; });
        if (it == flags.end()) return usage(2);  // '?': getopt_long() has said what is wrong
        if (it->set) {
            *it->set = true;
        } else if (!it->store(optarg)) {
            std::cerr << program << ": " << it->invalid << ": " << optarg << '\n';
            return usage(2);
        }
    }
    if (optind < argc) {
        std::cerr << program << ": unexpected argument: " << argv[optind] << '\n';
        return usage(2);
    }
    return -1;
}

/// After parse_flags(): the backend that --poll or --epoll chose (false if both were given, after
/// a line on stderr: print the usage and exit 2), and the default --max-connections for clients
/// that hold `descriptors_per_client` descriptors each, unless one was given.
template <class Limits>
bool settle_flags(const char* program, const shared_flags& shared, std::size_t descriptors_per_client, Limits& limits,
                  asyncore::backend_choice& backend) {
    if (!backend_from_flags(program, shared.use_poll, shared.use_epoll, backend)) return false;
    if (!shared.max_given) limits.max_connections = default_max_connections(descriptors_per_client, backend);
    return true;
}

}  // namespace server_program
