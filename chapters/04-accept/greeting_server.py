# Chapter 04, the Python twin of greeting_server.cpp: a server accepts three visitors, one after
# the other, and hands each one to a handler of its own. A child process plays the visitors.
# tools/compare_twins.sh checks that both programs print the same lines.
import asyncore
import os
import socket
import sys


# [visitor]
class Visitor(asyncore.dispatcher_with_send):
    """Talks to one client: greets it, reads its name, says goodbye, closes."""

    def __init__(self, sock, number):
        asyncore.dispatcher_with_send.__init__(self, sock)
        self.number = number
        self.name = b""
        print(f"visitor {number}: greeting them")
        self.send(b"hello, visitor %d! what is your name?\n" % number)

    def handle_read(self):
        self.name += self.recv(100)
        if not self.name.endswith(b"\n"):
            return  # not the whole line yet (or the client left: handle_close ran)
        name = self.name.decode().strip()
        print(f"visitor {self.number}: is called {name}, saying goodbye")
        self.send(f"goodbye, {name}\n".encode())  # one short line: it leaves at once
        self.close()

    def handle_close(self):
        print(f"visitor {self.number}: left early")
        self.close()
# [visitor]


# [server]
class GreetingServer(asyncore.dispatcher):
    def __init__(self, host, expected):
        asyncore.dispatcher.__init__(self)
        self.create_socket(socket.AF_INET, socket.SOCK_STREAM)
        self.set_reuse_addr()
        self.bind((host, 0))  # port 0: the kernel picks a free port
        self.listen(5)
        self.visitors = 0
        self.expected = expected
        print(f"server: listening on {self.addr[0]}")

    def port(self):
        return self.socket.getsockname()[1]

    def handle_accepted(self, sock, addr):
        self.visitors += 1
        print(f"server: accepted visitor {self.visitors} from {addr[0]}")
        Visitor(sock, self.visitors)  # socket_map keeps it alive
        if self.visitors == self.expected:
            print("server: that was the last one; closing the listener")
            self.close()
# [server]


def visit(port, names):
    """The child: one visitor after the other, with plain blocking sockets."""
    for name in names:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            reader = sock.makefile("rb")
            reader.readline()  # the greeting
            sock.sendall(name.encode() + b"\n")
            reader.read()  # the goodbye, then end of file: the server closed


# [main]
server = GreetingServer("127.0.0.1", 3)
port = server.port()
sys.stdout.flush()  # the child must not inherit lines still waiting in the buffer
child = os.fork()
if child == 0:
    visit(port, ["Ada", "Grace", "Edsger"])
    os._exit(0)

asyncore.loop(1.0)  # until the listener and every visitor have closed
print("loop() returned: socket_map is empty")
# [main]
os.waitpid(child, 0)
