// Challenge 13 (optional): chunked_producer, HTTP/1.1's chunked transfer coding as a producer.
// You write chunked_producer.cpp; check it with ./course check 13 --challenges.
#pragma once

#include <asyncore/asyncore.hpp>

#include <memory>
#include <string>

/// Wraps another producer and sends what it produces with the chunked transfer coding of
/// HTTP/1.1 (RFC 9112, section 7.1): a response whose length is not known when its head is sent.
///
/// Each chunk the inner producer gives becomes: its size in hexadecimal (lower case, no leading
/// zeros), "\r\n", the bytes, "\r\n". When the inner producer is done, the last chunk follows:
/// "0\r\n\r\n". After that, more() returns an empty string.
///
///     inner gives "hello", "world!", then ""      more() gives "5\r\nhello\r\n",
///                                                  "6\r\nworld!\r\n", "0\r\n\r\n", then ""
class chunked_producer : public asyncore::producer {
public:
    /// Encodes what `inner` produces. A null `inner` produces nothing but the last chunk.
    explicit chunked_producer(std::unique_ptr<asyncore::producer> inner);
    /// The next encoded chunk: one call to the inner producer's more() at most.
    std::string more() override;

private:
    std::unique_ptr<asyncore::producer> inner_;
    bool finished_ = false;  // the last chunk has been given
};
