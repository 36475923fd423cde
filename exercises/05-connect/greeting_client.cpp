// Exercise 05: a client that greets a server. Read chapters/05-connect/README.md first.
// Check your work with:  ./course check 05
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "greeting_client.hpp"

#include <system_error>

greeting_client::greeting_client(const asyncore::address& server, std::string greeting, asyncore::channel_map* map)
    : dispatcher_with_send(map), greeting_(std::move(greeting)) {
    // TODO 1 begin: make a socket of the server's family (server.family()) and connect() to it.
    //         connect() does not wait, but it can fail at once (a Unix socket path where nobody
    //         listens, say): then it throws std::system_error. Catch it and fail() with its errno
    //         (e.code().value()); the constructor itself must not throw.
    (void)server;
    // TODO 1 end
}

void greeting_client::handle_connect() {
    // TODO 2 begin: the connection is up. Count it (connects) and send() the greeting.
    // TODO 2 end
}

void greeting_client::handle_read() {
    // TODO 3 begin: add what has arrived (recv()) to reply.
    // TODO 3 end
}

void greeting_client::handle_close() {
    // TODO 4 begin: the server has closed: close() too, and set done.
    // TODO 4 end
}

void greeting_client::handle_error() {
    // TODO 5 begin: the loop calls this when a handler threw. A refused connection arrives here: the
    //         library's handle_connect_event() throws std::system_error with the connect error.
    //         You are inside the catch, so `throw;` rethrows it: catch std::system_error and
    //         fail() with its errno. Anything else is a real bug: leave it to the default,
    //         dispatcher::handle_error(), which logs it and calls handle_close() (yours: it sets done).
    // TODO 5 end
}

void greeting_client::fail(int err) {
    // TODO 6 begin: record the failure: error = err, failure = its text (asyncore::strerror(err)),
    //         then close() and set done. Print nothing: a server that is down is news for the
    //         caller, not a bug in this program.
    (void)err;
    // TODO 6 end
}
