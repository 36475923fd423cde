// Challenge 13, a solution: chunked_producer.
#include "chunked_producer.hpp"

#include <cstdio>
#include <utility>

chunked_producer::chunked_producer(std::unique_ptr<asyncore::producer> inner) : inner_(std::move(inner)) {}

std::string chunked_producer::more() {
    // TODO 1 begin
    // [more]
    if (finished_) return {};
    std::string data = inner_ ? inner_->more() : std::string();
    if (data.empty()) {
        finished_ = true;
        inner_.reset();  // done with it: let it go (and the file it may hold)
        return "0\r\n\r\n";
    }
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return size + data + "\r\n";
    // [more]
    // TODO 1 end
}
