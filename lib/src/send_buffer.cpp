#include "asyncore/send_buffer.hpp"

#if ASYNCORE_CHAPTER >= 3
#include <algorithm>

namespace asyncore {

void send_buffer::append(std::string_view data) { bytes_.append(data); }

std::string_view send_buffer::front(std::size_t most) const noexcept {
    return std::string_view(bytes_).substr(head_, most);
}

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

void send_buffer::clear() noexcept {
    bytes_.clear();
    head_ = 0;
}

}  // namespace asyncore
#endif
