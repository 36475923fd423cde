// Capstone 09: the URLs http_client accepts (given).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace http {

/// The URL is not one http_client can fetch. what() says why, in one line.
class bad_url : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// `http://host[:port]/path`, taken apart.
struct url {
    std::string host;         ///< a name, an IPv4 address, or an IPv6 address (without brackets)
    std::uint16_t port = 80;  ///< 80 unless given
    std::string target;       ///< path and query, "/" at least; the fragment is dropped

    /// Parses `text`. \throws bad_url for anything else, `https://` included (said plainly).
    static url parse(std::string_view text);
    /// The Host header's value: the host, bracketed if IPv6, with the port unless it is 80.
    std::string host_header() const;
};

}  // namespace http
