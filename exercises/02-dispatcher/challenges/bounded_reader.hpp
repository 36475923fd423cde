// Exercise 02, challenge: a line that never ends. The tests use this class; you write
// challenges/bounded_reader.cpp. Leave this file as it is.
#pragma once

#include "line_reader.hpp"

#include <cstddef>
#include <string>

/// Your line_reader (from line_reader.cpp) with a limit. A peer that sends and sends without a
/// "\n" would make the unfinished line grow until memory runs out. A bounded_reader refuses a line
/// that grows past `max_line` bytes: it records why in `error`, and closes.
class bounded_reader : public line_reader {
public:
    /// The most bytes a line may hold while its "\n" has not arrived (a "\r" counts too).
    static constexpr std::size_t max_line = 64 * 1024;

    using line_reader::line_reader;  ///< line_reader's constructors, unchanged

    /// Why the reader closed early; empty while all is well.
    std::string error;

    /// Reads as line_reader does (yours), then refuses an unfinished line of more than
    /// `max_line` bytes: sets `error` and closes. TODO
    void handle_read() override;
};
