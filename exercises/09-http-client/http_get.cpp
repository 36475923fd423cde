// Capstone 09: one HTTP GET on the loop. Read chapters/09-http-client/README.md first.
// Check your work with:  ./course check 09
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "http_get.hpp"

namespace http {

http_get::http_get(const url& target, const asyncore::address& server, std::ostream& out, bool include_head,
                   asyncore::channel_map* map)
    : dispatcher_with_send(map),
      target_(target),
      out_(out),
      include_head_(include_head),
      parser_([this](std::string_view piece) { write_body(piece); }) {
    // TODO 1 begin: create a socket of server's family and connect() to it. The loop finishes the
    //         connect; handle_connect() runs when it succeeded.
    (void)server;
    // TODO 1 end
}

// [request]
std::string http_get::request_for(const url& target) {
    // TODO 2 begin: "GET <target> HTTP/1.1", then the Host, User-Agent and Connection: close
    //         headers, every line ending in "\r\n", and an empty line at the end.
    (void)target;
    return "";
    // TODO 2 end
}
// [request]

// [handlers]
void http_get::handle_connect() {
    // TODO 3 begin: send() the request. dispatcher_with_send queues what the kernel does not take.
    // TODO 3 end
}

void http_get::handle_read() {
    // TODO 4 begin: recv() what arrived, note the time in last_heard_, feed() it to parser_ and,
    //         when the parser is done(), complete(). (A protocol_error thrown here reaches
    //         handle_error().)
    // TODO 4 end
}

void http_get::handle_eof() {
    // TODO 5 begin: the server closed: finish() the parser (it throws if the response was cut
    //         short), then complete().
    close();
    // TODO 5 end
}

void http_get::handle_close() {
    // TODO 6 begin: the connection was reset (or broke) before the response was complete:
    //         fail() with a reason that says so.
    close();
    // TODO 6 end
}

void http_get::handle_error() {
    // TODO 7 begin: this runs inside a catch block: rethrow to read the exception's what(), and
    //         fail() with it. A refused connection arrives here too.
    close();
    // TODO 7 end
}
// [handlers]

// [output]
void http_get::write_body(std::string_view piece) {
    // TODO 8 begin: write the piece to out_; with include_head_, write parser_.head() once, first.
    (void)piece;
    // TODO 8 end
}

void http_get::complete() {
    // TODO 9 begin: the response is complete: make sure the head was written (for -i, even with
    //         no body), flush, set complete_, close().
    close();
    // TODO 9 end
}

void http_get::fail(std::string why) {
    // TODO 10 begin: remember the first reason (unless the response was already complete), and
    //         close().
    (void)why;
    close();
    // TODO 10 end
}
// [output]

}  // namespace http
