// Exercise 05, a solution: a client that greets a server.
#include "greeting_client.hpp"

#include <system_error>

greeting_client::greeting_client(const asyncore::address& server, std::string greeting, asyncore::channel_map* map)
    : dispatcher_with_send(map), greeting_(std::move(greeting)) {  // set before connect(): see below
    create_socket(server.family(), SOCK_STREAM);
    try {
        connect(server);  // a Unix socket may connect at once, and run handle_connect() in here
    } catch (const std::system_error& e) {
        fail(e.code().value());  // the channel is still registered: fail() closes it
    }
}

void greeting_client::handle_connect() {
    ++connects;
    send(greeting_);  // dispatcher_with_send: whatever the kernel will not take now waits
}

void greeting_client::handle_read() { reply += recv(4096); }

void greeting_client::handle_close() {
    close();
    done = true;
}

void greeting_client::handle_error() {
    try {
        throw;
    } catch (const std::system_error& e) {
        fail(e.code().value());
    } catch (...) {
        dispatcher::handle_error();  // not a connection failure: a bug worth a log line
        done = true;
    }
}

void greeting_client::fail(int err) {
    error = err;
    failure = asyncore::strerror(err);
    close();
    done = true;
}
