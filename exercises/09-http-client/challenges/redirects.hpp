// Exercise 09, challenge: following redirects, with a limit. The tests use these; you write
// challenges/redirects.cpp. Leave this file as it is.
#pragma once

#include "http_get.hpp"

#include <optional>
#include <ostream>
#include <string>

namespace http {

/// The most redirects one fetch follows, as `curl -L --max-redirs 5`: the request after the 5th
/// redirect is the last one sent. If its answer is a redirect too, the fetch fails.
constexpr int max_redirects = 5;

/// True for the statuses that send the client to their `Location`: 301, 302, 303, 307 and 308.
bool is_redirect(int status);

/// What one request brought back: the end of one http_get.
struct hop {
    bool ok = false;                      ///< a complete response arrived (whatever its status)
    std::string error;                    ///< why not, in one line; empty when ok
    int status = 0;                       ///< the response's status, 0 if none arrived
    std::optional<std::string> location;  ///< the response's Location header, if it had one
};

/// Fetches `target` once with your http_get, over a new connection in `map`, writing the body to
/// `body`. Runs `map`'s loop itself, a pass at a time, until the fetch ends or `seconds` have
/// passed, so call it where main.cpp runs its loop, never from a handler. (Given.)
hop fetch_once(const url& target, std::ostream& body, asyncore::channel_map& map, double seconds);

/// The URL a `Location` header sends the client to, seen from `current`, the URL just fetched:
/// - a whole URL (`http://host:port/path`) is parsed as it is, whatever host it names;
/// - a network-path reference (it starts with "//": `//host:port/path`, RFC 3986 section 4.2)
///   names a new host, with current's scheme: it is the whole URL "http:" + location;
/// - any other path (it starts with one '/') keeps current's host and port, and replaces its
///   target.
/// \throws bad_url for anything else (an empty Location, `https://`, `page.html`). TODO 1
url resolve_location(const url& current, const std::string& location);

/// How a fetch that follows redirects ended.
struct followed {
    bool ok = false;     ///< the last response is complete and is not a redirect
    std::string error;   ///< why not, in one line; empty when ok
    int status = 0;      ///< the last response's status
    url last;            ///< the URL of the last request sent
    int redirects = 0;   ///< how many redirects were followed
};

/// Fetches `start` and follows each redirect to its Location (resolve_location()), a new
/// fetch_once() per hop, at most max_redirects times. Only the last response's body is written to
/// `out`: a redirect's body (often a little HTML page saying "moved") is dropped. It fails, with
/// one line in `error`, when a hop fails (its error), when a redirect has no Location or one
/// that resolve_location() refuses, and when the answer after the 5th redirect is a redirect
/// again (the line says the limit: "more than 5 redirects"). `seconds` bounds each hop. TODO 2
followed get_following_redirects(const url& start, std::ostream& out, asyncore::channel_map& map,
                                 double seconds = 30.0);

}  // namespace http
