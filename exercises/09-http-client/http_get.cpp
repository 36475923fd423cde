// Capstone 09: one HTTP GET on the loop. Read chapters/09-http-client/README.md first.
// Check your work with:  ./course check 09
#include "http_get.hpp"

namespace http {

http_get::http_get(const url& target, const asyncore::address& server, std::ostream& out, bool include_head,
                   asyncore::channel_map* map)
    : dispatcher_with_send(map),
      target_(target),
      out_(out),
      include_head_(include_head),
      parser_([this](std::string_view piece) { write_body(piece); }) {
    // TODO 1: create a socket of server's family and connect() to it. The loop finishes the
    //         connect; handle_connect() runs when it succeeded.
    (void)server;
}

std::string http_get::request_for(const url& target) {
    // TODO 2: "GET <target> HTTP/1.1", then the Host, User-Agent and Connection: close headers,
    //         every line ending in "\r\n", and an empty line at the end.
    (void)target;
    return "";
}

void http_get::handle_connect() {
    // TODO 3: send() the request. dispatcher_with_send queues what the kernel does not take.
}

void http_get::handle_read() {
    // TODO 4: recv() what arrived, note the time in last_heard_, feed() it to parser_ and, when
    //         the parser is done(), complete(). (A protocol_error thrown here reaches handle_error().)
}

void http_get::handle_eof() {
    // TODO 5: the server closed: finish() the parser (it throws if the response was cut short),
    //         then complete().
    close();
}

void http_get::handle_close() { close(); }

void http_get::handle_error() {
    // TODO 6: this runs inside a catch block: rethrow to read the exception's what(), and fail()
    //         with it. A refused connection arrives here too.
    close();
}

void http_get::write_body(std::string_view piece) {
    // TODO 7: write the piece to out_; with include_head_, write parser_.head() once, first.
    (void)piece;
}

void http_get::complete() {
    // TODO 8: the response is complete: make sure the head was written (for -i), flush, set
    //         complete_, close().
    close();
}

void http_get::fail(std::string why) {
    // TODO 9: remember the first reason (unless the response was already complete), and close().
    (void)why;
    close();
}

}  // namespace http
