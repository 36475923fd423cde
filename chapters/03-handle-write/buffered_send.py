# Chapter 03, the Python twin of buffered_send.cpp. tools/compare_twins.sh checks that both print
# the same lines (lines starting with "#" are left out: they show times, which vary).
#
# Scene 1: a dispatcher_with_send queues three large messages for a reader that can take one
# 64 KiB slice at a time, and every step prints what moved.
# Scene 2: two idle channels, a plain dispatcher and a dispatcher_with_send, show why writable()
# must say no when there is nothing to send.
import asyncore
import itertools
import socket
import time

# The socket is SOCK_SEQPACKET: each send() arrives as one message, so the reader sees every
# slice the sender passed. SO_SNDBUF is what we ask for; Linux doubles it, which leaves room for
# exactly one 64 KiB slice in flight: the reader is "slow" the same way on every machine.
SEND_BUFFER = 33280
pass_number = 0


def say(who, text):
    where = "setup " if pass_number == 0 else "pass %-2d" % pass_number
    print("%s %s: %s" % (where, who, text))


def describe(data):
    """What a slice holds, letter by letter: 'a' x 18928, 'b' x 46608."""
    return ", ".join("'%s' x %d" % (chr(letter), len(list(run))) for letter, run in itertools.groupby(data))


# [sender]
class Sender(asyncore.dispatcher_with_send):
    def queue(self, letter, size):
        before = len(self.out_buffer)
        self.send(letter * size)  # into out_buffer, then one slice goes at once if the kernel takes it
        left = len(self.out_buffer)
        say("sender", "send(%d bytes of '%s'): %d sent at once, %d wait in out_buffer"
            % (size, letter.decode(), before + size - left, left))

    def handle_write(self):  # the socket has room, and writable() said there is something to send
        before = len(self.out_buffer)
        asyncore.dispatcher_with_send.handle_write(self)  # initiate_send(): one slice
        left = len(self.out_buffer)
        say("sender", "handle_write: %d sent, %d wait" % (before - left, left))
        if not self.out_buffer:
            say("sender", "out_buffer is empty, so writable() says no from now on; closing")
            self.close()
# [sender]


# [reader]
class Reader(asyncore.dispatcher):
    def __init__(self, sock):
        asyncore.dispatcher.__init__(self, sock)
        self.received = bytearray()
        self.messages = 0

    def writable(self):
        return False  # it only reads

    def handle_read(self):
        data = self.recv(70000)  # one message: a SOCK_SEQPACKET recv() never joins two
        if data:
            self.messages += 1
            self.received += data
            say("reader", "message %d, %d bytes: %s" % (self.messages, len(data), describe(data)))

    def handle_close(self):
        expected = b"a" * 150000 + b"b" * 100000 + b"c" * 70000
        verdict = "all in order" if self.received == expected else "NOT what was sent"
        say("reader", "end of file after %d messages, %d bytes, %s" % (self.messages, len(self.received), verdict))
        self.close()
# [reader]


def scene_slices():
    global pass_number
    print("scene 1: three messages through a dispatcher_with_send, one 64 KiB slice at a time")
    sender_end, reader_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sender_end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
    # [queue]
    sender = Sender(sender_end)
    Reader(reader_end)
    sender.queue(b"a", 150000)
    sender.queue(b"b", 100000)
    sender.queue(b"c", 70000)
    while asyncore.socket_map and pass_number < 100:
        pass_number += 1
        asyncore.loop(timeout=2.0, count=1)  # one pass: read events first, then write events
    # [queue]
    print("loop() returned: no channel left")


# [idle]
class PlainCounter(asyncore.dispatcher):  # writable() as inherited: always True
    writes = 0

    def handle_write(self):
        self.writes += 1  # nothing to send, but the loop keeps asking


class BufferedCounter(asyncore.dispatcher_with_send):  # writable() only while out_buffer has bytes
    writes = 0

    def handle_write(self):
        self.writes += 1
        asyncore.dispatcher_with_send.handle_write(self)


def count_write_events(kind, passes, timeout):
    channels = {}
    mine, peer = socket.socketpair()
    channel = kind(mine, map=channels)
    start = time.monotonic()
    asyncore.loop(timeout=timeout, map=channels, count=passes)
    took = time.monotonic() - start
    channel.close()
    peer.close()
    return channel.writes, took
# [idle]


def scene_idle():
    print("scene 2: channels with nothing to send, 5 passes of loop(timeout=0.1) each")
    for kind, name in [(PlainCounter, "plain dispatcher"), (BufferedCounter, "dispatcher_with_send")]:
        writes, took = count_write_events(kind, 5, 0.1)
        print("%s: %d write events in 5 passes" % (name, writes))
        print("# %s: the 5 passes took %.2f s" % (name, took))


scene_slices()
scene_idle()
