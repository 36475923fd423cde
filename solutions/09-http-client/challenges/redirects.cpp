// Exercise 09, challenge, a solution: following redirects, with a limit.
#include "redirects.hpp"

// Your client, built into the challenge's test program with the lines below.
#include "../http_get.cpp"
#include "../response_parser.cpp"

#include <chrono>
#include <sstream>

namespace http {

bool is_redirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

hop fetch_once(const url& target, std::ostream& body, asyncore::channel_map& map, double seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    hop result;
    try {
        // Resolving blocks, as in main.cpp: one more reason to call this outside the loop.
        auto server = asyncore::address::resolve(target.host, target.port);
        http_get get(target, server, body, false, &map);
        while (!get.ok() && get.error().empty() && std::chrono::steady_clock::now() < deadline)
            asyncore::poll(0.05, &map);  // one pass: other channels of `map` (a server) run too
        result.ok = get.ok();
        result.error = get.ok() || !get.error().empty() ? get.error() : "timed out fetching " + target.target;
        result.status = get.response().status();
        if (const std::string* location = get.response().header("Location")) result.location = *location;
    } catch (const std::exception& e) {  // a name that does not resolve, a socket that cannot be made
        result.error = e.what();
    }
    return result;
}

url resolve_location(const url& current, const std::string& location) {
    // TODO 1 begin
    // [resolve]
    if (location.rfind("//", 0) == 0)  // "//host:port/path" (RFC 3986, 4.2): another host, same scheme
        return url::parse("http:" + location);
    if (!location.empty() && location[0] == '/')  // a path on the server just asked: its host and port
        return url::parse("http://" + current.host_header() + location);
    return url::parse(location);  // a whole URL, or a bad_url for what this client cannot fetch
    // [resolve]
    // TODO 1 end
}

followed get_following_redirects(const url& start, std::ostream& out, asyncore::channel_map& map, double seconds) {
    // TODO 2 begin
    followed result;
    result.last = start;
    for (;;) {
        std::ostringstream body;  // this hop's body: it reaches out only if it is the last
        hop answer = fetch_once(result.last, body, map, seconds);
        result.status = answer.status;
        if (!answer.ok) {
            result.error = answer.error;
            return result;
        }
        if (!is_redirect(answer.status)) {
            out << body.str();
            result.ok = true;
            return result;
        }
        // [limit]
        const std::string code = std::to_string(answer.status);
        if (!answer.location) {
            result.error = code + " redirect without a Location header: nowhere to go";
            return result;
        }
        if (result.redirects == max_redirects) {  // counts redirects followed, not requests sent
            result.error = "more than " + std::to_string(max_redirects) + " redirects (the limit): the last " + code +
                           " went on to " + *answer.location;
            return result;
        }
        try {
            result.last = resolve_location(result.last, *answer.location);  // the URL just fetched, not start
        } catch (const bad_url& e) {
            result.error = code + " redirect to a Location that cannot be followed: " + e.what();
            return result;
        }
        // [limit]
        ++result.redirects;
    }
    // TODO 2 end
}

}  // namespace http
