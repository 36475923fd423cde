// Capstone 09, a solution: one HTTP GET on the loop.
#include "http_get.hpp"

namespace http {

http_get::http_get(const url& target, const asyncore::address& server, std::ostream& out, bool include_head,
                   asyncore::channel_map* map)
    : dispatcher_with_send(map),
      target_(target),
      out_(out),
      include_head_(include_head),
      parser_([this](std::string_view piece) { write_body(piece); }) {
    // TODO 1 begin
    create_socket(server.family(), SOCK_STREAM);
    connect(server);
    // TODO 1 end
}

// [request]
std::string http_get::request_for(const url& target) {
    // TODO 2 begin
    return "GET " + target.target + " HTTP/1.1\r\n" +
           "Host: " + target.host_header() + "\r\n" +
           "User-Agent: asyncore-cpp-http_client/0.1\r\n"
           "Accept: */*\r\n"
           "Connection: close\r\n"
           "\r\n";
    // TODO 2 end
}
// [request]

// [handlers]
void http_get::handle_connect() {
    // TODO 3 begin
    send(request_for(target_));
    // TODO 3 end
}

void http_get::handle_read() {
    // TODO 4 begin
    static char buffer[65536];
    std::size_t got = recv_into(buffer, sizeof buffer);
    if (got == 0) return;  // end of file went to handle_eof(); or nothing after all
    last_heard_ = std::chrono::steady_clock::now();
    try {
        parser_.feed(std::string_view(buffer, got));  // a protocol_error goes to handle_error()
    } catch (const protocol_error&) {
        // Bytes after a complete response (a stray CRLF, say) break no promise to us: the
        // response is whole, so it counts, as it does for curl. Anything else is an error.
        if (!parser_.done()) throw;
    }
    if (parser_.done()) complete();
    // TODO 4 end
}

void http_get::handle_eof() {
    // TODO 5 begin
    parser_.finish();  // a truncated response throws: handle_error() reports it
    complete();
    // TODO 5 end
}

void http_get::handle_close() {
    // TODO 6 begin
    fail("connection reset by the server before the response was complete");
    // TODO 6 end
}

void http_get::handle_error() {
    // TODO 7 begin
    try {
        throw;
    } catch (const std::exception& e) {
        fail(e.what());
    } catch (...) {
        fail("unknown error");
    }
    // TODO 7 end
}
// [handlers]

// [output]
void http_get::write_body(std::string_view piece) {
    // TODO 8 begin
    if (include_head_ && !head_written_) {
        out_ << parser_.head();
        head_written_ = true;
    }
    out_.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    // TODO 8 end
}

void http_get::complete() {
    // TODO 9 begin
    write_body({});  // the head, for -i, even when there is no body
    out_.flush();
    complete_ = true;
    close();
    // TODO 9 end
}

void http_get::fail(std::string why) {
    // TODO 10 begin
    if (!complete_ && error_.empty()) error_ = std::move(why);
    close();
    // TODO 10 end
}
// [output]

}  // namespace http
