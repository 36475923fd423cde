# An asyncore echo client in the style of the Python documentation: sends COUNT numbered lines,
# prints each echo, exits 0 if all came back unchanged.
#   python3.11 echo_client.py PORT [COUNT]
import asyncore
import sys


class EchoClient(asyncore.dispatcher_with_send):

    def __init__(self, host, port, count):
        asyncore.dispatcher_with_send.__init__(self)
        self.lines = [b"hello %d\n" % i for i in range(1, count + 1)]
        self.expected = b"".join(self.lines)
        self.received = b""
        self.create_socket()
        self.connect((host, port))

    def handle_connect(self):
        for line in self.lines:
            self.send(line)

    def handle_read(self):
        self.received += self.recv(8192)
        if len(self.received) >= len(self.expected):
            for line in self.received.splitlines():
                print("echo:", line.decode())
            self.close()

    def handle_close(self):
        self.close()


if __name__ == "__main__":
    client = EchoClient("127.0.0.1", int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 3)
    asyncore.loop(5.0)
    sys.exit(0 if client.received == client.expected else 1)
