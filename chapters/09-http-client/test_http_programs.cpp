// Capstone 09, black-box: http_client against Python's http.server (software nobody here wrote)
// serving random binary files, and against servers that misbehave on purpose: among them one
// that never answers the connect and one that trickles (--connect-timeout, --max-time).
#include "process.hpp"
#include "silent_listener.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

namespace {

using testing::child_process;

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream all;
    all << in.rdbuf();
    return all.str();
}

// A folder of random binary files: name -> contents.
struct sample_files {
    std::string dir;
    std::vector<std::pair<std::string, std::string>> files;
    sample_files() {
        char pattern[] = "/tmp/http_client_test_XXXXXX";
        dir = ::mkdtemp(pattern);
        std::mt19937 random(2024);
        for (std::size_t size : {std::size_t(0), std::size_t(1), std::size_t(1000), std::size_t(65537),
                                 std::size_t(1) << 20, std::size_t(20) << 20}) {
            std::string bytes(size, '\0');
            for (auto& c : bytes) c = static_cast<char>(random());
            std::string name = "random_" + std::to_string(size) + ".bin";
            std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
            files.emplace_back(name, std::move(bytes));
        }
    }
    ~sample_files() { std::system(("rm -rf '" + dir + "'").c_str()); }
};

// Python's http.server on a free port; returns the port it printed.
std::uint16_t start_http_server(child_process& server) {
    auto line = server.read_line(10.0);
    INFO("http.server said: " << line.value_or("(nothing)"));
    REQUIRE(line);
    auto at = line->find(" port ");
    REQUIRE(at != std::string::npos);
    return static_cast<std::uint16_t>(std::stoul(line->substr(at + 6)));
}

// Accepts one connection on a raw loopback socket, reads the request, answers `bytes`, closes.
class one_shot_server {
public:
    explicit one_shot_server(std::string bytes) : listener_(asyncore::socket::create()) {
        listener_.bind(asyncore::address("127.0.0.1", 0));
        listener_.listen(1);
        port_ = listener_.getsockname().port();
        thread_ = std::thread([this, bytes = std::move(bytes)] {
            if (!testing::wait_fd(listener_.fileno(), POLLIN, 10.0)) return;
            auto conn = listener_.accept();
            if (!conn) return;
            std::string request;
            while (request.find("\r\n\r\n") == std::string::npos && testing::wait_fd(conn->first.fileno(), POLLIN, 5.0)) {
                char buffer[4096];
                ssize_t n = ::recv(conn->first.fileno(), buffer, sizeof buffer, 0);
                if (n <= 0) break;
                request.append(buffer, static_cast<std::size_t>(n));
            }
            testing::write_all(conn->first.fileno(), bytes);
        });
    }
    ~one_shot_server() { thread_.join(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

private:
    asyncore::socket listener_;
    std::uint16_t port_;
    std::thread thread_;
};

struct run_result {
    int status;
    std::string output;
};

run_result run(std::vector<std::string> args) {
    args.insert(args.begin(), PROGRAM_HTTP_CLIENT);
    child_process client(args, true);
    run_result r;
    r.output = client.read_all(60.0);
    r.status = client.wait(60.0);
    return r;
}

}  // namespace

TEST_CASE("http_client fetches random binary files from Python's http.server byte for byte", "[http][python]") {
    sample_files files;
    child_process server({PYTHON311, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", files.dir});
    auto port = start_http_server(server);
    for (const auto& [name, bytes] : files.files) {
        std::string out = files.dir + "/fetched_" + name;
        auto r = run({"-o", out, "http://127.0.0.1:" + std::to_string(port) + "/" + name});
        INFO(name << ": " << r.output);
        CHECK(r.status == 0);
        CHECK(slurp(out) == bytes);
    }
}

TEST_CASE("http_client decodes a chunked download byte for byte", "[http][python]") {
    sample_files files;
    child_process server({PYTHON311, "-u", CHAPTER_DIR "/chunked_server.py", files.dir});
    auto line = server.read_line(10.0);
    REQUIRE(line);
    auto port = testing::port_from_listening_line(*line);
    for (const auto& [name, bytes] : files.files) {
        std::string out = files.dir + "/chunked_" + name;
        auto r = run({"-o", out, "http://127.0.0.1:" + std::to_string(port) + "/" + name});
        INFO(name << ": " << r.output);
        CHECK(r.status == 0);
        CHECK(slurp(out) == bytes);
    }
}

TEST_CASE("http_client -i writes the status line and headers, then the body, to stdout", "[http][contract]") {
    sample_files files;
    child_process server({PYTHON311, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", files.dir});
    auto port = start_http_server(server);
    auto r = run({"-i", "http://127.0.0.1:" + std::to_string(port) + "/random_1000.bin"});
    CHECK(r.status == 0);
    CHECK(r.output.rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
    auto blank = r.output.find("\r\n\r\n");
    REQUIRE(blank != std::string::npos);
    CHECK(r.output.substr(blank + 4) == files.files[2].second);
}

TEST_CASE("http_client exits 0 for a complete 404 response", "[http][contract]") {
    sample_files files;
    child_process server({PYTHON311, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", files.dir});
    auto port = start_http_server(server);
    auto r = run({"-i", "http://127.0.0.1:" + std::to_string(port) + "/no_such_file"});
    CHECK(r.status == 0);
    CHECK(r.output.rfind("HTTP/1.0 404 ", 0) == 0);
}

TEST_CASE("http_client refuses https and bad URLs in one line with exit status 2", "[http][contract]") {
    auto https = run({"https://127.0.0.1/"});
    CHECK(https.status == 2);
    CHECK(https.output == "http_client: https is not supported: this client speaks plain HTTP only: 'https://127.0.0.1/'\n");
    for (std::string bad : {"127.0.0.1/", "http:///path", "http://host:99999/", "ftp://host/", "http://[::1/"}) {
        auto r = run({bad});
        INFO(bad << " -> " << r.output);
        CHECK(r.status == 2);
        CHECK(r.output.rfind("http_client: ", 0) == 0);
        CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    }
    auto usage = run({});
    CHECK(usage.status == 2);
    CHECK_THAT(usage.output, testing::contains("usage: http_client"));
}

TEST_CASE("http_client reports a refused connection in one line with exit status 1", "[http][contract]") {
    auto closed = asyncore::socket::create();
    closed.bind(asyncore::address("127.0.0.1", 0));
    auto r = run({"http://127.0.0.1:" + std::to_string(closed.getsockname().port()) + "/"});
    CHECK(r.status == 1);
    CHECK_THAT(r.output, testing::contains("Connection refused"));
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
}

TEST_CASE("http_client reports a malformed response in one line with exit status 1", "[http][contract]") {
    one_shot_server server("this is not HTTP\r\n\r\n");
    auto r = run({server.url()});
    CHECK(r.status == 1);
    CHECK(r.output == "http_client: not an HTTP/1.x status line: 'this is not HTTP'\n");
}

TEST_CASE("http_client reports a truncated response in one line with exit status 1", "[http][contract]") {
    one_shot_server server("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this");
    auto r = run({server.url()});
    CHECK(r.status == 1);
    CHECK_THAT(r.output, testing::contains("truncated response"));
    INFO("the body that did arrive is still written: nothing is lost");
    CHECK(r.output.rfind("only this", 0) == 0);
}

// [url_injection]
TEST_CASE("http_client sends nothing for a URL with a space or control character", "[http][contract]") {
    auto listener = asyncore::socket::create();
    listener.bind(asyncore::address("127.0.0.1", 0));
    listener.listen(8);
    const std::string base = "http://127.0.0.1:" + std::to_string(listener.getsockname().port());
    const std::vector<std::string> urls = {base + "/a b\r\nX-Injected: yes", base + "/a b",
                                           base + "/a\r\nX-Injected: yes", base + "/tab\there", base + "/del\x7f",
                                           base + "/bell\a", base + "/?q=\n", base + "/#frag ment",
                                           "http://127.0.0.1\r\nX-Injected: yes:80/"};
    for (const std::string& bad : urls) {
        child_process client({PROGRAM_HTTP_CLIENT, bad}, true);
        int status = -1;  // it exits, as it should, or it connects: whichever comes first
        auto deadline = testing::clock::now() + std::chrono::seconds(10);
        while (status < 0 && !testing::wait_fd(listener.fileno(), POLLIN, 0.01) && testing::clock::now() < deadline)
            status = client.wait(0);
        INFO("URL: " << Catch::Detail::stringify(bad));
        if (testing::wait_fd(listener.fileno(), POLLIN, 0)) {
            auto conn = listener.accept();
            REQUIRE(conn);
            std::string sent = testing::read_some(conn->first.fileno(), 4096, 1.0);
            FAIL("it connected and sent: " << Catch::Detail::stringify(sent));
        }
        std::string output = client.read_all();
        INFO("output: " << output);
        CHECK(status == 2);
        CHECK(output.rfind("http_client: ", 0) == 0);
        CHECK(std::count(output.begin(), output.end(), '\n') == 1);
    }
}
// [url_injection]

namespace {

// A file that holds `text`, in a folder of its own; the folder goes at the end of the test.
struct existing_file {
    std::string dir, path;
    explicit existing_file(const std::string& text) {
        char pattern[] = "/tmp/http_client_output_XXXXXX";
        dir = ::mkdtemp(pattern);
        path = dir + "/page.html";
        std::ofstream(path, std::ios::binary) << text;
    }
    ~existing_file() { std::system(("rm -rf '" + dir + "'").c_str()); }
    // The names in the folder: the file alone, no temporary file left behind.
    std::vector<std::string> names() const {
        std::vector<std::string> all;
        if (DIR* d = ::opendir(dir.c_str())) {
            while (dirent* entry = ::readdir(d))
                if (entry->d_name[0] != '.' || (std::strcmp(entry->d_name, ".") && std::strcmp(entry->d_name, "..")))
                    all.push_back(entry->d_name);
            ::closedir(d);
        }
        std::sort(all.begin(), all.end());
        return all;
    }
};

}  // namespace

// [output_kept]
TEST_CASE("http_client -o leaves an existing FILE as it was when the fetch fails", "[http][contract]") {
    const std::string before = "the page as it was\n";
    auto refused = asyncore::socket::create();
    refused.bind(asyncore::address("127.0.0.1", 0));  // bound, never listening: connections refused
    const std::string refused_url = "http://127.0.0.1:" + std::to_string(refused.getsockname().port()) + "/";
    const std::vector<std::pair<std::string, std::string>> failures = {
        {"refused", ""},
        {"malformed", "this is not HTTP\r\n\r\n"},
        {"truncated", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this"},
    };
    for (const auto& [what, reply] : failures) {
        INFO("a " << what << " fetch");
        existing_file file(before);
        std::optional<one_shot_server> server;
        if (!reply.empty()) server.emplace(reply);
        auto r = run({"-o", file.path, server ? server->url() : refused_url});
        INFO(r.output);
        CHECK(r.status == 1);
        CHECK(slurp(file.path) == before);
        CHECK(file.names() == std::vector<std::string>{"page.html"});
    }
}
// [output_kept]

TEST_CASE("http_client -o replaces FILE once the response is complete", "[http][contract]") {
    existing_file file("the old page, longer than the new one\n");
    ::chmod(file.path.c_str(), 0640);
    one_shot_server server("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnew page\n");
    auto r = run({"-o", file.path, server.url()});
    INFO(r.output);
    CHECK(r.status == 0);
    CHECK(slurp(file.path) == "new page\n");
    CHECK(file.names() == std::vector<std::string>{"page.html"});
    struct stat st {};
    REQUIRE(::stat(file.path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);  // the file keeps its permissions
}

TEST_CASE("http_client -o /dev/null writes in place", "[http][contract]") {
    one_shot_server server("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    auto r = run({"-o", "/dev/null", server.url()});
    CHECK(r.output == "");
    CHECK(r.status == 0);
    struct stat st {};
    REQUIRE(::stat("/dev/null", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
}

// [time_limits]
namespace {

// Answers one request with a head that promises 1000 bytes, then sends one byte every 0.2 s:
// the server is never silent, and never done. Stops when the client leaves (or after 30 s).
class trickling_server {
public:
    trickling_server() : listener_(asyncore::socket::create()) {
        listener_.bind(asyncore::address("127.0.0.1", 0));
        listener_.listen(1);
        port_ = listener_.getsockname().port();
        thread_ = std::thread([this] {
            if (!testing::wait_fd(listener_.fileno(), POLLIN, 10.0)) return;
            auto conn = listener_.accept();
            if (!conn) return;
            int fd = conn->first.fileno();
            testing::wait_fd(fd, POLLIN, 5.0);
            char request[4096];
            if (::recv(fd, request, sizeof request, 0) <= 0) return;
            const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
            if (::send(fd, head.data(), head.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(head.size())) return;
            for (int i = 0; i < 150 && ::send(fd, "x", 1, MSG_NOSIGNAL) == 1; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
        });
    }
    ~trickling_server() { thread_.join(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/slow"; }

private:
    asyncore::socket listener_;
    std::uint16_t port_;
    std::thread thread_;
};

}  // namespace

TEST_CASE("http_client --connect-timeout 1 gives up on a server that never answers the connect", "[http][timeout]") {
    testing::silent_listener server;  // its queue is full: SYNs to it are dropped
    auto r = run({"--connect-timeout", "1", "http://127.0.0.1:" + server.port_text() + "/"});
    INFO("hint: without it the kernel tries the SYN for about two minutes");
    CHECK(r.status == 1);
    CHECK(r.output == "http_client: timed out connecting to 127.0.0.1:" + server.port_text() +
                          ": no connection within 1 s (--connect-timeout)\n");
}

TEST_CASE("http_client --max-time 2 gives up on a server that trickles its response", "[http][timeout]") {
    trickling_server server;
    auto r = run({"--max-time", "2", "-o", "/dev/null", server.url()});
    INFO("hint: every byte is activity, so the 30 s silence limit never fires: only --max-time can");
    CHECK(r.status == 1);
    CHECK(r.output == "http_client: timed out after 2 s (--max-time): the response was not complete\n");
}

TEST_CASE("http_client -m and --connect-timeout leave a prompt response alone", "[http][timeout]") {
    one_shot_server server("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nquick");
    auto r = run({"-m", "30", "--connect-timeout", "30", server.url()});
    CHECK(r.status == 0);
    CHECK(r.output == "quick");
}

TEST_CASE("http_client refuses a time limit that is not a number of seconds with exit status 2", "[http][contract]") {
    for (std::vector<std::string> args : {std::vector<std::string>{"--max-time", "soon", "http://127.0.0.1/"},
                                          {"-m", "-1", "http://127.0.0.1/"},
                                          {"--connect-timeout", "1s", "http://127.0.0.1/"}}) {
        auto r = run(args);
        INFO(Catch::Detail::stringify(args) << " -> " << r.output);
        CHECK(r.status == 2);
        CHECK_THAT(r.output, testing::contains("usage: http_client"));
    }
}

TEST_CASE("http_client --help names --connect-timeout and --max-time", "[http][contract]") {
    auto r = run({"--help"});
    CHECK(r.status == 0);
    CHECK_THAT(r.output, testing::contains("--connect-timeout SECONDS"));
    CHECK_THAT(r.output, testing::contains("-m, --max-time SECONDS"));
}
// [time_limits]
