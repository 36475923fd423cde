// Capstone 08: the echo server. Read chapters/08-echo-server/README.md first.
// Check your work with:  ./course check 08
#include "echo_server.hpp"

echo_handler::echo_handler(asyncore::socket sock, asyncore::channel_map* map)
    : dispatcher_with_send(std::move(sock), map) {}

bool echo_handler::readable() {
    // TODO 1: backpressure. While more than high_water bytes wait in out_buffer (the client
    //         sends faster than it reads), stop reading. And after end of file, there is
    //         nothing more to read.
    return true;
}

void echo_handler::handle_read() {
    // TODO 2: recv() what arrived (recv_into() into a buffer saves an allocation) and send()
    //         it back. send() queues what the kernel does not take now.
}

void echo_handler::handle_write() {
    // TODO 3: send what waits (initiate_send()); if the client has finished sending and
    //         everything went back, close().
    initiate_send();
}

void echo_handler::handle_eof() {
    // TODO 4: the client has sent everything (it may have only half-closed, and still wait
    //         for its echo). Do not close while bytes wait in out_buffer: remember to finish.
    close();
}

void echo_handler::handle_close() { close(); }

echo_server::echo_server(const asyncore::address& where, asyncore::channel_map* map, std::ostream& log)
    : dispatcher(map), log_(log) {
    // TODO 5: create a socket of where's family, reuse the address, bind to `where`, listen.
    (void)where;
}

asyncore::address echo_server::local_address() { return sock().getsockname(); }

void echo_server::handle_accepted(asyncore::socket sock, const asyncore::address& peer) {
    // TODO 6: log "connection from HOST:PORT" (one line), then make an echo_handler for the
    //         socket in this server's map, and forget it: asyncore::make<echo_handler>(...).
    (void)sock;
    (void)peer;
}
