// A differential fuzz target for the response parser: the same bytes, fed whole, one byte at a
// time, and cut where the input says, must give the same status, head, body and verdict. Only
// http::protocol_error may escape the parser; anything else (or a sanitizer report) is a bug.
//   Built and run for a bounded time by the build (label "fuzz"); libFuzzer with clang.
#include "response_parser.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct verdict {
    int status = 0;
    std::string head, body;
    bool done = false, failed = false;
    // Where a response fails may move with the cuts (a head over the size limit is noticed when
    // a piece pushes it over), so the head is compared only for responses that parse.
    bool operator==(const verdict& o) const {
        return status == o.status && body == o.body && done == o.done && failed == o.failed &&
               (failed || head == o.head);
    }
};

verdict parse(std::string_view bytes, const std::vector<std::size_t>& cuts, bool head_request) {
    verdict v;
    http::response_parser parser([&](std::string_view piece) { v.body.append(piece); }, head_request);
    try {
        std::size_t at = 0;
        for (std::size_t i = 0; at < bytes.size(); ++i) {
            std::size_t n = cuts.empty() ? bytes.size() : cuts[i % cuts.size()];
            parser.feed(bytes.substr(at, n));
            at += n;
        }
        parser.finish();
    } catch (const http::protocol_error&) {
        v.failed = true;
    }
    v.status = parser.status();
    v.head = parser.head();
    v.done = parser.done();
    return v;
}

}  // namespace

// [one_input]
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    // The first byte chooses the cuts and the request kind; the rest is the response.
    bool head_request = data[0] & 1;
    std::vector<std::size_t> cuts{1u + (data[0] >> 1) % 13u, 1u + data[1] % 7u};
    std::string_view bytes(reinterpret_cast<const char*>(data) + 2, size - 2);
    verdict whole = parse(bytes, {}, head_request);
    if (!(parse(bytes, {1}, head_request) == whole) || !(parse(bytes, cuts, head_request) == whole)) std::abort();
    return 0;
}
// [one_input]
