// Exercise 06: wrap a pipe and stream it. Read chapters/06-file-wrapper/README.md first.
// Check your work with:  ./course check 06
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "pipe_stream.hpp"

// ---------------------------------------------------------------------------------------------
// pipe_source: pipe -> socket

pipe_source::pipe_source(int fd, socket_sink& sink, asyncore::channel_map* map)
    : file_dispatcher(fd, map), sink_(sink) {}

bool pipe_source::readable() {
    // TODO 1 begin: read only while the sink is connected and fewer than high_water bytes wait in its
    //         out_buffer. Otherwise a fast writer fills the sink's memory without limit.
    return false;
    // TODO 1 end
}

bool pipe_source::writable() {
    // TODO 2 begin: nothing is ever written to the read end of a pipe. What must writable() say?
    return true;
    // TODO 2 end
}

void pipe_source::handle_read() {
    // TODO 3 begin: recv() at most `chunk` bytes (recv() is read(2) on a file_dispatcher), count them
    //         in bytes_streamed, and hand them to the sink with sink_.send().
    //         At end of file recv() returns nothing and calls handle_close() for you.
    // TODO 3 end
}

void pipe_source::handle_close() {
    // TODO 4 begin: the pipe is at end of file. close() this channel, set `finished`, and ask the sink
    //         to close once the bytes it still holds have gone out.
    // TODO 4 end
}

// ---------------------------------------------------------------------------------------------
// pipe_feeder: text -> pipe

pipe_feeder::pipe_feeder(int fd, std::string text, asyncore::channel_map* map) : file_dispatcher(fd, map) {
    // TODO 5 begin: keep `text` in pending_ until it is written.
    (void)text;
    // TODO 5 end
}

bool pipe_feeder::readable() {
    // TODO 6 begin: nothing is ever read from the write end of a pipe.
    return true;
    // TODO 6 end
}

bool pipe_feeder::writable() {
    // TODO 7 begin: ask to write while there is work left: text to write, or the write end still
    //         to close. An empty text too must end in end of file for the reader.
    return false;
    // TODO 7 end
}

void pipe_feeder::handle_write() {
    // TODO 8 begin: send() (write(2)) what the pipe takes, drop that much from pending_, and once
    //         nothing is pending, close() and set `finished`: the reader then sees end of file.
    //         A pipe holds 64 KiB: a large text takes many handle_write() calls.
    // TODO 8 end
}

void pipe_feeder::handle_close() {
    // TODO 9 begin: send() calls this when the write failed with EPIPE: the reader has gone.
    //         Set reader_gone, close(), and set `finished`.
    // TODO 9 end
}
