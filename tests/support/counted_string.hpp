// counted_string: what exercises 02 and 03 keep their bytes in, so that their tests can count
// the bytes moved (given; leave it as it is).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>

/// A std::string that counts the bytes its erase() and its assignments move, so that the tests
/// can tell code that moves each byte at most once from code that moves all the rest after every
/// line read or piece sent (quadratic work, invisible in a small test). Use it as a std::string.
class counted_string : public std::string {
public:
    /// Bytes moved so far: by erase(), the bytes behind the erased ones; by an assignment, all.
    std::size_t moved = 0;

    /// std::string::erase(), counting the bytes behind the erased ones, which move to the front.
    counted_string& erase(size_type pos = 0, size_type n = npos) {
        if (pos < size()) moved += size() - pos - std::min(n, size() - pos);
        std::string::erase(pos, n);
        return *this;
    }
    /// Assignment, counting every byte of `text`.
    counted_string& operator=(std::string text) {
        moved += text.size();
        std::string::operator=(std::move(text));
        return *this;
    }
};
