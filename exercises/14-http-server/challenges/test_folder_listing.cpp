// Exercise 14, challenge: the checks your folder listings must pass. Each test serves a folder of
// files with a listing_server (your http_handler behind the given listing_handler), its loop on
// a thread of its own, and talks to it over a real socket as chapter 14's tests do.
#include "folder_listing.hpp"
#include "http_tests.hpp"

#include <algorithm>
#include <atomic>
#include <sstream>
#include <thread>

namespace {

using http_testing::request;
using file_list = std::vector<std::pair<std::string, std::string>>;  // name under www/, content

// A listing_server on a fresh folder, its loop running on a thread until the test ends.
class listing_site {
public:
    explicit listing_site(const file_list& files) {
        for (const auto& [name, content] : files) folder.write("www/" + name, content);
        http_limits limits;
        limits.idle_timeout = 2;  // a server that never answers (the released stub) fails the test soon
        server_ = std::make_unique<listing_server>(asyncore::address("127.0.0.1", 0), folder.path + "/www", &map_,
                                                   log_, limits);
        port_ = server_->local_address().port();
        loop_ = std::thread([this] {
            while (!stop_) testing::poll(0.02, map_);
        });
    }
    ~listing_site() {
        stop_ = true;
        loop_.join();
        asyncore::close_all(&map_);
    }
    listing_site(const listing_site&) = delete;
    listing_site& operator=(const listing_site&) = delete;

    // The response to one GET of `target`, on a connection of its own.
    std::optional<http_testing::response> get(const std::string& target) {
        http_testing::raw_client client(port_);
        client.send(request("GET", target));
        return client.read_response();
    }
    std::uint16_t port() const { return port_; }

    http_testing::temp_folder folder;

private:
    asyncore::channel_map map_;
    std::ostringstream log_;  // written by the loop's thread only
    std::unique_ptr<listing_server> server_;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread loop_;
};

// The <li> lines of a page, in order.
std::vector<std::string> items(const std::string& page) {
    std::vector<std::string> found;
    std::istringstream lines(page);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("<li>", 0) == 0) found.push_back(line);
    return found;
}

std::string item(const std::string& link, const std::string& text) {
    return "<li><a href=\"" + link + "\">" + text + "</a></li>";
}

}  // namespace

TEST_CASE("a folder without index.html lists its entries sorted", "[ex14][challenge]") {
    // Made in neither sorted order nor its reverse: readdir() returns them in the file system's.
    listing_site site(file_list{{"files/b.txt", "b"}, {"files/sub/inner.txt", "inner"}, {"files/C.txt", "C"},
                       {"files/a.txt", "a"}});
    auto r = site.get("/files/");
    REQUIRE(r);
    INFO("body:\n" << r->body);
    {
        INFO("hint: a folder without index.html gets folder_listing()'s page, not std::nullopt");
        REQUIRE(r->status == 200);
        CHECK(r->header("content-type") == "text/html; charset=utf-8");
    }
    {
        INFO("hint: sort the names (std::sort: byte by byte, so capitals first), and leave out . and ..");
        auto got = items(r->body);
        REQUIRE(got.size() == 4);
        CHECK(got[0] == item("C.txt", "C.txt"));
        CHECK(got[1] == item("a.txt", "a.txt"));
        CHECK(got[2] == item("b.txt", "b.txt"));
    }
    {
        INFO("hint: a folder's name gets a '/' after it, in the link and in the text");
        auto got = items(r->body);
        CHECK(std::find(got.begin(), got.end(), item("sub/", "sub/")) != got.end());
    }
}

TEST_CASE("a name with special characters is escaped in the text and percent-encoded in the link",
          "[ex14][challenge]") {
    const std::string name = "a <b> & c #1.txt";
    listing_site site(file_list{{"odd/" + name, "found it"}});
    auto r = site.get("/odd/");
    REQUIRE(r);
    INFO("body:\n" << r->body);
    REQUIRE(r->status == 200);
    auto got = items(r->body);
    REQUIRE(got.size() == 1);
    const std::string link = got[0].substr(0, got[0].find("\">"));
    const std::string text = got[0].substr(link.size());
    {
        INFO("hint: in the text, & < and > are written &amp; &lt; and &gt; (& first, or its own & is doubled)");
        CHECK(text == "\">a &lt;b&gt; &amp; c #1.txt</a></li>");
    }
    {
        INFO("hint: in the link, every byte but letters, digits and -._~ is %XX, with upper-case hex digits");
        CHECK(link == "<li><a href=\"a%20%3Cb%3E%20%26%20c%20%231.txt");
    }
    {
        INFO("hint: the link, taken as it is, must fetch the file: a raw space ends the request's target, "
             "a raw # ends its path");
        auto file = site.get("/odd/" + link.substr(link.find('"') + 1));
        REQUIRE(file);
        CHECK(file->status == 200);
        CHECK(file->body == "found it");
    }
}

TEST_CASE("a folder with index.html is served its index", "[ex14][challenge]") {
    listing_site site(file_list{{"home/index.html", "<h1>home</h1>\n"}, {"home/other.txt", "other"}});
    auto r = site.get("/home/");
    REQUIRE(r);
    INFO("body:\n" << r->body);
    INFO("hint: folder_listing() returns std::nullopt when the folder holds index.html: then http_handler "
         "serves that file");
    CHECK(r->status == 200);
    CHECK(r->body == "<h1>home</h1>\n");
}

TEST_CASE("a folder without its last slash is redirected and its listing names the path asked for",
          "[ex14][challenge]") {
    listing_site site(file_list{{"docs/readme.md", "# read me\n"}});
    auto moved = site.get("/docs");
    REQUIRE(moved);
    CHECK(moved->status == 301);
    CHECK(moved->header("location") == "/docs/");
    auto r = site.get("/docs/");
    REQUIRE(r);
    INFO("body:\n" << r->body);
    REQUIRE(r->status == 200);
    CHECK(items(r->body) == std::vector<std::string>{item("readme.md", "readme.md")});
    INFO("hint: the title and heading name url_path, the path the client asked for (\"/docs/\"), never the "
         "folder's path on disk, which is the server's business");
    CHECK_THAT(r->body, testing::contains("<title>Index of /docs/</title>"));
    CHECK_THAT(r->body, testing::contains("<h1>Index of /docs/</h1>"));
    CHECK(r->body.find(site.folder.path) == std::string::npos);
}
