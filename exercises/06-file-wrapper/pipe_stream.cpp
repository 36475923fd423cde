// Exercise 06: wrap a pipe and stream it. Read chapters/06-file-wrapper/README.md first.
// Check your work with:  ./course check 06
#include "pipe_stream.hpp"

// ---------------------------------------------------------------------------------------------
// pipe_source: pipe -> socket

pipe_source::pipe_source(int fd, socket_sink& sink, asyncore::channel_map* map)
    : file_dispatcher(fd, map), sink_(sink) {}

bool pipe_source::readable() {
    // TODO 1: read only while the sink is connected and fewer than high_water bytes wait in its
    //         out_buffer. Otherwise a fast writer fills the sink's memory without limit.
    return false;
}

bool pipe_source::writable() {
    // TODO 2: nothing is ever written to the read end of a pipe. What must writable() say?
    return true;
}

void pipe_source::handle_read() {
    // TODO 3: recv() at most `chunk` bytes (recv() is read(2) on a file_dispatcher), count them
    //         in bytes_streamed, and hand them to the sink with sink_.send().
    //         At end of file recv() returns nothing and calls handle_close() for you.
}

void pipe_source::handle_close() {
    // TODO 4: the pipe is at end of file. close() this channel, set `finished`, and ask the sink
    //         to close once the bytes it still holds have gone out.
}

// ---------------------------------------------------------------------------------------------
// pipe_feeder: text -> pipe

pipe_feeder::pipe_feeder(int fd, std::string text, asyncore::channel_map* map) : file_dispatcher(fd, map) {
    (void)text;
    // TODO 5: keep `text` in pending_ until it is written.
}

bool pipe_feeder::readable() {
    // TODO 6: nothing is ever read from the write end of a pipe.
    return true;
}

bool pipe_feeder::writable() {
    // TODO 7: ask to write only while something is pending.
    return false;
}

void pipe_feeder::handle_write() {
    // TODO 8: send() (write(2)) what the pipe takes, drop that much from pending_, and once
    //         nothing is pending, close() and set `finished`: the reader then sees end of file.
    //         A pipe holds 64 KiB: a large text takes many handle_write() calls.
}

void pipe_feeder::handle_close() {
    // TODO 9: send() calls this when the write failed with EPIPE: the reader has gone.
    //         Set reader_gone, close(), and set `finished`.
}
