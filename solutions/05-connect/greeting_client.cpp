// Exercise 05, a solution: a client that greets a server.
#include "greeting_client.hpp"

#include <system_error>

greeting_client::greeting_client(const asyncore::address& server, std::string greeting, asyncore::channel_map* map)
    : dispatcher_with_send(map), greeting_(std::move(greeting)) {
    // TODO 1 begin
    create_socket(server.family(), SOCK_STREAM);
    try {
        connect(server);  // a Unix socket may connect at once, and run handle_connect() in here
    } catch (const std::system_error& e) {
        fail(e.code().value());  // the channel is still registered: fail() closes it
    }
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
    try {
        throw;
    } catch (const std::system_error& e) {
        fail(e.code().value());
    } catch (...) {
        dispatcher::handle_error();  // not a connection failure: a bug worth a log line; it calls handle_close()
    }
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
