// Capstone 09: an incremental HTTP/1.1 response parser (given: you write response_parser.cpp).
//
// Feed it the bytes of a response in pieces of any size, down to one byte at a time: the
// result is the same. Body bytes go to a callback as they arrive, so a large download never
// sits in memory whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace http {

/// The response breaks the protocol, or ended too early. what() says how, in one line.
class protocol_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Parses one HTTP/1.x response: status line, headers, then a body framed by Content-Length,
/// chunked transfer encoding, or the end of the connection.
class response_parser {
public:
    /// What is received, limited: more than this in the status line and headers is an error.
    static constexpr std::size_t max_head_size = 64 * 1024;
    /// The longest chunk-size line (with extensions) accepted.
    static constexpr std::size_t max_chunk_line = 4096;

    /// Called with each piece of the body as it is parsed.
    using body_sink = std::function<void(std::string_view)>;

    /// A parser for the response to a request; `head_request` means the response has no body.
    explicit response_parser(body_sink on_body, bool head_request = false);

    /// Parses `data`, the next bytes of the response. Bytes after a complete response are an
    /// error (this client sends "Connection: close" and one request).
    /// \throws protocol_error when the bytes break the protocol.
    void feed(std::string_view data);

    /// The connection ended. Completes a body that runs until the connection closes.
    /// \throws protocol_error if the response is not complete (truncated).
    void finish();

    /// True once the whole response has been parsed.
    bool done() const { return stage_ == stage::done; }

    /// The status code, e.g. 200 (0 until the status line is parsed).
    int status() const { return status_; }
    /// The reason phrase, e.g. "OK".
    const std::string& reason() const { return reason_; }
    /// The headers in the order received, names as sent.
    const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
    /// The value of the first header named `name` (case-insensitive), or nullptr.
    const std::string* header(std::string_view name) const;
    /// The status line and headers exactly as received, blank line included: what `-i` prints.
    const std::string& head() const { return head_; }

private:
    enum class stage { status_line, header_line, body_length, chunk_size, chunk_data, chunk_end, trailer_line,
                       body_until_close, done };

    std::optional<std::string> take_line(std::string_view& data, std::size_t limit);
    void on_status_line(const std::string& line);
    void on_header_line(const std::string& line);
    void on_trailer_line(const std::string& line);
    void on_chunk_size_line(const std::string& line);
    void start_body();
    void take_body(std::string_view& data, std::uint64_t& left);

    body_sink on_body_;
    bool head_request_;
    stage stage_ = stage::status_line;
    int status_ = 0;
    std::string reason_;
    std::vector<std::pair<std::string, std::string>> headers_;
    std::string head_;
    std::string line_;  // a line that has begun to arrive
    std::uint64_t left_ = 0;  // body or chunk bytes still to come
};

}  // namespace http
