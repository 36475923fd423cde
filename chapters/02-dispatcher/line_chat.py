# Chapter 02, the Python twin of line_chat.cpp: a child writes lines in uneven pieces, a
# dispatcher prints each complete line. tools/compare_twins.sh checks both print the same.
import asyncore
import os
import socket
import time


# [line_printer]
class LinePrinter(asyncore.dispatcher):
    def __init__(self, sock):
        asyncore.dispatcher.__init__(self, sock)
        self.pending = b""  # a line that has begun to arrive

    def writable(self):
        return False  # we only listen

    def handle_read(self):
        self.pending += self.recv(4096)
        while b"\n" in self.pending:
            line, self.pending = self.pending.split(b"\n", 1)
            print("line:", line.decode())

    def handle_close(self):  # end of file: the child is done
        print("the writer closed its end; closing ours")
        self.close()
# [line_printer]


def child_writes(sock):
    for text in [b"first line\n", b"the second line comes ", b"in two pieces\n", b"third\nfourth\n"]:
        sock.send(text)
        time.sleep(0.15)


parent_end, child_end = socket.socketpair()
child = os.fork()
if child == 0:
    parent_end.close()
    child_writes(child_end)
    os._exit(0)
child_end.close()

# [make_and_forget]
LinePrinter(parent_end)  # socket_map holds it: nobody else needs to
asyncore.loop()          # returns when the map is empty
# [make_and_forget]

os.waitpid(child, 0)
