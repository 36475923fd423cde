// Exercise 02: a dispatcher that reads lines. The tests use this class; you write line_reader.cpp.
#pragma once

#include <asyncore/asyncore.hpp>

#include "counted_string.hpp"

#include <cstddef>
#include <string>
#include <vector>

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
