// Exercise 06, a solution: wrap a pipe and stream it.
#include "pipe_stream.hpp"

// ---------------------------------------------------------------------------------------------
// pipe_source: pipe -> socket

pipe_source::pipe_source(int fd, socket_sink& sink, asyncore::channel_map* map)
    : file_dispatcher(fd, map), sink_(sink) {}

// Backpressure: while the sink is behind, the pipe fills up and its writer waits.
bool pipe_source::readable() { return sink_.connected && sink_.out_buffer.size() < high_water; }

bool pipe_source::writable() { return false; }  // a read end: never wake the loop for writing

void pipe_source::handle_read() {
    std::string data = recv(chunk);  // read(2); at end of file it calls handle_close()
    bytes_streamed += data.size();
    if (!data.empty()) sink_.send(data);
}

void pipe_source::handle_close() {
    close();
    finished = true;
    sink_.close_when_done();  // the bytes still in its out_buffer go out first
}

// ---------------------------------------------------------------------------------------------
// pipe_feeder: text -> pipe

pipe_feeder::pipe_feeder(int fd, std::string text, asyncore::channel_map* map) : file_dispatcher(fd, map) {
    pending_.append(text);
}

bool pipe_feeder::readable() { return false; }  // a write end: nothing to read

bool pipe_feeder::writable() { return !pending_.empty(); }

void pipe_feeder::handle_write() {
    pending_.consume(send(pending_.front(65536)));  // write(2): what the pipe has room for
    if (pending_.empty() && !finished) {
        close();  // our copy of the write end: the reader sees end of file once all are closed
        finished = true;
    }
}

void pipe_feeder::handle_close() {  // EPIPE: the reader has gone
    reader_gone = true;
    close();
    finished = true;
}
