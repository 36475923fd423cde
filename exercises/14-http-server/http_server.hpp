// Capstone 14: the HTTP/1.1 file server. You write the request-head handling in http_server.cpp
// (the TODO regions); this header, main.cpp and the rest of http_server.cpp are given.
#pragma once

#include <asyncore/asyncore.hpp>

#include <cstddef>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>

/// What the server allows its clients (given).
struct http_limits {
    /// Close a connection after this many seconds with no byte read or written; 0: never.
    double idle_timeout = 60;
    /// Clients served at once; one more is accepted and closed at once, with a log line.
    std::size_t max_connections = 10000;
    /// The longest request head (request line and header lines, with their CRLFs) read: past it,
    /// 414 if the request line alone is that long, else 431, and the connection closes.
    std::size_t max_head = 16 * 1024;
    /// The longest request target: past it, 414.
    std::size_t max_target = 4096;
    /// The largest request body read (and dropped: GET and HEAD mean nothing by one): past it, 413.
    std::size_t max_body = 1 << 20;
};

/// One request head, as found_terminator() parses it.
struct http_request {
    std::string method;   ///< "GET", as sent (methods are case-sensitive)
    std::string target;   ///< "/docs/a%20b.txt?x=1", as sent
    int minor = 1;        ///< 1 for HTTP/1.1, 0 for HTTP/1.0
    /// The header fields, names in lower case; a repeated field's values joined with ", ".
    std::map<std::string, std::string> headers;

    /// The value of header `name` (lower case), or "" when it is absent.
    std::string header(const std::string& name) const;
};

/// Parses `head` (a request line and header lines, each ending "\r\n", without the empty line
/// that ends the head) into `request`. Returns 0 when the head is well formed, else the status to
/// answer: 400 (malformed), 414 (target longer than `max_target`), 505 (an HTTP version other
/// than 1.x). Empty lines before the request line are skipped (RFC 9112, section 2.2).
int parse_request_head(std::string_view head, std::size_t max_target, http_request& request);

// [handler]
/// One connection: reads request heads with async_chat (terminator "\r\n\r\n") and answers each
/// in turn, for as long as the connection persists.
class http_handler : public asyncore::async_chat {
public:
    /// Queue at most this many output entries before reading again (pipelined requests wait
    /// in the socket, not in memory).
    static constexpr std::size_t max_queued = 32;

    /// Serves the connected socket `sock` from the folder `root` (a real path), in `map`.
    http_handler(asyncore::socket sock, asyncore::channel_map* map, const std::string& root, std::ostream& log,
                 const http_limits& limits);
    /// Cancels the idle timer (given).
    ~http_handler() override;

    void collect_incoming_data(std::string_view data) override;
    void found_terminator() override;

    /// False once the connection is closing, and while max_queued entries wait to be sent (given).
    bool readable() override;
    /// The client sent its last byte: answer what it asked, then close (given).
    void handle_eof() override;
    /// Cancels the idle timer, then closes (given).
    void handle_close() override;

    /// Closes this connection once it has been idle for limits.idle_timeout seconds (given).
    void close_when_idle();
    /// Every event notes the time, then goes on as usual (given).
    void handle_read_event() override;
    void handle_write_event() override;

protected:
    /// A GET or HEAD of a folder inside the root that has no index.html: `folder` is its real path
    /// on disk, `url_path` the path the client asked for (percent-decoded, ending in '/').
    /// Default: 404, as Python's http.server answers when it does not list folders. A subclass
    /// may answer with a page of its own through send_response() (the chapter's challenge).
    virtual void respond_to_folder(const std::string& folder, const std::string& url_path, bool head_only,
                                   bool keep_alive);
    /// Queues an error response with a short text body; with `close`, the connection closes
    /// after it and reads nothing more (given).
    void send_error(int status, bool head_only, bool keep_alive, const std::string& extra_headers = "");
    /// Queues a response head (and for a body, `body` or `source`); closes after it unless
    /// `keep_alive` (given).
    void send_response(int status, const std::string& headers, bool keep_alive, std::size_t length,
                       std::unique_ptr<asyncore::producer> source, const std::string& body = "");

private:
    /// Queues the response to a well-formed request: the file, or an error (given).
    void respond(const http_request& request, bool keep_alive);
    /// One log line per response: `peer "request line" status length` (given).
    void log_response(int status, std::size_t length);

    std::string root_;
    std::ostream& log_;
    http_limits limits_;
    std::string peer_;

    std::string head_;            // the request head read so far
    std::string request_line_;    // for the log line
    bool in_body_ = false;        // reading (and dropping) a request body, not a head
    bool pending_keep_alive_ = true;  // what the request whose body is being read asked for
    http_request pending_;        // the request whose body is being read
    bool closing_ = false;        // close_when_done() is queued: read and answer nothing more

    void check_idle();
    asyncore::timer_clock::time_point last_active_ = asyncore::timer_clock::now();
    asyncore::timer idle_timer_;
};
// [handler]

/// The listening socket: makes an http_handler for every connection.
class http_server : public asyncore::dispatcher {
public:
    /// Listens on `where` (port 0: any free port) and serves the files under `root`.
    /// \throws std::system_error if it cannot listen, std::runtime_error if `root` is not a folder.
    http_server(const asyncore::address& where, const std::string& root, asyncore::channel_map* map = nullptr,
                std::ostream& log = std::cout, http_limits limits = {});

    /// The address it listens on, with the port the kernel picked for port 0.
    asyncore::address local_address();
    /// The folder served, as a real path (no symbolic link, no "..").
    const std::string& root() const { return root_; }

    void handle_accept() override;

private:
    std::string root_;
    std::ostream& log_;
    http_limits limits_;
};
