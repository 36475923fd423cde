// Chapter 05 example: one client class, four connections, four ways a connect() can go. Each
// line says which handler ran and what the flags said.
//
//   $ ./build/bin/connect_states
#include <asyncore/asyncore.hpp>

#include <stdlib.h>
#include <sys/socket.h>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>

namespace {

const char* yes(bool flag) { return flag ? "yes" : "no"; }

// [client]
class client : public asyncore::dispatcher {
public:
    explicit client(int family) { create_socket(family, SOCK_STREAM); }

    std::string flags() const {
        return std::string("connecting=") + yes(connecting) + " connected=" + yes(connected);
    }

    void handle_connect() override { std::cout << "  handle_connect: " << flags() << '\n'; }

    void handle_write() override {
        std::cout << "  handle_write: " << flags() << " -> send a greeting and close\n";
        send("hello\n");
        close();
    }

    void handle_error() override {  // a handler threw (which error: the exercise asks)
        std::cout << "  handle_error: " << flags() << " -> close\n";
        close();
    }
};
// [client]

// [attempt]
template <class... Where>  // an address, or a host name and a port
void attempt(const std::string& title, int family, const Where&... where) {
    std::cout << title << '\n';
    client c(family);
    try {
        c.connect(where...);
    } catch (const std::system_error& error) {  // failed at once: the channel is still registered
        std::cout << "  connect() failed at once: " << error.code().message() << " -> close\n";
        c.close();
        return;
    }
    std::cout << "  connect() returned: " << c.flags() << '\n';
    asyncore::loop(0.1);  // until the client has closed
}
// [attempt]

}  // namespace

int main() {
    std::string folder = (std::filesystem::temp_directory_path() / "connect_states-XXXXXX").string();
    if (!::mkdtemp(folder.data())) return 1;
    // [main]
    auto listener = asyncore::socket::create(AF_INET);  // a plain listening socket: the kernel
    listener.bind(asyncore::address("127.0.0.1", 0));   // completes connects to it
    listener.listen(5);
    auto unused = asyncore::socket::create(AF_INET);  // bound but never listening: connects to it
    unused.bind(asyncore::address("127.0.0.1", 0));   // are refused
    auto unix_listener = asyncore::socket::create(AF_UNIX);
    unix_listener.bind(asyncore::address::unix_path(folder + "/server.sock"));
    unix_listener.listen(5);

    attempt("1. TCP, to a listening port, by name", AF_INET, "localhost", listener.getsockname().port());
    attempt("2. TCP, to a port where nobody listens", AF_INET, unused.getsockname());
    attempt("3. Unix socket, to a listening path", AF_UNIX, asyncore::address::unix_path(folder + "/server.sock"));
    attempt("4. Unix socket, to a path that does not exist", AF_UNIX,
            asyncore::address::unix_path(folder + "/nobody.sock"));
    // [main]
    std::filesystem::remove_all(folder);
}
