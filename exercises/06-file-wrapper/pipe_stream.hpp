// Exercise 06: wrap a pipe and stream it. The tests use these classes; you write pipe_stream.cpp.
#pragma once

#include <asyncore/asyncore.hpp>

#include <cstddef>
#include <string>

/// The receiving end of the stream: a connected socket that sends what it is given, and closes
/// once everything has gone out. Given complete (it is chapter 03's dispatcher_with_send plus a
/// close_when_done()); you use it from pipe_source.
class socket_sink : public asyncore::dispatcher_with_send {
public:
    explicit socket_sink(asyncore::socket sock, asyncore::channel_map* map = nullptr)
        : dispatcher_with_send(std::move(sock), map) {}

    /// True once the sink has closed: everything sent, or its peer gone.
    bool finished = false;

    /// Close as soon as out_buffer is empty: now, or after the last handle_write().
    void close_when_done() {
        closing_ = true;
        close_if_done();
    }
    bool readable() override { return false; }  // the peer never answers
    void handle_write() override {
        initiate_send();
        close_if_done();
    }
    void handle_close() override {  // the peer is gone: nothing more can be sent
        close();
        finished = true;
    }

private:
    void close_if_done() {
        if (closing_ && out_buffer.empty() && !finished) {
            close();
            finished = true;
        }
    }
    bool closing_ = false;
};

/// Reads a pipe (through its own duplicate of `fd`) and streams everything that arrives into a
/// socket_sink. At end of file it closes, and asks the sink to close once the last byte is out.
class pipe_source : public asyncore::file_dispatcher {
public:
    /// At most this many bytes may wait in the sink's out_buffer: above it, stop reading.
    static constexpr std::size_t high_water = 64 * 1024;
    /// Read at most this many bytes at a time.
    static constexpr std::size_t chunk = 64 * 1024;

    pipe_source(int fd, socket_sink& sink, asyncore::channel_map* map = nullptr);

    /// Bytes read from the pipe and handed to the sink so far.
    std::size_t bytes_streamed = 0;
    /// True once the pipe reached end of file and this channel closed.
    bool finished = false;

    bool readable() override;
    bool writable() override;
    void handle_read() override;
    void handle_close() override;

private:
    socket_sink& sink_;
};

/// Writes `text` into a pipe (through its own duplicate of the write end), then closes, so the
/// reader sees end of file once every other copy of the write end is closed too.
class pipe_feeder : public asyncore::file_dispatcher {
public:
    pipe_feeder(int fd, std::string text, asyncore::channel_map* map = nullptr);

    /// True if the reader left before everything was written (the write failed with EPIPE).
    bool reader_gone = false;
    /// True once this channel has closed: everything written, or the reader gone.
    bool finished = false;

    bool readable() override;
    bool writable() override;
    void handle_write() override;
    void handle_close() override;

private:
    asyncore::send_buffer pending_;  // what is still to be written
};
