// Exercise 04: a server that counts its visitors. Read chapters/04-accept/README.md first.
// Check your work with:  ./course check 04
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "counting_server.hpp"

counting_server::counting_server(const asyncore::address& where, asyncore::channel_map* map) : dispatcher(map) {
    // TODO 1 begin: make this channel a listening server on `where`:
    //         a socket of the right family (where.family()), SO_REUSEADDR (so that a restarted
    //         server can bind the same port at once), bind, listen.
    //         The tests connect 20 clients at once: choose the backlog accordingly.
    (void)where;
    // TODO 1 end
}

void counting_server::handle_accepted(asyncore::socket sock, const asyncore::address& peer) {
    // TODO 2 begin: a visitor has arrived. Count it (visitors), remember its address `peer` (seen), and hand
    //         the socket to a greeter that the map owns: asyncore::make<greeter>(...), with this
    //         visitor's number, the motd, and this server's map (&map()).
    //         Forget this and the socket is closed when `sock` goes out of scope.
    (void)sock;
    (void)peer;
    // TODO 2 end
}

greeter::greeter(asyncore::socket sock, int number, const std::string& motd, asyncore::channel_map* map)
    : dispatcher_with_send(std::move(sock), map), number_(number) {
    // TODO 3 begin: queue "hello, visitor N\n" (N is number_), then the motd, with send(). send() tries
    //         to send at once, but a long motd does not leave in one go: close only if
    //         everything has left already (close_if_done()).
    (void)motd;
    // TODO 3 end
}

void greeter::handle_write() {
    // TODO 4 begin: the socket has room again: send the next piece (initiate_send()), then close if
    //         that was the last of it (close_if_done()).
    // TODO 4 end
}

void greeter::close_if_done() {
    // TODO 5 begin: close() the channel once out_buffer is empty. Closing earlier loses what is still
    //         queued; never closing leaves the visitor waiting for end of file.
    // TODO 5 end
}
