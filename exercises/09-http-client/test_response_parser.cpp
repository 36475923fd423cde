// Capstone 09: the checks your response_parser must pass. Every case is parsed whole, one byte at
// a time, and in uneven pieces: an incremental parser gives the same result for every split.
#include "catch.hpp"
#include "response_parser.hpp"

#include <random>

namespace {

struct outcome {
    int status = 0;
    std::string reason, body, head, error;
    std::vector<std::pair<std::string, std::string>> headers;
    bool done = false;
    bool operator==(const outcome& o) const {
        return status == o.status && reason == o.reason && body == o.body && head == o.head && error == o.error &&
               headers == o.headers && done == o.done;
    }
};

// Parses `bytes` in pieces of the sizes `split` gives (cycled), then finish() if `close`.
outcome parse(const std::string& bytes, const std::vector<std::size_t>& split, bool close = true,
              bool head_request = false) {
    outcome out;
    http::response_parser parser([&](std::string_view piece) { out.body.append(piece); }, head_request);
    try {
        std::size_t at = 0;
        for (std::size_t i = 0; at < bytes.size(); ++i) {
            std::size_t n = split.empty() ? bytes.size() : split[i % split.size()];
            parser.feed(std::string_view(bytes).substr(at, n));
            at += n;
        }
        if (close) parser.finish();
    } catch (const http::protocol_error& e) {
        out.error = e.what();
    }
    out.status = parser.status();
    out.reason = parser.reason();
    out.headers = parser.headers();
    out.head = parser.head();
    out.done = parser.done();
    return out;
}

// The same outcome for every way of cutting the bytes; returns it.
outcome parse_every_way(const std::string& bytes, bool close = true, bool head_request = false) {
    outcome whole = parse(bytes, {}, close, head_request);
    std::mt19937 random(7);
    std::vector<std::vector<std::size_t>> splits = {{1}, {2}, {3, 1}, {7}, {64}};
    std::vector<std::size_t> uneven;
    for (int i = 0; i < 50; ++i) uneven.push_back(1 + random() % 20);
    splits.push_back(uneven);
    for (const auto& split : splits) {
        INFO("cut into pieces of " << Catch::Detail::stringify(split) << " bytes");
        CHECK(parse(bytes, split, close, head_request) == whole);
    }
    return whole;
}

using namespace std::string_literals;

const std::string simple = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nhello world\n";

}  // namespace

TEST_CASE("a response with Content-Length gives its status, reason, headers and body", "[ex09][parser]") {
    auto r = parse_every_way(simple);
    INFO("hint: feed() must move through status line, headers, then Content-Length bytes of body");
    CHECK(r.error.empty());
    CHECK(r.done);
    CHECK(r.status == 200);
    CHECK(r.reason == "OK");
    CHECK(r.headers == std::vector<std::pair<std::string, std::string>>{{"Content-Type", "text/plain"},
                                                                         {"Content-Length", "12"}});
    CHECK(r.body == "hello world\n");
    CHECK(r.head == simple.substr(0, simple.size() - 12));
}

TEST_CASE("the response is complete as soon as Content-Length bytes arrived", "[ex09][parser]") {
    {
        auto r = parse_every_way(simple, /*close=*/false);
        INFO("hint: done() must not wait for the connection to close when the length is known");
        CHECK(r.done);
        CHECK(r.body == "hello world\n");
    }
    {
        auto r = parse_every_way("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", /*close=*/false);
        INFO("hint: Content-Length: 0 ends the response at the blank line: no body byte will come to "
             "finish it, so check for 0 when you choose the stage");
        CHECK(r.error.empty());
        CHECK(r.done);
    }
}

TEST_CASE("a chunked body is decoded with chunk extensions and trailers", "[ex09][parser]") {
    auto r = parse_every_way("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "5\r\nhello\r\n1;ext=1\r\n \r\nA; name=\"v\"\r\n0123456789\r\n"
                             "0\r\nX-Trailer: yes\r\n\r\n",
                             false);
    INFO("hint: size line in hex (extensions after ';'), data, CRLF; a 0 size, then trailers up to a blank line");
    CHECK(r.error.empty());
    CHECK(r.done);
    CHECK(r.body == "hello 0123456789");
}

TEST_CASE("Transfer-Encoding chunked wins over Content-Length", "[ex09][parser]") {
    auto r = parse_every_way("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "4\r\nwiki\r\n0\r\n\r\n",
                             false);
    CHECK(r.done);
    CHECK(r.body == "wiki");
}

TEST_CASE("Transfer-Encoding lines combine and chunked frames only as the last", "[ex09][parser]") {
    INFO("hint: all Transfer-Encoding lines together make one list (RFC 9112 6.1): the last coding decides");
    auto last = parse_every_way("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "4\r\nwiki\r\n0\r\n\r\n",
                                false);
    CHECK(last.error.empty());
    CHECK(last.done);
    CHECK(last.body == "wiki");
    const std::string not_chunked = "4\r\nwiki\r\n0\r\n\r\n";
    for (std::string codings : {"Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n",
                                "Transfer-Encoding: chunked, gzip\r\n"}) {
        INFO(codings << "chunked is not the last coding: the body runs until the connection closes");
        auto open = parse_every_way("HTTP/1.1 200 OK\r\n" + codings + "\r\n" + not_chunked, false);
        CHECK_FALSE(open.done);
        auto closed = parse_every_way("HTTP/1.1 200 OK\r\n" + codings + "\r\n" + not_chunked, true);
        CHECK(closed.error.empty());
        CHECK(closed.done);
        CHECK(closed.body == not_chunked);
    }
}

TEST_CASE("without a length the body runs until the connection closes", "[ex09][parser]") {
    const std::string bytes = "HTTP/1.0 200 OK\r\nServer: old\r\n\r\nbody until close";
    auto open = parse_every_way(bytes, false);
    CHECK_FALSE(open.done);
    auto closed = parse_every_way(bytes, true);
    INFO("hint: finish() completes a body that has no length");
    CHECK(closed.error.empty());
    CHECK(closed.done);
    CHECK(closed.body == "body until close");
}

TEST_CASE("204, 304 and the answer to HEAD have no body, and interim 1xx responses are skipped", "[ex09][parser]") {
    CHECK(parse_every_way("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", false).done);
    CHECK(parse_every_way("HTTP/1.1 304 Not Modified\r\n\r\n", false).done);
    CHECK(parse_every_way("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", false, /*head_request=*/true).done);
    auto r = parse_every_way("HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n"
                             "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
                             false);
    CHECK(r.done);
    CHECK(r.status == 201);
    CHECK(r.body == "ok");
    INFO("hint: an interim response's headers are not the real response's: clear them before the next status line");
    CHECK(r.headers == std::vector<std::pair<std::string, std::string>>{{"Content-Length", "2"}});
}

TEST_CASE("a binary body arrives byte for byte", "[ex09][parser]") {
    std::string body;
    for (int i = 0; i < 256; ++i) body += static_cast<char>(i);
    body += "\r\n\r\n\0\0"s;
    auto r = parse_every_way("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body,
                             false);
    CHECK(r.done);
    CHECK(r.body == body);
}

TEST_CASE("a malformed status line is a protocol_error", "[ex09][parser]") {
    for (std::string bad : {"HTTP/2 200 OK\r\n\r\n", "ICY 200 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n",
                            "HTTP/1.1 abc OK\r\n\r\n", "<html>hello</html>\r\n\r\n"}) {
        INFO("response: " << bad);
        CHECK_FALSE(parse_every_way(bad).error.empty());
    }
}

TEST_CASE("malformed headers and lengths are protocol errors", "[ex09][parser]") {
    for (std::string bad : {"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
                            "HTTP/1.1 200 OK\r\nbad name: x\r\n\r\n",
                            "HTTP/1.1 200 OK\r\nX: a\r\n folded: b\r\n\r\n",
                            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                            "HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n",
                            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx",
                            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n"}) {
        INFO("response: " << bad);
        CHECK_FALSE(parse_every_way(bad, false).error.empty());
    }
}

TEST_CASE("a head larger than the limit is refused", "[ex09][parser]") {
    std::string big = "HTTP/1.1 200 OK\r\n";
    while (big.size() <= http::response_parser::max_head_size) big += "X-Filler: " + std::string(100, 'x') + "\r\n";
    INFO("hint: count the bytes of the status line and headers together; a server must not make us store megabytes");
    CHECK_THAT(parse(big, {4096}, false).error, testing::contains("larger than"));
}

TEST_CASE("a truncated response is a protocol_error at finish()", "[ex09][parser]") {
    for (std::string cut : {"", "HTTP/1.1 200", "HTTP/1.1 200 OK\r\nContent-Le", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
                            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"}) {
        INFO("response: " << cut);
        auto r = parse_every_way(cut, true);
        CHECK_FALSE(r.done);
        CHECK_FALSE(r.error.empty());
    }
}

TEST_CASE("bytes after a complete response are a protocol_error", "[ex09][parser]") {
    CHECK_FALSE(parse_every_way(simple + "extra", false).error.empty());
}
