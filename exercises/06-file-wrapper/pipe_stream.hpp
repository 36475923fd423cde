// Exercise 06: your own file_wrapper, and a pipe stream built on it. The tests use these
// classes; you write pipe_wrapper in pipe_stream.cpp. Leave this file as it is.
#pragma once

#include <asyncore/asyncore.hpp>

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>

/// A pipe's descriptor dressed as a stream, so that a dispatcher can use it as it uses a socket:
/// the library's asyncore::file_wrapper, written by you, with one thing more. It works on its
/// own duplicate of the descriptor, closes that duplicate exactly once, answers the dispatcher's
/// SO_ERROR question, and makes the file non-blocking while it works on it, putting the file's
/// status flags back as they were when it closes.
class pipe_wrapper final : public asyncore::stream {
public:
    /// Duplicates `fd` (close-on-exec), remembers the file's status flags (`F_GETFL`) and makes
    /// the file non-blocking. \throws std::system_error (`EBADF`) if `fd` is not open. TODO
    explicit pipe_wrapper(int fd);
    /// Closes, and swallows any error: the descriptor is gone either way. TODO
    ~pipe_wrapper() override;
    pipe_wrapper(const pipe_wrapper&) = delete;
    pipe_wrapper& operator=(const pipe_wrapper&) = delete;

    /// The duplicate, or -1 once closed.
    int fileno() const noexcept override { return fd_; }
    /// Puts the file's status flags back as they were, then closes the duplicate. Counts as closed
    /// even when the kernel reports an error, so a second call does nothing.
    /// \throws std::system_error when `::close()` fails with anything but `EINTR`. TODO
    void close() override;
    /// `read(2)` on the duplicate: the count, 0 at end of file, or -1 with `errno` set. TODO
    ssize_t recv(void* buffer, std::size_t size) noexcept override;
    /// `write(2)` on the duplicate: the count, or -1 with `errno` set. TODO
    ssize_t send(const void* data, std::size_t size) noexcept override;
    /// The dispatcher's `SO_ERROR` question: a pipe has no pending socket error. TODO
    int pending_error() override;

private:
    int fd_ = -1;           ///< the duplicate, -1 once closed
    int saved_flags_ = -1;  ///< the file's status flags before this wrapper made it non-blocking
};

/// A dispatcher over a pipe_wrapper: asyncore::file_dispatcher, with your wrapper. Given.
class pipe_dispatcher : public asyncore::dispatcher {
public:
    /// Wraps a duplicate of `fd` and registers it in `map`. It starts connected: a pipe has no
    /// connect step.
    explicit pipe_dispatcher(int fd, asyncore::channel_map* map = nullptr) : dispatcher(map) {
        connected = true;
        set_stream(std::make_unique<pipe_wrapper>(fd));
    }
};

/// The receiving end of the stream: a connected socket that sends what it is given, and closes
/// once everything has gone out. Given complete (it is chapter 03's dispatcher_with_send plus a
/// close_when_done()); pipe_source streams into it.
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
/// Given: it is the chapter's pipe_in, on your wrapper.
class pipe_source : public pipe_dispatcher {
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
/// reader sees end of file once every other copy of the write end is closed too. Given.
class pipe_feeder : public pipe_dispatcher {
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
