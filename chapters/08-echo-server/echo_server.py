# The original: the echo server from the Python documentation of asyncore, with a port argument
# and the "listening on" line of the course's contract, so tests and benchmarks can drive it.
#   python3.11 echo_server.py [PORT]
import asyncore
import sys


# [original]
class EchoHandler(asyncore.dispatcher_with_send):

    def handle_read(self):
        data = self.recv(8192)
        if data:
            self.send(data)


class EchoServer(asyncore.dispatcher):

    def __init__(self, host, port):
        asyncore.dispatcher.__init__(self)
        self.create_socket()
        self.set_reuse_addr()
        self.bind((host, port))
        self.listen(5)

    def handle_accepted(self, sock, addr):
        print('Incoming connection from %s' % repr(addr))
        handler = EchoHandler(sock)
# [original]


if __name__ == "__main__":
    server = EchoServer("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 8080)
    print("listening on %s:%d" % server.socket.getsockname(), flush=True)
    asyncore.loop()
