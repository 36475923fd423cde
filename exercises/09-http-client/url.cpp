// Capstone 09: the URLs http_client accepts (given).
#include "url.hpp"

#include <algorithm>
#include <cctype>

namespace http {

namespace {

// `text` in quotes, its control characters written as \r, \n, \t or \xNN: one line, always.
std::string quote(std::string_view text) {
    static const char hex[] = "0123456789abcdef";
    std::string out = "'";
    for (unsigned char c : text) {
        if (c == '\r') out += "\\r";
        else if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c < 0x20 || c == 0x7f) out += std::string("\\x") + hex[c >> 4] + hex[c & 15];
        else out += static_cast<char>(c);
    }
    return out + "'";
}

}  // namespace

url url::parse(std::string_view text) {
    const std::string quoted = quote(text);
    // A URL has no spaces and no control characters (RFC 3986). Let one through and it lands in
    // the request: a CR LF in the path would end the request line and start a header of the
    // URL's choosing. So refuse them all, in every part, before anything is sent.
    auto bad = std::find_if(text.begin(), text.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
    if (bad != text.end())
        throw bad_url(std::string(*bad == ' ' ? "a space" : "a control character") + " at byte " +
                      std::to_string(bad - text.begin()) + " of the URL: " + quoted);
    auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos) throw bad_url("not a URL (expected http://host/path): " + quoted);
    std::string scheme(text.substr(0, scheme_end));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    if (scheme == "https") throw bad_url("https is not supported: this client speaks plain HTTP only: " + quoted);
    if (scheme != "http") throw bad_url("unsupported scheme '" + scheme + "' (only http://): " + quoted);

    std::string_view rest = text.substr(scheme_end + 3);
    rest = rest.substr(0, rest.find('#'));  // the fragment never goes to the server
    auto path_start = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, path_start);
    url result;
    result.target = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
    if (result.target[0] == '?') result.target.insert(0, "/");
    if (authority.find('@') != std::string_view::npos) throw bad_url("user names in URLs are not supported: " + quoted);

    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {  // [::1]:8080
        auto close = authority.find(']');
        if (close == std::string_view::npos) throw bad_url("unclosed '[' in the host: " + quoted);
        result.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty() && after.front() != ':') throw bad_url("junk after ']' in the host: " + quoted);
        if (!after.empty()) port = after.substr(1);
    } else {
        auto colon = authority.rfind(':');
        result.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    }
    if (result.host.empty()) throw bad_url("no host in the URL: " + quoted);
    if (port.data() && !port.empty()) {
        if (port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit) || std::stoul(std::string(port)) > 65535 ||
            std::stoul(std::string(port)) == 0)
            throw bad_url("bad port '" + std::string(port) + "': " + quoted);
        result.port = static_cast<std::uint16_t>(std::stoul(std::string(port)));
    }
    return result;
}

std::string url::host_header() const {
    std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return port == 80 ? name : name + ":" + std::to_string(port);
}

}  // namespace http
