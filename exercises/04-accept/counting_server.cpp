// Exercise 04: a server that counts its visitors and greets a few at a time. Read
// chapters/04-accept/README.md first.
// Check your work with:  ./course check 04
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "counting_server.hpp"

counting_server::counting_server(const asyncore::address& where, asyncore::channel_map* map) : dispatcher(map) {
    // TODO 1 begin: make this channel a listening server on `where`, which may be IPv4 or IPv6.
    //         A restarted server must be able to bind the same port at once, and the tests
    //         connect 20 clients at once: the chapter says which calls, in which order, and how
    //         big a backlog.
    (void)where;
    // TODO 1 end
}

bool counting_server::readable() {
    // TODO 2 begin: while max_greeters greeters are at work (greeters()), the listener must not
    //         accept: say no, and newcomers wait in the kernel's accept queue until a place is free.
    return true;
    // TODO 2 end
}

void counting_server::handle_accepted(asyncore::socket sock, const asyncore::address& peer) {
    // TODO 3 begin: a visitor has arrived. Count it (visitors), remember its address (seen), and
    //         give the socket to a greeter that lives on after this function returns, in this
    //         server's map (&map()), with its number, the motd and busy_.
    (void)sock;
    (void)peer;
    // TODO 3 end
}

greeter::greeter(asyncore::socket sock, int number, const std::string& motd, std::shared_ptr<int> busy,
                 asyncore::channel_map* map)
    : dispatcher_with_send(std::move(sock), map), number_(number), busy_(std::move(busy)) {
    // TODO 4 begin: take one of the server's places (*busy_), then queue "hello, visitor N\n" (N is
    //         number_) and the motd. Close here only if every byte has left already.
    (void)motd;
    // TODO 4 end
}

greeter::~greeter() {
    // TODO 5 begin: give the place back. This runs however the greeter ended.
    // TODO 5 end
}

void greeter::handle_write() {
    // TODO 6 begin: the socket has room again: send the next piece, then close if that was the last.
    // TODO 6 end
}

void greeter::close_if_done() {
    // TODO 7 begin: close() the channel once out_buffer is empty.
    // TODO 7 end
}
