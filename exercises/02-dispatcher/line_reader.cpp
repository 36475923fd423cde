// Exercise 02: a dispatcher that reads lines. Read chapters/02-dispatcher/README.md first.
// Check your work with:  ./course check 02
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "line_reader.hpp"

line_reader::line_reader(asyncore::socket sock, asyncore::channel_map* map) : dispatcher(std::move(sock), map) {}

bool line_reader::writable() {
    // TODO 1 begin: this channel never has anything to write. What must writable() say so that
    //         the loop does not wake up for it all the time?
    return true;
    // TODO 1 end
}

void line_reader::handle_read() {
    // TODO 2 begin: recv() what has arrived and add it to partial_.
    // TODO 2 end
    // TODO 3 begin: for every "\n" in partial_, move the text before it into `lines` (drop a "\r"
    //         that ends the line) and remove it, with its "\n", from partial_.
    //         Remember: one recv() may bring half a line, or many lines.
    // TODO 3 end
}

void line_reader::handle_close() {
    // TODO 4 begin: the peer has closed. If partial_ still holds a line without its "\n", it is
    //         the last line: deliver it. Then close() the channel and set `finished`.
    // TODO 4 end
}
