// Exercise 05: a client that greets a server. Read chapters/05-connect/README.md first.
// Check your work with:  ./course check 05
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "greeting_client.hpp"

#include <cerrno>
#include <system_error>

greeting_client::greeting_client(std::vector<asyncore::address> servers, std::string greeting,
                                 asyncore::channel_map* map)
    : dispatcher_with_send(map), servers_(std::move(servers)), greeting_(std::move(greeting)) {
    try_next(EDESTADDRREQ);  // an empty list: "Destination address required"
}

void greeting_client::try_next(int err) {
    // TODO 1 begin: start a connect to the next address not tried yet (servers_[next_]), and count
    //         it in tries. When connect() fails at once, go on to the address after it. When no
    //         address is left, fail() with the errno of the last failure (err, if nothing failed
    //         here). This function must not throw.
    (void)err;
    // TODO 1 end
}

void greeting_client::handle_connect() {
    // TODO 2 begin: the connection is up. Count it (connects) and send the greeting.
    // TODO 2 end
}

void greeting_client::handle_read() {
    // TODO 3 begin: add what has arrived to reply.
    // TODO 3 end
}

void greeting_client::handle_close() {
    // TODO 4 begin: the server has closed: close too, and set done.
    // TODO 4 end
}

void greeting_client::handle_error() {
    // TODO 5 begin: the loop calls this when a handler threw. A connection refused in the loop
    //         arrives here (chapter 05 says how): go on to the next address. Any other exception
    //         is a bug: leave it to dispatcher::handle_error().
    // TODO 5 end
}

void greeting_client::fail(int err) {
    // TODO 6 begin: record the failure (error and failure, its text), close, and set done. Print
    //         nothing: a server that is down is news for the caller, not a bug in this program.
    (void)err;
    // TODO 6 end
}
