// Exercise 09, challenge: the checks your redirect-following fetch must pass, against small
// servers in this process (in the same loop) that answer each path with the bytes a test chooses.
#include "harness.hpp"
#include "redirects.hpp"

#include <map>
#include <sstream>
#include <vector>

namespace {

constexpr double patience = 3.0;  // for each hop

// What a server answers, path by path, and the request lines it was sent.
struct routes {
    std::map<std::string, std::string> answers;  // target -> the whole response
    std::vector<std::string> requests;           // "GET /path HTTP/1.1", one per connection
};

// Answers one request with its route's response (404 if none; 508 after 20 requests), then closes.
class route_handler : public asyncore::dispatcher_with_send {
public:
    route_handler(asyncore::socket sock, asyncore::channel_map* map, routes& table)
        : dispatcher_with_send(std::move(sock), map), table_(table) {}
    void handle_read() override {
        request_ += recv(4096);
        if (answered_ || request_.find("\r\n\r\n") == std::string::npos) return;
        answered_ = true;
        std::string line = request_.substr(0, request_.find("\r\n"));
        table_.requests.push_back(line);
        std::string target = line.substr(4, line.rfind(' ') - 4);  // "GET <target> HTTP/1.1"
        auto found = table_.answers.find(target);
        if (table_.requests.size() > 20)  // a client that follows redirects forever: end it here
            send("HTTP/1.1 508 Loop Detected\r\nContent-Length: 0\r\n\r\n");
        else if (found != table_.answers.end())
            send(found->second);
        else
            send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        if (out_buffer.empty()) close();
    }
    void handle_write() override {
        initiate_send();
        if (answered_ && out_buffer.empty()) close();
    }
    void handle_close() override { close(); }

private:
    routes& table_;
    std::string request_;
    bool answered_ = false;
};

class route_server : public asyncore::dispatcher {
public:
    route_server(asyncore::channel_map* map, routes& table) : dispatcher(map), table_(table) {
        create_socket(AF_INET, SOCK_STREAM);
        bind(asyncore::address("127.0.0.1", 0));
        listen(8);
    }
    // "http://127.0.0.1:<port>" + path
    std::string url_of(const std::string& path) {
        return "http://127.0.0.1:" + std::to_string(sock().getsockname().port()) + path;
    }
    void handle_accepted(asyncore::socket sock, const asyncore::address&) override {
        asyncore::make<route_handler>(std::move(sock), &map(), table_);
    }

private:
    routes& table_;
};

std::string redirect(int status, const std::string& location, const std::string& body = "") {
    return "HTTP/1.1 " + std::to_string(status) + " Moved\r\nLocation: " + location +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

bool ends_with(const std::string& text, const std::string& end) {
    return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

std::string page(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

TEST_CASE("a redirect to a path is followed and only the last body is written", "[ex09][challenge]") {
    asyncore::channel_map map;
    routes table;
    table.answers["/old"] = redirect(301, "/new?page=2", "<p>moved</p>");
    table.answers["/new?page=2"] = page("the new place");
    route_server server(&map, table);
    std::ostringstream out;
    auto result = http::get_following_redirects(http::url::parse(server.url_of("/old")), out, map, patience);
    INFO("error: " << result.error);
    INFO("output: " << out.str());
    {
        INFO("hint: a 301 is a redirect: fetch its Location again instead of stopping at it");
        CHECK(result.redirects == 1);
        CHECK(result.status != 301);
    }
    {
        INFO("hint: a Location that starts with '/' is a path on the same host and port: keep current's, "
             "and replace its target with the whole path, query included");
        REQUIRE(table.requests.size() == 2);
        CHECK(table.requests[1] == "GET /new?page=2 HTTP/1.1");
        CHECK(result.last.target == "/new?page=2");
        CHECK(result.ok);
        CHECK(result.status == 200);
        CHECK(ends_with(out.str(), "the new place"));
    }
    {
        INFO("hint: each hop writes its body into a stream of its own; only the last hop's goes to out");
        CHECK(out.str().find("moved") == std::string::npos);
    }
}

TEST_CASE("a whole URL in Location is followed to another server and its paths", "[ex09][challenge]") {
    asyncore::channel_map map;
    routes first, second;
    route_server one(&map, first), two(&map, second);
    first.answers["/start"] = redirect(302, two.url_of("/elsewhere"));
    second.answers["/elsewhere"] = redirect(301, "/there");  // a path: on the second server
    second.answers["/there"] = page("arrived");
    std::ostringstream out;
    auto result = http::get_following_redirects(http::url::parse(one.url_of("/start")), out, map, patience);
    INFO("error: " << result.error);
    INFO("first server got " << first.requests.size() << " requests, the second " << second.requests.size());
    {
        INFO("hint: a Location that starts with http:// is a whole URL: url::parse() it, host and port included");
        REQUIRE(second.requests.size() >= 1);
        CHECK(second.requests[0] == "GET /elsewhere HTTP/1.1");
    }
    {
        INFO("hint: resolve a path against the URL just fetched (result.last), not against the start URL");
        CHECK(first.requests.size() == 1);
        REQUIRE(second.requests.size() == 2);
        CHECK(second.requests[1] == "GET /there HTTP/1.1");
        CHECK(result.ok);
        CHECK(result.redirects == 2);
        CHECK(out.str() == "arrived");
    }
}

TEST_CASE("a Location that starts with two slashes goes to the host it names", "[ex09][challenge]") {
    asyncore::channel_map map;
    routes first, second;
    route_server one(&map, first), two(&map, second);
    const std::string network_path = two.url_of("/elsewhere").substr(std::string("http:").size());
    first.answers["/start"] = redirect(302, network_path);  // "//127.0.0.1:<port>/elsewhere"
    second.answers["/elsewhere"] = page("arrived");
    std::ostringstream out;
    auto result = http::get_following_redirects(http::url::parse(one.url_of("/start")), out, map, patience);
    INFO("error: " << result.error);
    INFO("first server got " << first.requests.size() << " requests, the second " << second.requests.size());
    INFO("hint: \"//host:port/path\" is a network-path reference (RFC 3986): another host, the same "
         "scheme; resolve it as \"http:\" + location before the test for a path (TODO 1)");
    CHECK(first.requests.size() == 1);
    REQUIRE(second.requests.size() == 1);
    CHECK(second.requests[0] == "GET /elsewhere HTTP/1.1");
    CHECK(result.ok);
    CHECK(result.redirects == 1);
    CHECK(out.str() == "arrived");
}

TEST_CASE("301 302 303 307 and 308 are followed five in a row", "[ex09][challenge]") {
    asyncore::channel_map map;
    routes table;
    table.answers["/1"] = redirect(301, "/2");
    table.answers["/2"] = redirect(302, "/3");
    table.answers["/3"] = redirect(303, "/4");
    table.answers["/4"] = redirect(307, "/5");
    table.answers["/5"] = redirect(308, "/6");
    table.answers["/6"] = page("five hops later");
    route_server server(&map, table);
    std::ostringstream out;
    auto result = http::get_following_redirects(http::url::parse(server.url_of("/1")), out, map, patience);
    INFO("error: " << result.error);
    INFO("requests sent: " << table.requests.size());
    INFO("hint: all five statuses redirect (is_redirect()), and 5 redirects are allowed: the limit is "
         "reached only when the answer after the 5th is a redirect too");
    CHECK(result.ok);
    CHECK(table.requests.size() == 6);
    CHECK(result.redirects == 5);
    CHECK(out.str() == "five hops later");
}

TEST_CASE("a loop of redirects fails after 5 hops with an error that names the limit", "[ex09][challenge]") {
    asyncore::channel_map map;
    routes table;
    table.answers["/a"] = redirect(302, "/b");
    table.answers["/b"] = redirect(302, "/a");
    route_server server(&map, table);
    std::ostringstream out;
    auto result = http::get_following_redirects(http::url::parse(server.url_of("/a")), out, map, patience);
    INFO("error: " << result.error);
    {
        INFO("hint: count the redirects followed, and stop when the answer after the 5th is a redirect again");
        CHECK_FALSE(result.ok);
        CHECK(table.requests.size() == 6);
        CHECK(result.redirects == 5);
    }
    {
        INFO("hint: the error is one line that says the limit, as \"more than 5 redirects\"");
        CHECK_THAT(result.error, testing::contains("5 redirects"));
    }
}

TEST_CASE("a redirect without Location fails clearly", "[ex09][challenge]") {
    asyncore::channel_map map;
    routes table;
    table.answers["/nowhere"] = "HTTP/1.1 302 Found\r\nContent-Length: 5\r\n\r\nwhere";
    route_server server(&map, table);
    std::ostringstream out;
    auto result = http::get_following_redirects(http::url::parse(server.url_of("/nowhere")), out, map, patience);
    INFO("error: " << result.error);
    INFO("requests sent: " << table.requests.size());
    {
        INFO("hint: a redirect with no Location header is a failure whose error says so (it names Location)");
        CHECK_FALSE(result.ok);
        CHECK(result.status == 302);
        CHECK(table.requests.size() == 1);
        CHECK_THAT(result.error, testing::contains("Location"));
    }
    {
        INFO("hint: a redirect's body is not the page asked for: write only the body of the last hop that is "
             "no redirect");
        CHECK(out.str().empty());
    }
}
