// Exercise 08, challenge: echo over UDP (RFC 862). The tests use this; you write
// challenges/udp_echo.cpp. Leave this file as it is.
#pragma once

#include <asyncore/asyncore.hpp>

#include <cstddef>

/// The echo service on UDP (RFC 862): every datagram that arrives goes back, whole, to the
/// client that sent it. A datagram socket has no connection, no accept() and no end of file:
/// one socket serves every client, and each datagram comes with the address of its sender.
class udp_echo : public asyncore::dispatcher {
public:
    /// A buffer size that holds the largest datagram of either family: UDP carries up to 65,507
    /// bytes over IPv4 (65,535, less 20 for the IP header and 8 for the UDP header) and up to
    /// 65,527 over IPv6 (its 40-byte header is not counted in its 65,535), so 65,535 holds both.
    static constexpr std::size_t max_datagram = 65535;

    /// Opens a datagram socket (`SOCK_DGRAM`) of `where`'s family, bound to `where` (port 0: any
    /// free port), registered in `map` (nullptr: the global map).
    /// \throws std::system_error if it cannot (the port is in use, say). TODO 1
    explicit udp_echo(const asyncore::address& where, asyncore::channel_map* map = nullptr);

    /// The address it is bound to, with the port the kernel picked for port 0.
    asyncore::address local_address();

    /// Never: each reply is sent at once, so nothing ever waits to go out (a reply the kernel has
    /// no room for is dropped, as any datagram may be). A datagram socket is almost always
    /// writable (until its send buffer is half full): saying yes here would wake the loop at
    /// once, every pass.
    bool writable() override;

    /// Takes one datagram and its sender with ::recvfrom() on fileno(), and sends the datagram
    /// back to that sender with ::sendto(). An empty datagram is echoed too: it is not an end of
    /// file. TODO 2
    void handle_read() override;
};
