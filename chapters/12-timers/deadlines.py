# Chapter 12, the Python twin of deadlines.cpp. asyncore has no timers: the standard library's
# sched module keeps the deadlines, and a loop of our own runs one asyncore pass at a time,
# waiting no longer than the nearest deadline. tools/compare_twins.sh checks that both programs
# print the same lines.
import asyncore
import sched
import socket
import time

timers = sched.scheduler(time.monotonic)


# [loop_with_timers]
def loop_with_timers(channels, timeout=30.0, use_poll=False):
    """asyncore.loop(), with the deadlines of `timers`: what the C++ library's loop() does."""
    while channels:
        if timers.queue:
            nearest = timers.queue[0].time  # sorts the whole queue: O(n log n) per pass
            timeout_now = max(0.0, min(timeout, nearest - time.monotonic()))
        else:
            timeout_now = timeout
        asyncore.loop(timeout=timeout_now, use_poll=use_poll, map=channels, count=1)
        timers.run(blocking=False)  # every event due now, after the channels' events
# [loop_with_timers]


# [asker]
class Asker(asyncore.dispatcher):
    """Asks its peer a question, then waits at most `patience` seconds for the answer."""

    def __init__(self, sock, name, patience, channels):
        asyncore.dispatcher.__init__(self, sock, map=channels)
        self.name = name
        print(f"{name}: asks, and waits at most {patience} s")
        self.send(b"ping\n")
        self.deadline = timers.enter(patience, 0, self.give_up)

    def writable(self):
        return False

    def handle_read(self):
        answer = self.recv(100)
        if not answer:
            return
        cancel(self.deadline)
        print(f"{self.name}: got {answer.decode().split(chr(10))[0]}, deadline cancelled")
        self.close()

    def handle_close(self):
        cancel(self.deadline)
        self.close()

    def give_up(self):
        print(f"{self.name}: no answer in time, gives up")
        self.close()


def cancel(event):
    """sched.cancel() raises ValueError for an event that already ran: C++'s cancel() does not."""
    try:
        timers.cancel(event)
    except ValueError:
        pass
# [asker]


# [heartbeat]
def heartbeat(period, n=1):
    """Says "tick N" every `period` seconds: each tick schedules the next."""
    def tick():
        print(f"tick {n}")
        heartbeat(period, n + 1)
    timers.enter(period, 0, tick)
# [heartbeat]


# [scene]
def scene(use_poll):
    channels = {}
    a_end, a_peer = socket.socketpair()
    b_end, b_peer = socket.socketpair()
    a = Asker(a_end, "a", 0.3, channels)
    b = Asker(b_end, "b", 0.3, channels)
    # a's peer answers after 0.1 s; b's peer never does.
    timers.enter(0.1, 0, lambda: a_peer.send(b"pong\n"))
    heartbeat(0.2)

    loop_with_timers(channels, use_poll=use_poll)
    print(f"loop() returned: no channel left, {len(timers.queue)} timer pending")
    for event in timers.queue:
        timers.cancel(event)
    a_peer.close(), b_peer.close()
# [scene]


for use_poll, backend in ((False, "select()"), (True, "poll()")):
    print(f"# {backend}")
    scene(use_poll)
