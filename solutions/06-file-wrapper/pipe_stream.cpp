// Exercise 06, a solution: wrap a pipe and stream it.
#include "pipe_stream.hpp"

// ---------------------------------------------------------------------------------------------
// pipe_source: pipe -> socket

pipe_source::pipe_source(int fd, socket_sink& sink, asyncore::channel_map* map)
    : file_dispatcher(fd, map), sink_(sink) {}

bool pipe_source::readable() {
    // TODO 1 begin
    // Backpressure: while the sink is behind, the pipe fills up and its writer waits.
    return sink_.connected && sink_.out_buffer.size() < high_water;
    // TODO 1 end
}

bool pipe_source::writable() {
    // TODO 2 begin
    return false;  // a read end: never wake the loop for writing
    // TODO 2 end
}

void pipe_source::handle_read() {
    // TODO 3 begin
    std::string data = recv(chunk);  // read(2); at end of file it calls handle_close()
    bytes_streamed += data.size();
    if (!data.empty()) sink_.send(data);
    // TODO 3 end
}

void pipe_source::handle_close() {
    // TODO 4 begin
    close();
    finished = true;
    sink_.close_when_done();  // the bytes still in its out_buffer go out first
    // TODO 4 end
}

// ---------------------------------------------------------------------------------------------
// pipe_feeder: text -> pipe

pipe_feeder::pipe_feeder(int fd, std::string text, asyncore::channel_map* map) : file_dispatcher(fd, map) {
    // TODO 5 begin
    pending_.append(text);
    // TODO 5 end
}

bool pipe_feeder::readable() {
    // TODO 6 begin
    return false;  // a write end: nothing to read
    // TODO 6 end
}

bool pipe_feeder::writable() {
    // TODO 7 begin
    return !finished;  // until the write end is closed, even for an empty text
    // TODO 7 end
}

void pipe_feeder::handle_write() {
    // TODO 8 begin
    if (!pending_.empty()) pending_.consume(send(pending_.front(65536)));  // what the pipe has room for
    if (pending_.empty() && !finished) {
        close();  // our copy of the write end: the reader sees end of file once all are closed
        finished = true;
    }
    // TODO 8 end
}

void pipe_feeder::handle_close() {
    // TODO 9 begin
    reader_gone = true;  // send() calls this on EPIPE: the reader has gone
    close();
    finished = true;
    // TODO 9 end
}
