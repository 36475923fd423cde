// Exercise 02, a solution: a dispatcher that reads lines.
#include "line_reader.hpp"

line_reader::line_reader(asyncore::socket sock, asyncore::channel_map* map) : dispatcher(std::move(sock), map) {}

bool line_reader::writable() {
    // TODO 1 begin
    return false;  // nothing to send: never wake the loop for writing
    // TODO 1 end
}

void line_reader::handle_read() {
    // TODO 2 begin
    partial_ += recv(65536);
    // TODO 2 end
    // TODO 3 begin
    std::size_t start = 0;
    for (auto end = partial_.find('\n'); end != std::string::npos; end = partial_.find('\n', start)) {
        std::size_t length = end - start;
        if (length > 0 && partial_[end - 1] == '\r') --length;
        lines.push_back(partial_.substr(start, length));
        start = end + 1;
    }
    partial_.erase(0, start);  // once per read, not once per line: a burst of lines stays linear
    // TODO 3 end
}

void line_reader::handle_close() {
    // TODO 4 begin
    if (!partial_.empty()) lines.push_back(std::move(partial_));
    partial_.clear();
    close();
    finished = true;
    // TODO 4 end
}
