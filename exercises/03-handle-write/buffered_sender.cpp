// Exercise 03: your own buffered sender. Read chapters/03-handle-write/README.md first, and the
// task in exercises/03-handle-write/README.md.
// Check your work with:  ./course check 03
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "buffered_sender.hpp"

buffered_sender::buffered_sender(asyncore::socket sock, asyncore::channel_map* map)
    : dispatcher(std::move(sock), map) {}

std::size_t buffered_sender::send(std::string_view data) {
    // TODO 1 begin: this sends what the kernel takes right now and silently drops the rest (try it with
    //         a few MiB). Instead: append `data` to buffer_, call initiate_send() to try at once,
    //         and return data.size().
    return dispatcher::send(data);
    // TODO 1 end
}

void buffered_sender::initiate_send() {
    // TODO 2 begin: give dispatcher::send() at most max_slice bytes from the front of what waits
    //         (dispatcher::send(), not send(): send() is your own and would queue them again).
    //         It returns how many bytes the kernel took: all, some, or none. Move sent_ past them.
    //         Do not erase them from buffer_ every time: that copies everything behind them, the
    //         quadratic trap of Python's out_buffer = out_buffer[n:]. Empty the buffer once all is
    //         sent, and move the rest down only when the sent part is at least as large as it.
    // TODO 2 end
}

std::size_t buffered_sender::pending() const {
    // TODO 3 begin: how many bytes wait to be sent?
    return 0;
    // TODO 3 end
}

bool buffered_sender::writable() {
    // TODO 4 begin: say yes while not `connected` (the loop reports a finished connect as writability),
    //         or while bytes wait. Saying yes with nothing to send makes the loop spin.
    return true;
    // TODO 4 end
}

void buffered_sender::handle_write() {
    // TODO 5 begin: the socket has room: send the next slice.
    // TODO 5 end
}
