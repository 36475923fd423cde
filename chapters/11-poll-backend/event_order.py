# Chapter 11, the Python twin of event_order.cpp: the same two scenes, one pass each, under
# select() (loop(use_poll=False)) and under poll() (loop(use_poll=True)).
# tools/compare_twins.sh checks that both programs print the same lines.
import asyncore
import socket


# [talker]
class Talker(asyncore.dispatcher):
    """Says which handler ran. Reads if `reads`, is writable if `writes`."""

    def __init__(self, sock, name, channels, reads=True, writes=True):
        asyncore.dispatcher.__init__(self, sock, map=channels)
        self.name = name
        self.reads = reads
        self.writes = writes

    def readable(self):
        return self.reads

    def writable(self):
        return self.writes

    def handle_read(self):
        print(f"  {self.name}: read {self.recv(100).decode()}")

    def handle_write(self):
        print(f"  {self.name}: write")

    def handle_close(self):
        print(f"  {self.name}: close")
        self.close()
# [talker]


# [scenes]
def two_ready_channels(use_poll):
    """a and b have data waiting and room to send: in which order do the handlers run?"""
    channels = {}
    a_end, a_peer = socket.socketpair()
    b_end, b_peer = socket.socketpair()
    a = Talker(a_end, "a", channels)
    b = Talker(b_end, "b", channels)
    a_peer.send(b"hi a")
    b_peer.send(b"hi b")
    asyncore.loop(timeout=1.0, use_poll=use_poll, map=channels, count=1)
    a.close(), b.close(), a_peer.close(), b_peer.close()


def peer_hung_up(use_poll):
    """c only wants to write, and its peer has closed: who tells c?"""
    channels = {}
    c_end, c_peer = socket.socketpair()
    c = Talker(c_end, "c", channels, reads=False)
    c_peer.close()
    asyncore.loop(timeout=1.0, use_poll=use_poll, map=channels, count=1)
    c.close()
# [scenes]


# [main]
for use_poll, backend in ((False, "select()"), (True, "poll()")):
    print(f"{backend}, two ready channels:")
    two_ready_channels(use_poll)
    print(f"{backend}, a writer whose peer hung up:")
    peer_hung_up(use_poll)
# [main]
