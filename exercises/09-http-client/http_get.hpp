// Capstone 09: one HTTP GET on the loop (given: you write http_get.cpp).
#pragma once

#include "response_parser.hpp"
#include "url.hpp"

#include <asyncore/asyncore.hpp>

#include <chrono>
#include <ostream>
#include <string>

namespace http {

/// Connects, sends one GET request, and writes the response's body to `out` as it arrives
/// (with `include_head`, the status line and headers first). The channel closes itself when
/// the response is complete or something goes wrong; then ok() and error() tell which.
class http_get : public asyncore::dispatcher_with_send {
public:
    /// Starts connecting to `server` to fetch `target`, in `map` (nullptr: socket_map).
    http_get(const url& target, const asyncore::address& server, std::ostream& out, bool include_head,
             asyncore::channel_map* map = nullptr);

    /// The request this client sends: GET with Host, User-Agent and Connection: close.
    static std::string request_for(const url& target);

    /// True once a complete response has arrived (whatever its status).
    bool ok() const { return complete_; }
    /// Why the fetch failed, in one line; empty while it has not failed.
    const std::string& error() const { return error_; }
    /// The parsed response (status, headers) so far.
    const response_parser& response() const { return parser_; }
    /// When the server was last heard from (or the fetch started): for an idle timeout.
    std::chrono::steady_clock::time_point last_heard() const { return last_heard_; }

    void handle_connect() override;
    void handle_read() override;
    void handle_eof() override;
    void handle_close() override;
    void handle_error() override;

private:
    void write_body(std::string_view piece);
    void complete();
    void fail(std::string why);

    url target_;
    std::ostream& out_;
    bool include_head_;
    bool head_written_ = false;
    bool complete_ = false;
    std::string error_;
    response_parser parser_;
    std::chrono::steady_clock::time_point last_heard_ = std::chrono::steady_clock::now();
};

}  // namespace http
