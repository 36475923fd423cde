# The original: the classic asyncore port forwarder (the "seed" program of this course), in
# Python 3.11. A `forwarder` listens; for every client it accepts, a `sender` connects to the
# remote and a `receiver` serves the client, each with an unbounded `buffer` of bytes to write.
# Only two things are added, outside the marked code: the "listening on" line of the course's
# contract, and a default remote IP (the original had none).
#   python3.11 port_forwarder.py [-l LOCAL_IP] [-p LOCAL_PORT] [-r REMOTE_IP] [-P REMOTE_PORT]
import asyncore
import optparse
import socket


# [forwarder]
class forwarder(asyncore.dispatcher):

    def __init__(self, ip, port, remoteip, remoteport, backlog=5):
        asyncore.dispatcher.__init__(self)
        self.remoteip = remoteip
        self.remoteport = remoteport
        self.create_socket(socket.AF_INET, socket.SOCK_STREAM)
        self.set_reuse_addr()
        self.bind((ip, port))
        self.listen(backlog)

    def handle_accepted(self, conn, addr):
        print('--- Connect --- %s:%d' % addr, flush=True)
        sender(receiver(conn), self.remoteip, self.remoteport)
# [forwarder]


# [receiver]
class receiver(asyncore.dispatcher):
    """The client's side: what it reads goes to the sender's buffer."""

    def __init__(self, conn):
        asyncore.dispatcher.__init__(self, conn)
        self.buffer = b''        # bytes for the client: grows as fast as the remote sends
        self.sender = None

    def handle_connect(self):
        pass

    def handle_read(self):
        read = self.recv(4096)
        self.sender.buffer += read

    def writable(self):
        return len(self.buffer) > 0

    def handle_write(self):
        sent = self.send(self.buffer)
        self.buffer = self.buffer[sent:]

    def handle_close(self):      # end of file, or a reset: both sides go, buffers and all
        self.close()
        if self.sender:
            self.sender.close()
# [receiver]


# [sender]
class sender(asyncore.dispatcher):
    """The remote's side: what it reads goes to the receiver's buffer."""

    def __init__(self, receiver, remoteaddr, remoteport):
        asyncore.dispatcher.__init__(self)
        self.buffer = b''        # bytes for the remote: grows as fast as the client sends
        self.receiver = receiver
        receiver.sender = self
        self.create_socket(socket.AF_INET, socket.SOCK_STREAM)
        self.connect((remoteaddr, remoteport))

    def handle_connect(self):
        pass

    def handle_read(self):
        read = self.recv(4096)
        self.receiver.buffer += read

    def writable(self):
        return len(self.buffer) > 0

    def handle_write(self):
        sent = self.send(self.buffer)
        self.buffer = self.buffer[sent:]

    def handle_close(self):
        self.close()
        self.receiver.close()
# [sender]


if __name__ == '__main__':
    # [options]
    parser = optparse.OptionParser()
    parser.add_option('-l', '--local-ip', dest='local_ip', default='127.0.0.1',
                      help='Local IP address to bind to')
    parser.add_option('-p', '--local-port', type='int', dest='local_port', default=80,
                      help='Local port to bind to')
    parser.add_option('-r', '--remote-ip', dest='remote_ip', default='127.0.0.1',
                      help='Remote IP address to forward to')
    parser.add_option('-P', '--remote-port', type='int', dest='remote_port', default=80,
                      help='Remote port to forward to')
    options, args = parser.parse_args()

    server = forwarder(options.local_ip, options.local_port, options.remote_ip, options.remote_port)
    # [options]
    print('listening on %s:%d' % server.socket.getsockname(), flush=True)
    asyncore.loop()
