// Exercise 08, challenge, a solution: echo over UDP, in the same loop as the TCP echo server.
#include "udp_echo.hpp"

#include <sys/socket.h>

// Your echo_server, built into the challenge's test program with the line below.
#include "../echo_server.cpp"

udp_echo::udp_echo(const asyncore::address& where, asyncore::channel_map* map) : dispatcher(map) {
    // TODO 1 begin
    create_socket(where.family(), SOCK_DGRAM);
    bind(where);  // no listen(), no accept(): datagrams arrive on this very socket
    // TODO 1 end
}

asyncore::address udp_echo::local_address() { return sock().getsockname(); }

bool udp_echo::writable() { return false; }

void udp_echo::handle_read() {
    // TODO 2 begin
    // [handle_read]
    static char buffer[max_datagram];  // one loop, one thread: one buffer serves every datagram
    sockaddr_storage sender{};
    socklen_t size = sizeof sender;
    auto* from = reinterpret_cast<sockaddr*>(&sender);
    ssize_t got = ::recvfrom(fileno(), buffer, sizeof buffer, 0, from, &size);
    if (got < 0) return;  // woken for nothing: the socket stays, the next datagram will come
    // got == 0 is an empty datagram, not an end of file: UDP has no connection to end.
    // If the kernel has no room for the reply, it is lost, as any datagram may be.
    ::sendto(fileno(), buffer, static_cast<std::size_t>(got), 0, from, size);
    // [handle_read]
    // TODO 2 end
}
