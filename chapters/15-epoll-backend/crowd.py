# Chapter 15, the Python twin of crowd.cpp. asyncore has no epoll pass: epoll_pass() below is
# one, over asyncore's own map, with select.epoll; it keeps the interest list in the kernel and
# tells it only what changed, as the C++ library's epoll_pass() does. tools/compare_twins.sh
# checks that both programs print the same lines.
import asyncore
import select
import socket


# [epoll_pass]
class EpollPass:
    """One pass of an epoll loop over an asyncore map, the interest list kept between passes."""

    def __init__(self):
        self.epoll = select.epoll()
        self.kernel = {}  # fd -> (channel, flags): what the kernel's interest list holds

    def __call__(self, timeout, channels):
        now = {}
        for fd, obj in list(channels.items()):  # asyncore's contract: ask every channel
            flags = 0
            if obj.readable():
                flags |= select.EPOLLIN | select.EPOLLPRI
            if obj.writable() and not obj.accepting:
                flags |= select.EPOLLOUT
            if flags:
                now[fd] = (obj, flags)
        for fd, (obj, flags) in now.items():  # ...but tell the kernel only what changed
            old = self.kernel.get(fd)
            if old is None:
                self.epoll.register(fd, flags)
            elif old[0] is not obj:  # the number reused by another channel: a new registration
                self.forget(fd)
                self.epoll.register(fd, flags)
            elif old[1] != flags:
                self.epoll.modify(fd, flags)
        for fd in self.kernel.keys() - now.keys():
            self.forget(fd)
        self.kernel = now
        for fd, revents in sorted(self.epoll.poll(timeout)):  # descriptor order, as poll2()
            obj = channels.get(fd)
            if obj is not None:
                asyncore.readwrite(obj, revents)  # EPOLLIN == POLLIN, and so on

    def forget(self, fd):
        try:
            self.epoll.unregister(fd)
        except OSError:  # closed already: the kernel forgot it then
            pass
# [epoll_pass]


class Idle(asyncore.dispatcher):
    """A channel whose peer never writes: it is asked every pass, and never woken."""
    asked = woken = 0

    def readable(self):
        Idle.asked += 1
        return True

    def writable(self):
        return False

    def handle_read(self):
        Idle.woken += 1


class Talker(asyncore.dispatcher):
    """Sends "ping N" or answers it with "pong N"; the pinger stops after three rounds."""

    def __init__(self, sock, name, channels):
        asyncore.dispatcher.__init__(self, sock, map=channels)
        self.name = name

    def writable(self):
        return False

    def handle_read(self):
        said = self.recv(100).decode()
        if not said:
            return
        print(f"{self.name}: got {said}")
        n = int(said[-1])
        if said.startswith("ping"):
            self.send(f"pong {n}".encode())
        elif n == 3:
            self.close()
        else:
            self.send(f"ping {n + 1}".encode())

    def handle_close(self):
        if self._fileno is None:  # readwrite() calls it again after a read closed (bpo-30985)
            return
        print(f"{self.name}: the other one left")
        self.close()


channels = {}
crowd, silent_peers = [], []
for _ in range(400):
    end, peer = socket.socketpair()
    crowd.append(Idle(end, map=channels))
    silent_peers.append(peer)
a_end, b_end = socket.socketpair()
a = Talker(a_end, "a", channels)
b = Talker(b_end, "b", channels)
a.send(b"ping 1")

# [scene]
epoll_pass = EpollPass()
passes = 0
while len(channels) > len(crowd):  # until both talkers have left
    epoll_pass(1.0, channels)
    passes += 1
# [scene]
print(f"{passes} passes; the {len(crowd)} idle channels were asked readable() "
      f"{Idle.asked} times and woken {Idle.woken} times")
asyncore.close_all(map=channels)
