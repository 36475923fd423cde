// Exercise 03, a solution: a dispatcher that buffers what it sends.
#include "buffered_sender.hpp"

buffered_sender::buffered_sender(asyncore::socket sock, asyncore::channel_map* map)
    : dispatcher(std::move(sock), map) {}

std::size_t buffered_sender::send(std::string_view data) {
    // TODO 1 begin
    buffer_.append(data);
    initiate_send();  // the socket may have room now: no need to wait for the loop
    return data.size();
    // TODO 1 end
}

void buffered_sender::initiate_send() {
    // TODO 2 begin
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
    // TODO 2 end
}

std::size_t buffered_sender::pending() const {
    // TODO 3 begin
    return buffer_.size() - sent_;
    // TODO 3 end
}

bool buffered_sender::writable() {
    // TODO 4 begin
    return !connected || pending() > 0;
    // TODO 4 end
}

void buffered_sender::handle_write() {
    // TODO 5 begin
    initiate_send();
    // TODO 5 end
}
