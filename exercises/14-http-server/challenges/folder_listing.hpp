// Exercise 14, challenge: folder listings. The tests use these; you write
// challenges/folder_listing.cpp. Leave this file as it is.
#pragma once

#include "http_server.hpp"

#include <optional>
#include <string>

/// One line of a listing, for the entry `name` of a folder (a file, a folder or anything else):
///
///     <li><a href="LINK">TEXT</a></li>
///
/// - TEXT is the name as a browser should show it: `&`, `<` and `>` written `&amp;`, `&lt;` and
///   `&gt;`, so that a name cannot start a tag;
/// - LINK is the name as a URL path carries it: every byte but the letters, the digits and
///   `-._~` written `%XX` (two upper-case hex digits), so that a space, a `#` or a `?` in a name
///   is part of the name, not the end of the path;
/// - a folder (`is_folder`) gets a `/` after its name in both, not encoded: `sub/`.
///
/// No newline at the end. TODO 1
std::string listing_line(const std::string& name, bool is_folder);

/// The HTML page that lists the folder `folder` (its path on disk), which the client asked for
/// as `url_path` (the target's path, percent-decoded, ending in '/': "/docs/"):
///
///     <!DOCTYPE html>
///     <html><head><meta charset="utf-8"><title>Index of URL_PATH</title></head>
///     <body><h1>Index of URL_PATH</h1>
///     <ul>
///     one listing_line() per entry, each on its own line
///     </ul>
///     </body></html>
///
/// with URL_PATH HTML-escaped as listing_line() escapes TEXT. The entries are the folder's names
/// but "." and "..", sorted byte by byte (as std::string's `<` sorts them). Returns std::nullopt
/// when the folder holds an `index.html`: then http_handler serves that file instead. TODO 2
std::optional<std::string> folder_listing(const std::string& folder, const std::string& url_path);

/// Your http_handler, which answers a GET or HEAD of a folder without an index.html with
/// folder_listing()'s page, as text/html (given).
class listing_handler : public http_handler {
public:
    using http_handler::http_handler;  ///< http_handler's constructors, as they are

protected:
    /// The listing, where http_handler would answer 404 (given).
    void respond_to_folder(const std::string& folder, const std::string& url_path, bool head_only,
                           bool keep_alive) override;
};

/// An http_server whose connections are listing_handlers (given).
class listing_server : public http_server {
public:
    /// What http_server takes.
    listing_server(const asyncore::address& where, const std::string& root, asyncore::channel_map* map,
                   std::ostream& log, http_limits limits = {});

    /// Makes a listing_handler for each waiting connection (no connection limit).
    void handle_accept() override;

private:
    std::ostream& log_;    ///< where each handler logs, as http_server's own handlers do
    http_limits limits_;   ///< the limits each handler is made with
};
