#include "asyncore/send_buffer.hpp"

#include <algorithm>

namespace asyncore {

namespace {

// clear() gives back storage larger than this: one burst of megabytes should not stay reserved
// for the rest of a long-lived connection. Smaller storage is kept, to be reused.
constexpr std::size_t kept_capacity = std::size_t{1} << 20;

}  // namespace

// [append_front]
void send_buffer::append(std::string_view data) { bytes_.append(data); }

std::string_view send_buffer::front(std::size_t most) const noexcept {
    return std::string_view(bytes_).substr(head_, most);
}
// [append_front]

// [consume]
void send_buffer::consume(std::size_t n) noexcept {
    head_ += std::min(n, size());
    if (head_ == bytes_.size()) {
        clear();
    } else if (head_ >= bytes_.size() / 2) {
        // The sent part is at least as large as what is left: moving the rest down now costs no
        // more than the bytes already sent, so each byte is moved O(1) times overall.
        bytes_.erase(0, head_);
        head_ = 0;
    }
}
// [consume]

// [clear]
void send_buffer::clear() noexcept {
    if (bytes_.capacity() > kept_capacity)
        std::string().swap(bytes_);  // clear() alone would keep the memory
    else
        bytes_.clear();
    head_ = 0;
}
// [clear]

}  // namespace asyncore
