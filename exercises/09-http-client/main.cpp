// http_client [-i] [-o FILE] URL: the HTTP client's command line (given).
// Contract: writes the body to stdout (or FILE); -i writes the status line and headers first.
// Exit status 0 when a complete response arrived (any status); 2 for a bad command line or URL;
// 1 with a one-line message on stderr for a failed connection or a malformed or truncated response.
#include "http_get.hpp"

#include <unistd.h>

#include <fstream>
#include <iostream>

namespace {

constexpr double idle_timeout = 30.0;  // seconds without a byte from the server

int usage() {
    std::cerr << "usage: http_client [-i] [-o FILE] URL\n"
                 "  -i       write the status line and headers before the body\n"
                 "  -o FILE  write to FILE instead of standard output\n"
                 "  URL      http://host[:port]/path\n";
    return 2;
}

int fail(const std::string& why, int status = 1) {
    std::cerr << "http_client: " << why << '\n';
    return status;
}

}  // namespace

int main(int argc, char* argv[]) {
    bool include_head = false;
    const char* output_path = nullptr;
    for (int opt; (opt = ::getopt(argc, argv, "io:")) != -1;) {
        if (opt == 'i') include_head = true;
        else if (opt == 'o') output_path = optarg;
        else return usage();
    }
    if (optind != argc - 1) return usage();

    http::url target;
    try {
        target = http::url::parse(argv[optind]);
    } catch (const http::bad_url& e) {
        return fail(e.what(), 2);
    }
    std::ofstream file;
    if (output_path) {
        file.open(output_path, std::ios::binary | std::ios::trunc);
        if (!file) return fail(std::string("cannot write ") + output_path);
    }
    std::ostream& out = output_path ? file : std::cout;
    std::ios::sync_with_stdio(false);

    try {
        // Resolving blocks, but nothing else is running yet: do it before the loop starts.
        auto server = asyncore::address::resolve(target.host, target.port);
        http::http_get get(target, server, out, include_head);
        while (!asyncore::socket_map.empty()) {
            asyncore::loop(1.0, false, nullptr, 1);
            std::chrono::duration<double> idle = std::chrono::steady_clock::now() - get.last_heard();
            if (idle.count() > idle_timeout && !asyncore::socket_map.empty())
                return fail("timed out: nothing from " + target.host_header() + " for " +
                            std::to_string(static_cast<int>(idle_timeout)) + " s");
        }
        if (!get.ok()) return fail(get.error());
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    out.flush();
    if (!out) return fail("cannot write the output");
    return 0;
}
