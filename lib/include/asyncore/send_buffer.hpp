/// \file
/// \brief Bytes waiting to be sent, consumed from the front without re-copying the rest.
#pragma once

#include "asyncore/config.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace asyncore {

/// Bytes waiting to be sent: appended at the back, consumed from the front.
///
/// Python's `out_buffer = out_buffer[n:]` copies everything left after each partial send, which
/// makes sending a large buffer quadratic. This keeps an offset instead, and moves the
/// remaining bytes down only once the consumed part outgrows them: amortised O(1) per byte.
/// \chapter{03}
class send_buffer {
public:
    /// Adds `data` at the back.
    void append(std::string_view data);
    /// The first `most` bytes waiting (fewer if fewer wait), without copying them.
    std::string_view front(std::size_t most) const noexcept;
    /// Drops `n` bytes from the front (the ones just sent).
    void consume(std::size_t n) noexcept;
    /// Drops everything. Storage above 1 MiB is given back; smaller storage is kept for reuse.
    void clear() noexcept;
    /// How many bytes wait.
    std::size_t size() const noexcept { return bytes_.size() - head_; }
    /// True when nothing waits.
    bool empty() const noexcept { return size() == 0; }
    /// Everything waiting, as one view.
    std::string_view view() const noexcept { return front(size()); }
    /// Bytes of memory reserved, sent part included (a drained buffer keeps at most 1 MiB).
    std::size_t capacity() const noexcept { return bytes_.capacity(); }

private:
    // [state]
    std::string bytes_;
    std::size_t head_ = 0;  // bytes_[0, head_) have been sent
    // [state]
};

}  // namespace asyncore
