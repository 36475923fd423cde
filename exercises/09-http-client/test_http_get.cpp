// Capstone 09: the checks your http_get must pass, against a small server in this process that
// answers with whatever bytes a test chooses (good, malformed, cut short).
#include "harness.hpp"
#include "http_get.hpp"

#include <sstream>

namespace {

using namespace std::string_literals;
constexpr double patience = 3.0;

// Serves one canned response to every connection, then ends it as told.
struct canned {
    std::string response;
    enum class ending { close, reset, stay_open } end = ending::close;
    std::string request;  // what the client sent, up to the blank line
};

class canned_handler : public asyncore::dispatcher_with_send {
public:
    canned_handler(asyncore::socket sock, asyncore::channel_map* map, canned& script)
        : dispatcher_with_send(std::move(sock), map), script_(script) {}
    void handle_read() override {
        script_.request += recv(4096);
        if (!answered_ && script_.request.find("\r\n\r\n") != std::string::npos) {
            answered_ = true;
            send(script_.response);
            finish_if_sent();
        }
    }
    void handle_write() override {
        initiate_send();
        finish_if_sent();
    }
    void handle_close() override { close(); }

private:
    void finish_if_sent() {
        if (!answered_ || !out_buffer.empty()) return;
        if (script_.end == canned::ending::close) close();
        if (script_.end == canned::ending::reset) {
            linger hard{1, 0};
            ::setsockopt(fileno(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
            close();
        }
    }
    canned& script_;
    bool answered_ = false;
};

class canned_server : public asyncore::dispatcher {
public:
    canned_server(asyncore::channel_map* map, canned& script) : dispatcher(map), script_(script) {
        create_socket(AF_INET, SOCK_STREAM);
        bind(asyncore::address("127.0.0.1", 0));
        listen(8);
    }
    asyncore::address where() { return sock().getsockname(); }
    void handle_accepted(asyncore::socket sock, const asyncore::address&) override {
        asyncore::make<canned_handler>(std::move(sock), &map(), script_);
    }

private:
    canned& script_;
};

struct fetch_result {
    bool ok = false;
    std::string error, output, request;
    int status = 0;
};

fetch_result fetch(const std::string& response, canned::ending end = canned::ending::close, bool include_head = false) {
    asyncore::channel_map map;
    canned script{response, end, {}};
    canned_server server(&map, script);
    auto target = http::url::parse("http://127.0.0.1:" + std::to_string(server.where().port()) + "/file.bin?x=1");
    std::ostringstream out;
    fetch_result result;
    {
        http::http_get get(target, server.where(), out, include_head, &map);
        bool finished = testing::run_until(map, [&] { return get.ok() || !get.error().empty(); }, patience);
        result.ok = get.ok();
        result.error = finished ? get.error()
                                : "(test) neither ok() nor error() within " + std::to_string(int(patience)) + " s";
        result.status = get.response().status();
    }
    result.output = out.str();
    result.request = script.request;
    return result;
}

}  // namespace

TEST_CASE("http_get sends a GET with Host, User-Agent and Connection: close", "[ex09][client]") {
    auto r = fetch("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    INFO("request sent:\n" << r.request);
    CHECK(r.request.rfind("GET /file.bin?x=1 HTTP/1.1\r\n", 0) == 0);
    CHECK_THAT(r.request, testing::contains("\r\nHost: 127.0.0.1:"));
    CHECK_THAT(r.request, testing::contains("\r\nUser-Agent: "));
    CHECK_THAT(r.request, testing::contains("\r\nConnection: close\r\n"));
    CHECK(r.request.size() >= 4);
    CHECK(r.request.compare(r.request.size() - 4, 4, "\r\n\r\n") == 0);
}

TEST_CASE("http_get writes exactly the body and reports success", "[ex09][client]") {
    std::string body = "binary\0\r\n\xff body"s;
    auto r = fetch("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    INFO("error: " << r.error);
    CHECK(r.ok);
    CHECK(r.output == body);
}

TEST_CASE("http_get succeeds when a complete response is followed by stray bytes", "[ex09][client]") {
    auto r = fetch("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello\r\n", canned::ending::stay_open);
    INFO("hint: once the parser is done(), the response is complete; what follows it changes nothing");
    INFO("error: " << r.error);
    CHECK(r.ok);
    CHECK(r.output == "hello");
}

TEST_CASE("http_get with include_head writes the status line and headers first", "[ex09][client]") {
    const std::string head = "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\n";
    auto r = fetch(head + "gone", canned::ending::stay_open, true);
    INFO("any status counts as success: the response is complete");
    CHECK(r.ok);
    CHECK(r.status == 404);
    CHECK(r.output == head + "gone");
}

TEST_CASE("http_get with include_head writes the head of a response that has no body", "[ex09][client]") {
    const std::string head = "HTTP/1.1 204 No Content\r\nX-Note: nothing follows\r\n\r\n";
    auto r = fetch(head, canned::ending::stay_open, true);
    INFO("error: " << r.error);
    CHECK(r.ok);
    INFO("hint: with no body the body sink is never called, so complete() must write the head itself");
    CHECK(r.output == head);
}

TEST_CASE("http_get decodes a chunked body and completes without waiting for close", "[ex09][client]") {
    auto r = fetch("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
                   canned::ending::stay_open);
    CHECK(r.ok);
    CHECK(r.output == "abcde");
}

TEST_CASE("http_get reads a body without a length until the server closes", "[ex09][client]") {
    auto r = fetch("HTTP/1.0 200 OK\r\n\r\nall of it");
    CHECK(r.ok);
    CHECK(r.output == "all of it");
}

TEST_CASE("http_get reports a truncated response", "[ex09][client]") {
    auto r = fetch("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nnot a hundred bytes");
    INFO("hint: at end of file, finish() the parser first: it throws for a cut response, handle_error() "
         "records it, and complete() never runs");
    INFO("error: " << r.error);
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.error, testing::contains("truncated"));
}

TEST_CASE("http_get reports a malformed response", "[ex09][client]") {
    auto r = fetch("SSH-2.0-OpenSSH_9.2\r\n");
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.error, testing::contains("status line"));
}

TEST_CASE("http_get reports a server that resets in the middle", "[ex09][client]") {
    auto r = fetch("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial", canned::ending::reset);
    {
        INFO("error: " << r.error);
        INFO("hint: a reset reaches handle_close(), which must fail() with a reason "
             "(or, if the bytes beat the reset, end of file: truncated)");
        CHECK_FALSE(r.ok);
        CHECK_THAT(r.error, testing::contains("reset") || testing::contains("truncated"));
    }
    {
        INFO("hint: the body that did arrive is written as it arrives (write_body)");
        CHECK(r.output == "partial");
    }
}

TEST_CASE("http_get reports a refused connection", "[ex09][client]") {
    asyncore::channel_map map;
    auto closed_port = asyncore::socket::create();
    closed_port.bind(asyncore::address("127.0.0.1", 0));
    auto where = closed_port.getsockname();  // bound, never listening: connections are refused
    std::ostringstream out;
    http::http_get get(http::url::parse("http://127.0.0.1:" + std::to_string(where.port()) + "/"), where, out, false,
                       &map);
    REQUIRE(testing::run_until(map, [&] { return map.empty(); }, patience));
    CHECK_FALSE(get.ok());
    INFO("hint: a failed connect() throws from handle_connect_event(): it reaches handle_error()");
    CHECK_THAT(get.error(), testing::contains("Connection refused"));
}
