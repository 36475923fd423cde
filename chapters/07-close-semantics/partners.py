# Chapter 07, the Python twin of partners.cpp: three relays, each made of two partner channels
# that forward to each other and close each other, end in the three ways a channel ends: the
# peer closes (end of file), the peer resets (ECONNRESET), a handler raises.
# tools/compare_twins.sh checks that both programs print the same lines.
import asyncore
import select
import socket
import struct
import sys


# [partner]
class Partner(asyncore.dispatcher):
    """One side of a relay: forwards what it reads to its partner, and ends with it."""

    def __init__(self, sock, name):
        asyncore.dispatcher.__init__(self, sock)
        self.name = name
        self.partner = None
        self.ended = False

    def writable(self):
        return False

    def handle_read(self):
        data = self.recv(4096)
        if not data:
            return  # end of file or a reset: recv() has called handle_close() already
        if data.startswith(b"bad"):
            raise ValueError("bad input")
        print(f"{self.name}: read {data.decode()!r}, passing it to {self.partner.name}")
        self.partner.send(data)

    def handle_close(self):
        if self.ended:
            print(f"{self.name}: closed already, nothing to do")
            return
        self.ended = True
        print(f"{self.name}: closing, then {self.partner.name}")
        self.close()
        self.partner.handle_close()

    def handle_error(self):
        value = sys.exc_info()[1]  # we are inside the loop's except block
        print(f"{self.name}: error ({value}), ending the relay")
        self.handle_close()
# [partner]


def relay(first, second, names):
    a, b = Partner(first, names[0]), Partner(second, names[1])
    a.partner, b.partner = b, a


def tcp_pair():
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()
    listener.close()
    return client, server


def main():
    a1, a1_peer = socket.socketpair()
    b1, b1_peer = socket.socketpair()
    a2, a2_peer = tcp_pair()
    b2, b2_peer = socket.socketpair()
    a3, a3_peer = socket.socketpair()
    b3, b3_peer = socket.socketpair()
    relay(a1, b1, ("a1", "b1"))
    relay(a2, b2, ("a2", "b2"))
    relay(a3, b3, ("a3", "b3"))
    print(f"channels: {len(asyncore.socket_map)}")

    print("-- a1's peer says hello")
    a1_peer.send(b"hello")
    asyncore.poll(5.0)
    print(f"b1's peer got {b1_peer.recv(100).decode()!r}")

    # [same_pass]
    print("-- in one pass: a1's peer closes, b1's peer sends 'too late'")
    a1_peer.close()
    b1_peer.send(b"too late")
    asyncore.poll(5.0)
    print(f"channels: {len(asyncore.socket_map)}")
    # [same_pass]

    print("-- a2's peer resets the connection")
    a2_peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    a2_peer.close()
    select.select([a2], [], [], 5.0)  # wait until the reset has arrived
    asyncore.poll(5.0)
    print(f"channels: {len(asyncore.socket_map)}")

    print("-- a3's peer sends bad input")
    a3_peer.send(b"bad input")
    asyncore.poll(5.0)
    print(f"channels: {len(asyncore.socket_map)}")


main()
