# Chapter 13, the Python twin of put_get.cpp: a client stores a value on a server and reads it
# back, with asynchat. Command lines end with "\r\n"; a value is a count of bytes after its
# command line. tools/compare_twins.sh checks that both programs print the same lines.
import asynchat
import asyncore
import socket


def shown(data):
    """b"\r" and b"\n" made visible."""
    return data.decode().replace("\r", "\\r").replace("\n", "\\n")


# [server]
class StoreServer(asynchat.async_chat):
    """PUT n, then n bytes: stores a value. GET: sends it back. QUIT: says bye and closes."""

    def __init__(self, sock, channels):
        asynchat.async_chat.__init__(self, sock, map=channels)
        self.set_terminator(b"\r\n")
        self.message = b""
        self.value = b""

    def collect_incoming_data(self, data):
        self.message += data

    def found_terminator(self):
        message, self.message = self.message, b""
        if isinstance(self.get_terminator(), int):  # the count ran out: a value
            print(f"server: < value '{shown(message)}'")
            self.value = message
            self.set_terminator(b"\r\n")
            self.push(b"stored\r\n")
        elif message.startswith(b"PUT "):
            size = int(message[4:])
            print(f"server: < {message.decode()}: the next {size} bytes are the value")
            self.set_terminator(size)
        elif message == b"GET":
            print("server: < GET: the value goes out through a producer, 4 bytes a chunk")
            self.push(b"VALUE %d\r\n" % len(self.value))
            self.push_with_producer(asynchat.simple_producer(self.value, 4))
        elif message == b"QUIT":
            print("server: < QUIT")
            self.push(b"bye\r\n")
            self.close_when_done()
        else:
            print(f"server: < {message.decode()}")
            self.push(b"hi\r\n")

# [server]


# [client]
class StoreClient(asynchat.async_chat):
    """Sends one command, waits for its answer, then sends the next."""

    def __init__(self, sock, channels):
        asynchat.async_chat.__init__(self, sock, map=channels)
        self.set_terminator(b"\r\n")
        self.reply = b""
        self.script = [b"HELLO\r\n", b"PUT 10\r\ntwo\r\nlines", b"GET\r\n", b"QUIT\r\n"]
        self.next_command()

    def collect_incoming_data(self, data):
        self.reply += data

    def found_terminator(self):
        reply, self.reply = self.reply, b""
        if isinstance(self.get_terminator(), int):
            print(f"client: < value '{shown(reply)}'")
            self.set_terminator(b"\r\n")
        elif reply.startswith(b"VALUE "):
            size = int(reply[6:])
            print(f"client: < {reply.decode()}: the next {size} bytes are the value")
            self.set_terminator(size)
            return  # the answer is not complete yet
        else:
            print(f"client: < {reply.decode()}")
        self.next_command()

    def handle_close(self):
        if self.connected:  # asyncore's poll() calls it again after a hang-up (chapter 11)
            print("client: the server closed the connection")
        self.close()

    def next_command(self):
        if not self.script:
            return
        command = self.script.pop(0)
        print(f"client: > {shown(command)}")
        self.push(command)
# [client]


def scene(use_poll):
    channels = {}
    server_end, client_end = socket.socketpair()
    StoreServer(server_end, channels)
    StoreClient(client_end, channels)
    asyncore.loop(timeout=30.0, use_poll=use_poll, map=channels)
    print("loop() returned")


for use_poll, backend in ((False, "select()"), (True, "poll()")):
    print(f"# {backend}")
    scene(use_poll)
