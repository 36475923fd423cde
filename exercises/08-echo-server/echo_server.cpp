// Capstone 08: the echo server. Read chapters/08-echo-server/README.md first.
// Check your work with:  ./course check 08
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "echo_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>

// [handler_read]
echo_handler::echo_handler(asyncore::socket sock, asyncore::channel_map* map)
    : dispatcher_with_send(std::move(sock), map) {
    // Echo small messages at once. With Nagle's algorithm on, a reply may wait for the ACK of
    // the previous one, and the client delays that ACK: 40 ms stalls (see chapter 11's bench).
    int on = 1;
    ::setsockopt(fileno(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

bool echo_handler::readable() {
    // TODO 1 begin: backpressure. While high_water bytes or more wait in out_buffer (the client
    //         sends faster than it reads), stop reading. And after end of file, there is
    //         nothing more to read: say no too.
    return true;
    // TODO 1 end
}

void echo_handler::handle_read() {
    // TODO 2 begin: recv() what arrived (recv_into() into a buffer saves an allocation) and
    //         send() it back. send() queues what the kernel does not take now.
    // TODO 2 end
}
// [handler_read]

// [handler_finish]
void echo_handler::handle_write() {
    // TODO 3 begin: send what waits (initiate_send()); if the client has finished sending and
    //         everything went back, close().
    initiate_send();
    // TODO 3 end
}

void echo_handler::handle_eof() {
    // TODO 4 begin: the client has sent everything (it may have only half-closed, and still wait
    //         for its echo). Do not close while bytes wait in out_buffer: remember to finish.
    close();
    // TODO 4 end
}

void echo_handler::handle_close() { close(); }
// [handler_finish]

// [server]
echo_server::echo_server(const asyncore::address& where, asyncore::channel_map* map, std::ostream& log)
    : dispatcher(map), log_(log) {
    // TODO 5 begin: create a socket of where's family, reuse the address, bind to `where`, and
    //         listen with a queue deep enough for hundreds of clients connecting at once.
    (void)where;
    // TODO 5 end
}

asyncore::address echo_server::local_address() { return sock().getsockname(); }

void echo_server::handle_accepted(asyncore::socket sock, const asyncore::address& peer) {
    // TODO 6 begin: log "connection from HOST:PORT" (one line), then make an echo_handler for
    //         the socket in this server's map, and forget it: asyncore::make<echo_handler>(...).
    (void)sock;
    (void)peer;
    // TODO 6 end
}
// [server]
