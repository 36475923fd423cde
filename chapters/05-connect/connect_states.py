# Chapter 05, the Python twin of connect_states.cpp: one client class, four connections, four
# ways a connect() can go. Each line says which handler ran and what the flags said.
# tools/compare_twins.sh checks that both programs print the same lines.
import asyncore
import os
import shutil
import socket
import tempfile


# [client]
class Client(asyncore.dispatcher):
    def __init__(self, family):
        asyncore.dispatcher.__init__(self)
        self.create_socket(family, socket.SOCK_STREAM)

    def flags(self):
        return f"connecting={yes(self.connecting)} connected={yes(self.connected)}"

    def handle_connect(self):
        print("  handle_connect:", self.flags())

    def handle_write(self):
        print("  handle_write:", self.flags(), "-> send a greeting and close")
        self.send(b"hello\n")
        self.close()

    def handle_error(self):  # a handler raised (which error: the exercise asks)
        print("  handle_error:", self.flags(), "-> close")
        self.close()
# [client]


def yes(flag):
    return "yes" if flag else "no"


# [attempt]
def attempt(title, family, where):
    print(title)
    client = Client(family)
    try:
        client.connect(where)
    except OSError as error:  # failed at once: the channel is still registered
        print("  connect() failed at once:", os.strerror(error.errno), "-> close")
        client.close()
        return
    print("  connect() returned:", client.flags())
    asyncore.loop(0.1)  # until the client has closed
# [attempt]


# [main]
listener = socket.socket()  # a plain listening socket: the kernel completes connects to it
listener.bind(("127.0.0.1", 0))
listener.listen(5)
unused = socket.socket()  # bound but never listening: connects to it are refused
unused.bind(("127.0.0.1", 0))
folder = tempfile.mkdtemp()
unix_listener = socket.socket(socket.AF_UNIX)
unix_listener.bind(os.path.join(folder, "server.sock"))
unix_listener.listen(5)

attempt("1. TCP, to a listening port, by name", socket.AF_INET, ("localhost", listener.getsockname()[1]))
attempt("2. TCP, to a port where nobody listens", socket.AF_INET, unused.getsockname())
attempt("3. Unix socket, to a listening path", socket.AF_UNIX, os.path.join(folder, "server.sock"))
attempt("4. Unix socket, to a path that does not exist", socket.AF_UNIX, os.path.join(folder, "nobody.sock"))
# [main]
shutil.rmtree(folder)
