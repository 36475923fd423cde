// Exercise 02: a dispatcher that reads lines. The tests use this class; you write line_reader.cpp.
#pragma once

#include <asyncore/asyncore.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

/// A std::string that counts the bytes its erase() and its assignments move, so that the tests
/// can tell a reader that moves each byte once from one that moves the rest after every line.
/// Use it as a std::string.
class counted_string : public std::string {
public:
    /// Bytes moved so far: by erase(), the bytes behind the erased ones; by an assignment, all.
    std::size_t moved = 0;

    counted_string& erase(size_type pos = 0, size_type n = npos) {
        if (pos < size()) moved += size() - pos - std::min(n, size() - pos);
        std::string::erase(pos, n);
        return *this;
    }
    counted_string& operator=(std::string text) {
        moved += text.size();
        std::string::operator=(std::move(text));
        return *this;
    }
};

/// Reads text from its socket and splits it into lines as they complete.
class line_reader : public asyncore::dispatcher {
public:
    /// Wraps a connected socket (registered in `map`, or socket_map when null).
    explicit line_reader(asyncore::socket sock, asyncore::channel_map* map = nullptr);

    /// Every complete line so far, in order, without its "\n" (nor a "\r" just before it).
    std::vector<std::string> lines;
    /// True once the peer has closed and the reader has closed too.
    bool finished = false;

    bool writable() override;
    void handle_read() override;
    void handle_close() override;

    /// The bytes partial_ has moved so far (the tests read it).
    std::size_t bytes_moved() const { return partial_.moved; }
    /// The bytes of the line whose "\n" has not arrived yet (the challenge reads it).
    std::size_t unfinished() const { return partial_.size(); }

private:
    counted_string partial_;  // the start of a line whose "\n" has not arrived yet
};
