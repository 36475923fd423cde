// echo_server_poll [--port PORT]: the course's echo server (solutions/08) on the poll() backend.
// The same handlers as echo_server; only the loop differs: loop(30.0, true) runs poll2(), so
// the benchmark can compare the two backends on one program. Prints "listening on HOST:PORT".
#include "echo_server.hpp"

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

int main(int argc, char* argv[]) {
    long port = 0;
    if (argc == 3 && std::string(argv[1]) == "--port") port = std::strtol(argv[2], nullptr, 10);
    else if (argc != 1) {
        std::cerr << "usage: echo_server_poll [--port PORT]\n";
        return 2;
    }
    try {
        std::ostringstream quiet;  // no line per connection: nobody reads them here
        echo_server server(asyncore::address::resolve("127.0.0.1", static_cast<std::uint16_t>(port)), nullptr,
                           quiet);
        std::cout << "listening on " << server.local_address().to_string() << std::endl;
        asyncore::loop(30.0, true);
    } catch (const std::exception& e) {
        std::cerr << "echo_server_poll: " << e.what() << '\n';
        return 1;
    }
}
