// Exercise 03, a solution: a dispatcher that buffers what it sends.
#include "buffered_sender.hpp"

buffered_sender::buffered_sender(asyncore::socket sock, asyncore::channel_map* map)
    : dispatcher(std::move(sock), map) {}

std::size_t buffered_sender::send(std::string_view data) {
    buffer_.append(data);
    initiate_send();  // the socket may have room now: no need to wait for the loop
    return data.size();
}

void buffered_sender::initiate_send() {
    if (pending() == 0) return;
    std::string_view waiting = std::string_view(buffer_).substr(sent_, max_slice);
    sent_ += dispatcher::send(waiting);  // 0 when the socket is full, or when the peer is gone
    if (sent_ == buffer_.size()) {
        buffer_.clear();
        sent_ = 0;
    } else if (sent_ >= buffer_.size() - sent_) {
        // What was sent is at least as large as what is left: moving the rest down now costs
        // no more than the bytes already sent, so each byte moves at most once overall.
        buffer_.erase(0, sent_);
        sent_ = 0;
    }
}

std::size_t buffered_sender::pending() const { return buffer_.size() - sent_; }

bool buffered_sender::writable() { return !connected || pending() > 0; }

void buffered_sender::handle_write() { initiate_send(); }
