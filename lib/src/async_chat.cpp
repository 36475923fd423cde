// Chapter 13: async_chat, a channel that speaks a protocol. Input is split at a terminator;
// output is a queue of bytes and producers, sent as the socket takes it.
#include "asyncore/async_chat.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace asyncore {

// [find_prefix_at_end]
std::size_t find_prefix_at_end(std::string_view haystack, std::string_view needle) noexcept {
    if (needle.empty()) return 0;
    // The longest proper prefix of `needle` that `haystack` ends with (the whole needle was
    // looked for already). Terminators are short: trying each length is fast enough.
    for (std::size_t length = std::min(needle.size() - 1, haystack.size()); length > 0; --length) {
        if (haystack.substr(haystack.size() - length) == needle.substr(0, length)) return length;
    }
    return 0;
}
// [find_prefix_at_end]

// [set_terminator]
void async_chat::set_terminator(std::string_view delimiter) {
    terminator_ = std::string(delimiter);
    ++terminators_;
}

void async_chat::set_terminator(std::nullopt_t) noexcept {
    terminator_ = std::nullopt;
    ++terminators_;
}

void async_chat::set_count(std::size_t count) noexcept {
    terminator_ = count;
    ++terminators_;
}

void async_chat::negative_terminator() {
    throw std::invalid_argument("set_terminator: the number of bytes to read must not be negative");
}
// [set_terminator]

// [handle_read]
void async_chat::handle_read() {
    std::string chunk(ac_in_buffer_size, '\0');
    chunk.resize(recv_into(chunk.data(), chunk.size()));
    if (chunk.empty()) return;  // end of file (handle_close() has run), or woken for nothing
    if (in_.empty())
        in_.swap(chunk);
    else
        in_ += chunk;  // after the start of a terminator kept from the last read
    split_input();
}
// [handle_read]

// [split_input]
void async_chat::split_input() {
    splitting_ = true;
    // Every handler below may change the terminator, push, discard or close: the loop reads the
    // state again each turn. Handlers never change in_ itself (discard_buffers() only moves
    // in_head_ while we split), so the views they are given stay valid during their call.
    while (in_head_ < in_.size() && fileno() >= 0) {
        std::string_view rest = std::string_view(in_).substr(in_head_);
        if (auto* count = std::get_if<std::size_t>(&terminator_); count && *count > 0) {
            if (rest.size() < *count) {  // all of it belongs to the message, and more is to come
                *count -= rest.size();
                in_head_ = in_.size();
                collect_incoming_data(rest);
            } else {  // the message ends inside what we have: exactly *count bytes are its own
                std::string_view own = rest.substr(0, *count);
                *count = 0;
                in_head_ += own.size();
                collect_incoming_data(own);
                found_terminator();
            }
        } else if (auto* delimiter = std::get_if<std::string>(&terminator_); delimiter && !delimiter->empty()) {
            std::size_t at = rest.find(*delimiter);
            if (at != std::string_view::npos) {  // a whole message: collect it, skip the delimiter
                in_head_ += at + delimiter->size();
                if (at > 0) collect_incoming_data(rest.substr(0, at));  // never an empty call
                found_terminator();
            } else {  // no delimiter yet: keep back what may be its beginning, collect the rest
                std::size_t kept = find_prefix_at_end(rest, *delimiter);
                const unsigned long terminators = terminators_;
                in_head_ += rest.size() - kept;
                if (rest.size() > kept) collect_incoming_data(rest.substr(0, rest.size() - kept));
                if (kept > 0 && terminators_ == terminators) break;  // wait for the next read
            }
        } else {  // no terminator (none, "" or a count of 0): everything is data
            in_head_ = in_.size();
            collect_incoming_data(rest);
        }
    }
    splitting_ = false;
    // Keep only what is left (at most the start of a delimiter), in a buffer of its own size:
    // a read buffer of 64 KiB per idle connection would add up.
    if (fileno() < 0 || in_head_ >= in_.size())
        std::string().swap(in_);
    else
        in_ = in_.substr(in_head_);
    in_head_ = 0;
}
// [split_input]

// [push]
void async_chat::push(std::string_view data) {
    if (data.empty()) return;
    entry* last = fifo_.empty() ? nullptr : &fifo_.back();
    if (last && !last->source && !last->close && last->bytes.size() - last->offset + data.size() <= ac_out_buffer_size)
        last->bytes.append(data);  // small pushes share one send
    else
        fifo_.push_back(entry{std::string(data), 0, nullptr, false});
    initiate_send();
}

void async_chat::push_with_producer(std::unique_ptr<producer> source) {
    if (!source) return;
    fifo_.push_back(entry{{}, 0, std::move(source), false});
    initiate_send();
}

void async_chat::close_when_done() { fifo_.push_back(entry{{}, 0, nullptr, true}); }
// [push]

// [initiate_send]
void async_chat::initiate_send() {
    if (sending_) return;  // called back from inside: what it queued goes out in turn
    sending_ = true;
    const unsigned long generation = generation_;
    struct done_sending {
        bool& flag;
        ~done_sending() { flag = false; }
    } guard{sending_};

    while (!fifo_.empty() && connected) {
        entry& first = fifo_.front();  // (a deque keeps references across push_back)
        if (first.close) {
            fifo_.pop_front();
            handle_close();
            return;
        }
        if (first.source) {  // a producer: pulled only now that everything before it is sent
            std::string chunk = first.source->more();
            if (generation_ != generation) return;  // more() discarded the queue
            if (chunk.empty())
                fifo_.pop_front();  // exhausted: destroyed now
            else
                fifo_.push_front(entry{std::move(chunk), 0, nullptr, false});
            continue;
        }
        std::string_view data = std::string_view(first.bytes).substr(first.offset, ac_out_buffer_size);
        std::size_t sent = send(data);  // the peer may be gone: handle_close() may have run
        if (generation_ != generation) return;
        first.offset += sent;
        if (first.offset == first.bytes.size()) fifo_.pop_front();
        return;  // one send per call: the socket said how much it takes
    }
}
// [initiate_send]

// [discard_buffers]
void async_chat::discard_buffers() {
    if (splitting_) {
        in_head_ = in_.size();  // split_input() holds views into in_: it frees it when done
    } else {
        std::string().swap(in_);
        in_head_ = 0;
    }
    fifo_.clear();
    ++generation_;
}
// [discard_buffers]

// [events]
void async_chat::handle_write() { initiate_send(); }

void async_chat::handle_close() {
    discard_buffers();  // nothing queued can be sent any more: let producers go (and their files)
    close();
}

bool async_chat::readable() { return true; }

bool async_chat::writable() { return !fifo_.empty() || !connected; }
// [events]

// [simple_producer]
simple_producer::simple_producer(std::string data, std::size_t buffer_size)
    : data_(std::move(data)), buffer_size_(std::max<std::size_t>(buffer_size, 1)) {}

std::string simple_producer::more() {
    std::string chunk = data_.substr(std::min(offset_, data_.size()), buffer_size_);
    offset_ += chunk.size();
    if (offset_ >= data_.size()) {  // all handed out: free it
        std::string().swap(data_);
        offset_ = 0;
    }
    return chunk;
}
// [simple_producer]

}  // namespace asyncore
