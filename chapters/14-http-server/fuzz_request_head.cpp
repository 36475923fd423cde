// libFuzzer target: parse_request_head() on any bytes never crashes, never reads out of bounds,
// and answers 0 (with a request that makes sense), 400, 414 or 505.
#include "http_server.hpp"

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view head(reinterpret_cast<const char*>(data), size);
    http_request request;
    int status = parse_request_head(head, 64, request);
    if (status != 0 && status != 400 && status != 414 && status != 505) std::abort();
    if (status == 0) {
        if (request.method.empty() || request.target.empty() || request.target.size() > 64) std::abort();
        if (request.minor != 0 && request.minor != 1) std::abort();
        for (const auto& [name, value] : request.headers) {
            if (name.empty()) std::abort();
            for (char c : name)
                if (std::isupper(static_cast<unsigned char>(c)) || c == ':' || c == ' ') std::abort();
            for (char c : value)
                if (c == '\r' || c == '\n') std::abort();
        }
        if (request.minor == 1 && request.headers.count("host") == 0) std::abort();
    }
    return 0;
}
