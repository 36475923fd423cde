// Exercise 08, challenge: echo over UDP, in the same loop as your TCP echo server. Finish the
// exercise first: one of the tests runs your echo_server next to the udp_echo. Check your work
// with:
//   ./course check 08 --challenges
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "udp_echo.hpp"

#include <sys/socket.h>

// Your echo_server, built into the challenge's test program with the line below.
#include "../echo_server.cpp"

udp_echo::udp_echo(const asyncore::address& where, asyncore::channel_map* map) : dispatcher(map) {
    // TODO 1 begin: create a socket of where's family and of type SOCK_DGRAM, and bind it to
    //         `where`. No listen(): a datagram socket receives as soon as it is bound.
    (void)where;
    // TODO 1 end
}

asyncore::address udp_echo::local_address() { return sock().getsockname(); }

bool udp_echo::writable() { return false; }

void udp_echo::handle_read() {
    // TODO 2 begin: ::recvfrom() one datagram into a buffer of max_datagram bytes (a smaller
    //         one cuts the datagram short), with a sockaddr_storage for its sender. Then
    //         ::sendto() the bytes back to that sender. recvfrom() returning 0 is an empty
    //         datagram, to be echoed like any other; -1 means nothing came after all.
    // TODO 2 end
}
