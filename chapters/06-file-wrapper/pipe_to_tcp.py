# Chapter 06, the Python twin of pipe_to_tcp.cpp: a child writes lines into a pipe, a
# file_dispatcher streams them into a TCP connection, a sink prints them.
# tools/compare_twins.sh checks that both print the same lines.
import asyncore
import os
import socket
import time


class Sink(asyncore.dispatcher):
    def __init__(self, sock, server):
        asyncore.dispatcher.__init__(self, sock)
        self.server = server
        self.pending = b""
        self.received = 0

    def writable(self):
        return False

    def handle_read(self):
        data = self.recv(4096)
        self.received += len(data)
        self.pending += data
        while b"\n" in self.pending:
            line, self.pending = self.pending.split(b"\n", 1)
            print("sink:", line.decode())

    def handle_close(self):
        print(f"sink: the stream ended after {self.received} bytes")
        self.close()
        self.server.close()  # one connection is all this demo serves


class SinkServer(asyncore.dispatcher):
    def __init__(self):
        asyncore.dispatcher.__init__(self)
        self.create_socket(socket.AF_INET, socket.SOCK_STREAM)
        self.bind(("127.0.0.1", 0))
        self.listen(1)

    def where(self):
        return self.socket.getsockname()

    def handle_accepted(self, sock, addr):
        Sink(sock, self)


# [tcp_out]
class TcpOut(asyncore.dispatcher_with_send):
    def __init__(self, to):
        asyncore.dispatcher_with_send.__init__(self)
        self.closing = False
        self.create_socket(socket.AF_INET, socket.SOCK_STREAM)
        self.connect(to)

    def close_when_done(self):
        self.closing = True
        self.close_if_done()

    def readable(self):
        return False  # the sink never answers

    def handle_connect(self):
        print("tcp: connected to the sink")

    def handle_write(self):
        self.initiate_send()
        self.close_if_done()

    def close_if_done(self):
        if not self.closing or self.out_buffer:
            return
        print("tcp: everything sent, closing")
        self.close()
# [tcp_out]


# [pipe_in]
class PipeIn(asyncore.file_dispatcher):
    def __init__(self, fd, out):
        asyncore.file_dispatcher.__init__(self, fd)
        self.out = out
        self.bytes_read = 0

    # Read only when the connection is up and not too far behind: backpressure.
    def readable(self):
        return self.out.connected and len(self.out.out_buffer) < 65536

    def writable(self):
        return False

    def handle_read(self):
        data = self.recv(4096)
        self.bytes_read += len(data)
        self.out.send(data)

    def handle_close(self):  # os.read() returned b"": every writer has closed the pipe
        print(f"pipe: end of file after {self.bytes_read} bytes")
        self.close()
        self.out.close_when_done()
# [pipe_in]


def child_writes(fd):
    for i in range(1, 6):
        os.write(fd, f"{i} squared is {i * i}\n".encode())
        time.sleep(0.1)


read_end, write_end = os.pipe()
child = os.fork()
if child == 0:
    os.close(read_end)
    child_writes(write_end)
    os._exit(0)
os.close(write_end)  # the child holds the only write end: when it exits, we read end of file

# [main]
server = SinkServer()
out = TcpOut(server.where())
pipe = PipeIn(read_end, out)
os.close(read_end)  # the channel works on its own duplicate (os.dup)
asyncore.loop()     # until the pipe, the connection, the sink and the server have all closed
# [main]

_, status = os.waitpid(child, 0)
print("the child exited with status", os.waitstatus_to_exitcode(status))
