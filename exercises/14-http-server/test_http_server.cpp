// Capstone 14: the checks your request-head handling must pass. The first ones call
// parse_request_head() in this process; the others run your http_server program on a folder of
// files and talk to it over raw sockets (the idle timeout is short, so a server that never answers
// fails fast).
#include "http_server.hpp"
#include "http_tests.hpp"

namespace {

using http_testing::request;

struct served {
    http_testing::site files;
    http_testing::server program{ASYNCORE_PROGRAM, files.root, {"--idle-timeout", "3", "-q"}};
    served() {
        INFO("first line: " << program.first_line());
        REQUIRE(program.port() != 0);
    }
};

int parse(const std::string& head, http_request& r, std::size_t max_target = 4096) {
    return parse_request_head(head, max_target, r);
}

}  // namespace

TEST_CASE("parse_request_head splits the request line and lower-cases header names", "[ex14]") {
    http_request r;
    INFO("hint: the request line is METHOD SP TARGET SP HTTP/x.y, then one Name: value per line");
    REQUIRE(parse("GET /a%20b.txt?x=1 HTTP/1.1\r\nHost: example\r\nX-Two:  spaced value \r\nx-two: again\r\n", r) == 0);
    CHECK(r.method == "GET");
    CHECK(r.target == "/a%20b.txt?x=1");
    CHECK(r.minor == 1);
    CHECK(r.header("host") == "example");
    INFO("hint: a repeated field's values are joined with \", \", each without its surrounding spaces");
    CHECK(r.header("x-two") == "spaced value, again");
    http_request old;
    REQUIRE(parse("\r\nHEAD / HTTP/1.0\r\n", old) == 0);
    CHECK(old.method == "HEAD");
    CHECK(old.minor == 0);
}

TEST_CASE("parse_request_head answers 400 to a malformed line or header", "[ex14]") {
    for (std::string head : {"GET /\r\n", "GET  / HTTP/1.1\r\nHost: x\r\n", "GET / HTTP/1.1 \r\nHost: x\r\n",
                             "GET / HTTP/1.1\r\nHost x\r\n", "GET / HTTP/1.1\r\nHost : x\r\n",
                             "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n", "GET / HTTP/1.1\r\n",
                             "GET / HTTP/one\r\nHost: x\r\n", "G(ET / HTTP/1.1\r\nHost: x\r\n",
                             "GET / HTTP/1.1\nHost: x\r\n"}) {
        http_request r;
        INFO("head: " << Catch::Detail::stringify(head));
        INFO("hint: an HTTP/1.1 request without Host is malformed too (RFC 9112, section 3.2)");
        CHECK(parse(head, r) == 400);
    }
}

TEST_CASE("parse_request_head answers 414 to a long target and 505 to HTTP/2.0", "[ex14]") {
    http_request r;
    CHECK(parse("GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: x\r\n", r, 50) == 414);
    CHECK(parse("GET / HTTP/2.0\r\nHost: x\r\n", r) == 505);
}

TEST_CASE("GET sends a file with its Content-Length and Content-Type", "[ex14]") {
    served s;
    http_testing::raw_client c(s.program.port());
    c.send(request("GET", "/hello.txt"));
    auto r = c.read_response();
    INFO("hint: found_terminator() parses the head and respond()s; the constructor sets the terminator");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "hello, world\n");
    CHECK(r->header("content-type") == "text/plain; charset=utf-8");
    CHECK(r->header("content-length") == "13");
}

TEST_CASE("HEAD sends the headers GET would and no body", "[ex14]") {
    served s;
    http_testing::raw_client c(s.program.port());
    c.send(request("HEAD", "/data.bin"));
    auto r = c.read_response(true);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->header("content-length") == std::to_string(s.files.data.size()));
    c.send(request("GET", "/hello.txt"));
    auto next = c.read_response();
    REQUIRE(next);
    INFO("hint: after a HEAD response, the next bytes are the next response's");
    CHECK(next->status_line == "HTTP/1.1 200 OK");
    CHECK(next->body == "hello, world\n");
}

TEST_CASE("one HTTP/1.1 connection serves request after request", "[ex14]") {
    served s;
    http_testing::raw_client c(s.program.port());
    for (const char* path : {"/hello.txt", "/style.css", "/docs/readme.md", "/a%20b.txt"}) {
        c.send(request("GET", path));
        auto r = c.read_response();
        INFO("path: " << path << "\nhint: HTTP/1.1 keeps the connection unless the client says Connection: close");
        REQUIRE(r);
        CHECK(r->status == 200);
    }
}

TEST_CASE("pipelined requests are answered in the order they came", "[ex14]") {
    served s;
    http_testing::raw_client c(s.program.port());
    c.send(request("GET", "/hello.txt") + request("GET", "/data.bin") + request("HEAD", "/style.css") +
           request("GET", "/missing") + request("GET", "/index.html"));
    std::vector<std::string> got;
    for (bool head_only : {false, false, true, false, false}) {
        auto r = c.read_response(head_only);
        INFO("hint: one read may hold several requests: each found_terminator() answers one");
        REQUIRE(r);
        got.push_back(std::to_string(r->status) + " " + std::to_string(r->body.size()));
        if (r->status == 200 && r->body.size() == s.files.data.size()) CHECK(r->body == s.files.data);
    }
    CHECK(got == std::vector<std::string>{"200 13", "200 " + std::to_string(s.files.data.size()), "200 0",
                                          "404 14", "200 14"});
}

TEST_CASE("Connection: close and HTTP/1.0 end the connection after the response", "[ex14]") {
    served s;
    for (auto [head, what] : {std::pair<std::string, const char*>{request("GET", "/hello.txt", "Connection: close\r\n"), "close"},
                              {request("GET", "/hello.txt", "", "HTTP/1.0"), "HTTP/1.0"}}) {
        http_testing::raw_client c(s.program.port());
        c.send(head + request("GET", "/style.css"));
        auto r = c.read_response();
        INFO(what << "\nhint: without keep-alive, close_when_done() after the response; ignore what follows");
        REQUIRE(r);
        CHECK(r->header("connection") == "close");
        CHECK(r->body == "hello, world\n");
        CHECK(c.closed_by_server(2.0));
        CHECK(c.unread() == "");
    }
    http_testing::raw_client c(s.program.port());
    c.send(request("GET", "/hello.txt", "Connection: keep-alive\r\n", "HTTP/1.0"));
    auto r = c.read_response();
    REQUIRE(r);
    INFO("an HTTP/1.0 client that asks for keep-alive gets it");
    CHECK(r->header("connection") == "keep-alive");
    c.send(request("GET", "/style.css", "", "HTTP/1.0"));
    CHECK(c.read_response());
}

TEST_CASE("a request head sent a byte at a time is still one request", "[ex14]") {
    served s;
    http_testing::raw_client c(s.program.port());
    for (char byte : request("GET", "/hello.txt")) {
        c.send(std::string(1, byte));
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
}

TEST_CASE("a malformed request gets 400 and the connection closes", "[ex14]") {
    served s;
    http_testing::raw_client c(s.program.port());
    c.send("GARBAGE\r\n\r\n" + request("GET", "/hello.txt"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(r->header("connection") == "close");
    INFO("hint: after a malformed head the server cannot know where the next request starts");
    CHECK(c.closed_by_server(2.0));
    CHECK(c.unread() == "");
}

TEST_CASE("a request head past 16 KiB gets 431, a request line past it 414", "[ex14]") {
    served s;
    http_testing::raw_client c(s.program.port());
    std::string many;
    for (int i = 0; i < 1000; ++i) many += "X-Filler-" + std::to_string(i) + ": some value\r\n";
    c.send(request("GET", "/hello.txt", many));
    auto r = c.read_response();
    INFO("hint: collect_incoming_data() sees the head grow: answer before it is complete");
    REQUIRE(r);
    CHECK(r->status == 431);
    CHECK(c.closed_by_server(2.0));
    http_testing::raw_client line(s.program.port());
    line.send("GET /" + std::string(20000, 'a'));
    auto r2 = line.read_response();
    REQUIRE(r2);
    CHECK(r2->status == 414);
}

TEST_CASE("a missing file gets 404 and the connection stays open", "[ex14]") {
    served s;
    http_testing::raw_client c(s.program.port());
    c.send(request("GET", "/no/such/file.txt"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 404);
    c.send(request("GET", "/hello.txt"));
    auto next = c.read_response();
    REQUIRE(next);
    CHECK(next->status == 200);
}

TEST_CASE("POST gets 405 with Allow: GET, HEAD after its body is read", "[ex14]") {
    served s;
    http_testing::raw_client c(s.program.port());
    c.send(request("POST", "/hello.txt", "Content-Length: 5\r\n") + "a=b&c" + request("GET", "/hello.txt"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 405);
    CHECK(r->header("allow") == "GET, HEAD");
    auto next = c.read_response();
    INFO("hint: a Content-Length body is read with a count terminator (and dropped), then the next head");
    REQUIRE(next);
    CHECK(next->status == 200);
    CHECK(next->body == "hello, world\n");
}
