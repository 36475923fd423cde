// Exercise 03: a dispatcher that buffers what it sends. The tests use this class; you write
// buffered_sender.cpp.
#pragma once

#include <asyncore/asyncore.hpp>

#include "counted_string.hpp"

#include <cstddef>
#include <string>
#include <string_view>

/// Sends everything it is given, however little the kernel takes at a time: what does not fit
/// now waits in a buffer and goes out as the socket becomes writable. Your own
/// dispatcher_with_send, on the library as it stands after chapter 02.
class buffered_sender : public asyncore::dispatcher {
public:
    /// The most bytes one dispatcher::send() call may be given: Python's 64 KiB slices.
    static constexpr std::size_t max_slice = 65536;

    /// Wraps a socket (registered in `map`, or socket_map when null).
    explicit buffered_sender(asyncore::socket sock, asyncore::channel_map* map = nullptr);

    /// Queues `data` at the back of the buffer and tries to send at once. Every byte is
    /// accepted, now or later, so it returns `data.size()`.
    std::size_t send(std::string_view data) override;
    /// How many bytes wait to be sent.
    std::size_t pending() const;
    /// True while not connected, or while bytes wait.
    bool writable() override;
    /// The socket has room: send the next slice.
    void handle_write() override;
    /// The bytes buffer_ has moved so far (the tests read it).
    std::size_t bytes_moved() const { return buffer_.moved; }
    /// This channel only sends: it never asks to read.
    bool readable() override { return false; }

private:
    /// Sends one slice (at most max_slice bytes) from the front of the buffer.
    void initiate_send();

    counted_string buffer_;  // the bytes queued by send(); buffer_[0, sent_) are sent already
    std::size_t sent_ = 0;   // where the bytes still waiting begin
};
