// Capstone 09: the incremental HTTP response parser. Read chapters/09-http-client/README.md first.
// Check your work with:  ./course check 09
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "response_parser.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace http {

// TODO helpers begin: functions of your own, if you want some, and the definitions of the private
//         helpers response_parser.hpp suggests (take_line(), on_status_line(), start_body()...):
//         define those you use, leave the others out.
// TODO helpers end

response_parser::response_parser(body_sink on_body, bool head_request)
    : on_body_(std::move(on_body)), head_request_(head_request) {}

const std::string* response_parser::header(std::string_view name) const {
    // TODO 1 begin: the value of the first header whose name equals `name`, ignoring case.
    (void)name;
    return nullptr;
    // TODO 1 end
}

// [feed]
void response_parser::feed(std::string_view data) {
    // TODO 2 begin: a loop over `data` driven by stage_ (the header lists the stages):
    //   status_line   "HTTP/1.x NNN reason": check it, keep status_ and reason_
    //   header_line   "Name: value" until an empty line; then decide how the body is framed
    //                 (RFC 9112 6.3): no body for HEAD, 1xx, 204, 304; if there is any
    //                 Transfer-Encoding, chunked when chunked is the last coding of all its
    //                 lines together ("gzip" then "chunked": chunked), else until close;
    //                 else Content-Length; else until close.
    //   body_length   pass up to left_ bytes to on_body_
    //   chunk_size / chunk_data / chunk_end / trailer_line   the chunked format
    //   body_until_close   everything goes to on_body_
    // A line may arrive in pieces: keep the part you have in line_. Keep the status line and
    // headers exactly as received in head_ (for -i), and refuse a head over max_head_size.
    // Throw protocol_error (one clear line) for anything malformed.
    (void)data;
    // TODO 2 end
}
// [feed]

// [finish]
void response_parser::finish() {
    // TODO 3 begin: the connection closed. A body "until close" is now complete; anything else
    //         that is not done() is a truncated response: throw protocol_error.
    // TODO 3 end
}
// [finish]

}  // namespace http
