# Chapter 01, the Python twin of select_ping_pong.cpp: the same game with Python's asyncore.
# tools/compare_twins.sh checks that both print the same lines.
import asyncore
import socket


# [player]
class Player(asyncore.dispatcher):
    def __init__(self, sock, name):
        asyncore.dispatcher.__init__(self, sock)
        self.name = name

    def serve(self):
        self.pass_ball(1)

    def writable(self):
        return False  # we write at once; only reading needs the loop

    def handle_read(self):
        text = self.recv(15)
        if not text:  # recv() saw end of file and called handle_close()
            return
        count = int(text)
        print(self.name, "got", count)
        if count == 5:
            self.close()  # end the game: the other side reads end of file
            return
        self.pass_ball(count + 1)

    def handle_close(self):
        print(f"{self.name}: the other side closed, closing too")
        self.close()

    def pass_ball(self, count):
        self.send(str(count).encode())
# [player]


# [main]
a, b = socket.socketpair()
ping = Player(a, "ping")
pong = Player(b, "pong")
ping.serve()
asyncore.loop(1.0)  # until both players have closed: the map is empty then
# [main]
print("socket_map is empty: loop() returned")
