// Exercise 02, challenge, a solution: a line that never ends.
#include "bounded_reader.hpp"

#include <utility>

// Your line_reader, built into the challenge's test program with the line below.
#include "../line_reader.cpp"

void bounded_reader::handle_read() {
    // TODO 1 begin
    pending_ += recv(65536);
    std::size_t start = 0;
    for (auto end = pending_.find('\n'); end != std::string::npos; end = pending_.find('\n', start)) {
        std::size_t length = end - start;
        if (length > 0 && pending_[end - 1] == '\r') --length;
        lines.push_back(pending_.substr(start, length));
        start = end + 1;
    }
    pending_.erase(0, start);
    // [limit]
    // Only what is left counts: a read may bring many short lines and still be fine.
    if (pending_.size() > max_line) {
        error = "a line longer than " + std::to_string(max_line) + " bytes";
        pending_.clear();  // the point is to stop holding it
        close();
    }
    // [limit]
    // TODO 1 end
}

void bounded_reader::handle_close() {
    if (!pending_.empty()) lines.push_back(std::move(pending_));  // the last line, without its "\n"
    pending_.clear();
    line_reader::handle_close();  // yours: closes, sets finished
}
