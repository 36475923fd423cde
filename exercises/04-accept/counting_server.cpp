// Exercise 04: a server that counts its visitors. Read chapters/04-accept/README.md first.
// Check your work with:  ./course check 04
#include "counting_server.hpp"

counting_server::counting_server(const asyncore::address& where, asyncore::channel_map* map) : dispatcher(map) {
    (void)where;
    // TODO 1: make this channel a listening server on `where`:
    //         a socket of the right family (where.family()), SO_REUSEADDR (so that a restarted
    //         server can bind the same port at once), bind, listen.
    //         The tests connect 20 clients at once: choose the backlog accordingly.
}

void counting_server::handle_accepted(asyncore::socket sock, const asyncore::address& peer) {
    (void)sock;
    (void)peer;
    // TODO 2: a visitor has arrived. Count it (visitors), remember its address `peer` (seen), and hand
    //         the socket to a greeter that the map owns: asyncore::make<greeter>(...), with this
    //         visitor's number, the motd, and this server's map (&map()).
    //         Forget this and the socket is closed when `sock` goes out of scope.
}

greeter::greeter(asyncore::socket sock, int number, const std::string& motd, asyncore::channel_map* map)
    : dispatcher_with_send(std::move(sock), map), number_(number) {
    (void)motd;
    // TODO 3: queue "hello, visitor N\n" (N is number_), then the motd, with send(). send() tries
    //         to send at once, but a long motd does not leave in one go: close only if
    //         everything has left already (close_if_done()).
}

void greeter::handle_write() {
    // TODO 4: the socket has room again: send the next piece (initiate_send()), then close if
    //         that was the last of it (close_if_done()).
}

void greeter::close_if_done() {
    // TODO 5: close() the channel once out_buffer is empty. Closing earlier loses what is still
    //         queued; never closing leaves the visitor waiting for end of file.
}
