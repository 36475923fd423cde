// Challenge 13 (optional): write chunked_producer::more() (see chunked_producer.hpp).
// Check with ./course check 13 --challenges.
#include "chunked_producer.hpp"

#include <cstdio>
#include <utility>

chunked_producer::chunked_producer(std::unique_ptr<asyncore::producer> inner) : inner_(std::move(inner)) {}

std::string chunked_producer::more() {
    // TODO 1 begin: ask the inner producer for one chunk (if there is an inner producer and the
    //         last chunk was not given yet) and encode it: hex size, "\r\n", bytes, "\r\n".
    //         When it has nothing more: "0\r\n\r\n" once, then empty strings for ever.
    return {};
    // TODO 1 end
}
