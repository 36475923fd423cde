// Exercise 03, challenge: a sender that tells its producer when to wait and when to go on. The
// tests use this class; you write challenges/drain_sender.cpp. Leave this file as it is.
#pragma once

#include "buffered_sender.hpp"

#include <cstddef>
#include <string_view>

/// Your buffered_sender (from buffered_sender.cpp) with a signal for its producer, as Node's
/// write() returns false and later emits 'drain'. Once pending() has reached `high_water`, the
/// sender is full(): the producer stops sending. When the queue has fallen below half of
/// `high_water` again, handle_write() calls handle_drain(), where the producer sends more
/// (Node waits until its buffer is empty; a low-water mark at half is what Netty's
/// WriteBufferWaterMark does, 32 KiB low and 64 KiB high by default).
class drain_sender : public buffered_sender {
public:
    /// How many bytes may wait before the producer is told to stop.
    const std::size_t high_water;

    /// Wraps a socket (registered in `map`, or socket_map when null); `limit` is high_water.
    drain_sender(asyncore::socket sock, std::size_t limit, asyncore::channel_map* map = nullptr)
        : buffered_sender(std::move(sock), map), high_water(limit) {}

    /// Queues `data` as buffered_sender::send() does, then marks the sender full() if pending()
    /// has reached high_water. Returns data.size(). TODO
    std::size_t send(std::string_view data) override;
    /// Sends the next slice as buffered_sender::handle_write() does; then, if the sender is full()
    /// and pending() has fallen below half of high_water, it is no longer full, and
    /// handle_drain() is called. TODO
    void handle_write() override;
    /// The queue has drained: the producer may send again. Does nothing here: a producer
    /// overrides it.
    virtual void handle_drain() {}
    /// True from the send() that brought pending() to high_water until the handle_drain() call
    /// that follows: the producer should not send while it is true.
    bool full() const { return full_; }

private:
    bool full_ = false;  ///< set by send(), cleared by handle_write() before it calls handle_drain()
};
