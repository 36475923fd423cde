// Exercise 05, a solution: a client that greets the first server of a list that takes it.
#include "greeting_client.hpp"

#include <cerrno>
#include <system_error>

greeting_client::greeting_client(std::vector<asyncore::address> servers, std::string greeting,
                                 asyncore::channel_map* map)
    : dispatcher_with_send(map), servers_(std::move(servers)), greeting_(std::move(greeting)) {
    try_next(EDESTADDRREQ);  // an empty list: "Destination address required"
}

void greeting_client::try_next(int err) {
    // TODO 1 begin
    while (next_ < servers_.size()) {
        const asyncore::address& server = servers_[next_++];
        ++tries;
        create_socket(server.family(), SOCK_STREAM);  // a new socket: the family may differ
        try {
            connect(server);  // a Unix socket may connect at once, and run handle_connect() in here
            return;
        } catch (const std::system_error& e) {
            err = e.code().value();  // failed at once: the next address
        }
    }
    fail(err);
    // TODO 1 end
}

void greeting_client::handle_connect() {
    // TODO 2 begin
    ++connects;
    send(greeting_);  // dispatcher_with_send: whatever the kernel will not take now waits
    // TODO 2 end
}

void greeting_client::handle_read() {
    // TODO 3 begin
    reply += recv(4096);
    // TODO 3 end
}

void greeting_client::handle_close() {
    // TODO 4 begin
    close();
    done = true;
    // TODO 4 end
}

void greeting_client::handle_error() {
    // TODO 5 begin
    // [handle_error]
    try {
        throw;
    } catch (const std::system_error& e) {
        try_next(e.code().value());  // refused: create_socket() there replaces this socket
    } catch (...) {
        dispatcher::handle_error();  // not a connection failure: a bug worth a log line
    }
    // [handle_error]
    // TODO 5 end
}

void greeting_client::fail(int err) {
    // TODO 6 begin
    error = err;
    failure = asyncore::strerror(err);
    close();
    done = true;
    // TODO 6 end
}
