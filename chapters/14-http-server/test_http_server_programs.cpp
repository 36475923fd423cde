// Capstone 14, black-box: the http_server program keeps its command-line contract, serves curl,
// Python's http.client and urllib and our own http_client, never serves a byte from outside its
// root, answers malformed input with an error and a close, streams a large file to a slow reader
// in bounded memory, and closes idle keep-alive connections.
#include "http_tests.hpp"
#include "process.hpp"
#include "server_tests.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <thread>

namespace {

using http_testing::request;
using testing::child_process;

struct served {
    http_testing::site files;
    http_testing::server program;
    explicit served(std::vector<std::string> more = {"-q"}) : program(PROGRAM_HTTP_SERVER, files.root, std::move(more)) {
        INFO("first line: " << program.first_line());
        REQUIRE(program.port() != 0);
    }
    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(program.port()) + path; }
};

// Runs `argv` and returns what it wrote (stdout and stderr) and its exit status.
std::pair<std::string, int> run(std::vector<std::string> argv, double seconds = 20.0) {
    child_process p(std::move(argv), true);
    std::string output = p.read_all(seconds);
    return {output, p.wait(seconds)};
}

std::string python(const std::string& script, const std::string& arg) {
    auto [output, status] = run({PYTHON311, "-c", script, arg});
    INFO("python said: " << output);
    CHECK(status == 0);
    return output;
}

}  // namespace

TEST_CASE("http_server --port 0 prints listening on 127.0.0.1:PORT first and serves there", "[http][contract]") {
    http_testing::site files;
    http_testing::server s(PROGRAM_HTTP_SERVER, files.root);
    REQUIRE(s.port() != 0);
    CHECK(s.first_line() == "listening on 127.0.0.1:" + std::to_string(s.port()));
    http_testing::raw_client c(s.port());
    c.send(request("GET", "/hello.txt"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->body == "hello, world\n");
    auto log = s.process().read_line();
    REQUIRE(log);
    CHECK_THAT(*log, testing::contains("\"GET /hello.txt HTTP/1.1\" 200 13"));
}

TEST_CASE("http_server listens on 127.0.0.1:8080 by default", "[http][contract]") {
    testing::check_listens_by_default(PROGRAM_HTTP_SERVER);
}

TEST_CASE("http_server serves the current folder without --root", "[http][contract]") {
    http_testing::site files;
    child_process server({"/bin/sh", "-c", "cd '" + files.root + "' && exec '" PROGRAM_HTTP_SERVER "' --port 0"});
    auto line = server.read_line();
    REQUIRE(line);
    auto port = testing::port_from_listening_line(*line);
    REQUIRE(port != 0);
    http_testing::raw_client c(port);
    c.send(request("GET", "/style.css"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->body == "body { color: black }\n");
    CHECK(r->header("content-type") == "text/css");
}

TEST_CASE("http_server refuses a bad flag or port with usage and exit status 2", "[http][contract]") {
    for (auto args : std::vector<std::vector<std::string>>{{"--bogus"}, {"--port", "http"}, {"--port", "70000"}, {"extra"},
                                                           {"--idle-timeout", "soon"}, {"--root"}}) {
        args.insert(args.begin(), PROGRAM_HTTP_SERVER);
        auto [output, status] = run(args);
        INFO("arguments: " << Catch::Detail::stringify(args) << "\noutput: " << output);
        CHECK_THAT(output, testing::contains("usage: http_server"));
        CHECK(status == 2);
    }
}

TEST_CASE("http_server --root on a missing folder says so in one line and exits 1", "[http][contract]") {
    auto [output, status] = run({PROGRAM_HTTP_SERVER, "--port", "0", "--root", "/no/such/folder"});
    CHECK(output == "http_server: --root /no/such/folder: not a folder\n");
    CHECK(status == 1);
}

TEST_CASE("http_server --help names the common server flags", "[http][contract]") {
    testing::check_help_names_backends_and_quiet(PROGRAM_HTTP_SERVER);
    testing::check_help_names_limits(PROGRAM_HTTP_SERVER);
    testing::check_refuses_poll_and_epoll({PROGRAM_HTTP_SERVER, "--port", "0"});
}

TEST_CASE("http_server -q prints only its listening line", "[http][contract]") {
    served s({"-q"});
    http_testing::raw_client c(s.program.port());
    c.send(request("GET", "/hello.txt") + request("GET", "/missing"));
    REQUIRE(c.read_response());
    REQUIRE(c.read_response());
    s.program.process().signal(SIGTERM);
    CHECK(s.program.process().read_all() == "");
}

TEST_CASE("http_server keeps serving when nobody reads its stdout", "[http][contract]") {
    served s(std::vector<std::string>{});
    testing::stop_reading_stdout(s.program.process());
    for (int i = 0; i < 50; ++i) {
        http_testing::raw_client c(s.program.port());
        c.send(request("GET", "/hello.txt"));
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->status == 200);
    }
}

TEST_CASE("curl --http1.1 reuses one connection across URLs on every backend", "[http][curl]") {
    for (std::vector<std::string> backend : {std::vector<std::string>{}, {"--poll"}, {"--epoll"}}) {
        backend.push_back("-q");
        served s(backend);
        auto [output, status] = run({CURL, "--http1.1", "-sS", "-v", "--max-time", "20", s.url("/hello.txt"),
                                     s.url("/docs/readme.md"), s.url("/data.bin"), s.url("/")});
        INFO("backend: " << Catch::Detail::stringify(backend) << "\ncurl said: " << output.substr(0, 3000));
        CHECK(status == 0);
        CHECK_THAT(output, testing::contains("hello, world\n"));
        CHECK_THAT(output, testing::contains("# read me\n"));
        CHECK_THAT(output, testing::contains("< Content-Length: " + std::to_string(s.files.data.size())));  // -v mixes in
        CHECK_THAT(output, testing::contains("<h1>home</h1>"));
        std::size_t reused = 0;
        for (auto at = output.find("Re-using existing connection"); at != std::string::npos;
             at = output.find("Re-using existing connection", at + 1))
            ++reused;
        CHECK(reused == 3);
    }
}

TEST_CASE("curl gets 206 for a range, 416 past the end, 304 when not modified", "[http][curl]") {
    served s;
    auto [part, status] = run({CURL, "--http1.1", "-sS", "--max-time", "20", "-r", "5-9", s.url("/hello.txt")});
    CHECK(part == ", wor");
    CHECK(status == 0);
    auto [last, status2] = run({CURL, "--http1.1", "-sS", "--max-time", "20", "-r", "-6", s.url("/hello.txt")});
    CHECK(last == "world\n");
    CHECK(status2 == 0);
    auto [code, status3] = run({CURL, "--http1.1", "-sS", "--max-time", "20", "-o", "/dev/null", "-w", "%{http_code}",
                                "-r", "100-200", s.url("/hello.txt")});
    CHECK(code == "416");
    auto [cached, status4] = run({CURL, "--http1.1", "-sS", "--max-time", "20", "-o", "/dev/null", "-w", "%{http_code}",
                                  "-z", s.files.root + "/hello.txt", s.url("/hello.txt")});
    INFO("curl -z FILE sends If-Modified-Since with the file's time");
    CHECK(cached == "304");
}

TEST_CASE("Python's http.client keeps one connection and reads pipelined responses", "[http][python]") {
    served s;
    const char* script = R"(
import http.client, socket, sys
port = int(sys.argv[1])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
seen = []
for path in ["/hello.txt", "/missing", "/style.css", "/data.bin"]:
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    seen.append((r.status, len(body), id(c.sock)))
assert len({s[2] for s in seen}) == 1, "a new connection was opened"
print(" ".join(f"{a}:{b}" for a, b, _ in seen))
# Pipelining: three requests in one send, three responses read in order from one stream.
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(b"".join(f"GET {p} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for p in ["/style.css", "/hello.txt", "/nope"]))
class kept_open:  # HTTPResponse closes its file after a whole response: the next one is in it
    def __init__(self, f): self.f = f
    def __getattr__(self, name): return getattr(self.f, name)
    def close(self): pass
class one_file:
    def __init__(self, f): self.f = f
    def makefile(self, *a, **k): return self.f
stream = one_file(kept_open(s.makefile("rb")))
out = []
for _ in range(3):
    r = http.client.HTTPResponse(stream)
    r.begin()
    out.append(f"{r.status}:{r.read().decode().strip()}")
print(" ".join(out))
)";
    std::string output = python(script, std::to_string(s.program.port()));
    CHECK(output == "200:13 404:14 200:22 200:" + std::to_string(s.files.data.size()) +
                        "\n200:body { color: black } 200:hello, world 404:404 Not Found\n");
}

TEST_CASE("Python's urllib gets files, HEAD, 404 and 304", "[http][python]") {
    served s;
    const char* script = R"(
import sys, urllib.request, urllib.error
base = f"http://127.0.0.1:{sys.argv[1]}"
r = urllib.request.urlopen(base + "/a%20b.txt", timeout=10)
print(r.status, r.headers["Content-Type"], r.read().decode().strip())
r = urllib.request.urlopen(urllib.request.Request(base + "/data.bin", method="HEAD"), timeout=10)
print(r.status, r.headers["Content-Length"], len(r.read()))
try:
    urllib.request.urlopen(base + "/nothing/here", timeout=10)
except urllib.error.HTTPError as e:
    print(e.code)
modified = urllib.request.urlopen(base + "/hello.txt", timeout=10).headers["Last-Modified"]
try:
    urllib.request.urlopen(urllib.request.Request(base + "/hello.txt", headers={"If-Modified-Since": modified}), timeout=10)
except urllib.error.HTTPError as e:
    print(e.code)
)";
    std::string output = python(script, std::to_string(s.program.port()));
    CHECK(output == "200 text/plain; charset=utf-8 a space in the name\n200 " + std::to_string(s.files.data.size()) +
                        " 0\n404\n304\n");
}

TEST_CASE("our http_client fetches a file and the status of a missing one", "[http][client]") {
    served s;
    auto [body, status] = run({PROGRAM_HTTP_CLIENT, s.url("/data.bin")});
    CHECK(body == s.files.data);
    CHECK(status == 0);
    auto [head, status2] = run({PROGRAM_HTTP_CLIENT, "-i", s.url("/missing")});
    CHECK(head.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
    CHECK(status2 == 0);
}

TEST_CASE("no request reaches a file outside the root", "[http][security]") {
    served s;
    for (std::string target : {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/docs/../../secret.txt",
                               "/docs/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/escape", "/./escape",
                               "http://127.0.0.1/../secret.txt", "secret.txt", "/%00", "/%2", "//etc/passwd",
                               "/../../../../../../etc/passwd"}) {
        http_testing::raw_client c(s.program.port());
        c.send(request("GET", target));
        auto r = c.read_response();
        INFO("target: " << target);
        REQUIRE(r);
        CHECK((r->status == 404 || r->status == 400));
        CHECK(r->body.find("secret") == std::string::npos);
        CHECK(r->body.find("root:") == std::string::npos);
    }
}

TEST_CASE("malformed requests get an error response and a close, and the server goes on", "[http][robust]") {
    served s;
    const std::vector<std::pair<std::string, int>> cases = {
        {"GARBAGE\r\n\r\n", 400},
        {std::string("\0\1\2\3 \xff\xfe\r\n\r\n", 12), 400},
        {"GET / HTTP/1.1\r\n\r\n", 400},  // no Host
        {"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
        {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", 413},
        {"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
        {"GET /" + std::string(5000, 'x') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
        {"GET /" + std::string(20000, 'x'), 414},
        {"GET / HTTP/1.1\r\n" + std::string(20000, 'h'), 431},
    };
    for (const auto& [input, status] : cases) {
        http_testing::raw_client c(s.program.port());
        c.send(input);
        auto r = c.read_response();
        INFO("input: " << Catch::Detail::stringify(input.substr(0, 60)));
        REQUIRE(r);
        CHECK(r->status == status);
        CHECK(r->header("connection") == "close");
        CHECK(c.closed_by_server());
    }
    http_testing::raw_client after(s.program.port());
    after.send(request("GET", "/hello.txt"));
    auto r = after.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
}

TEST_CASE("http_server --epoll serves 2000 keep-alive clients at once", "[http][epoll]") {
    const int n = 2000;
    testing::fd_limit more(testing::fd_limit::direction::at_least, 4096);  // the server inherits it
    if (!more.possible()) SKIP("the hard descriptor limit is below 4096 (ulimit -Hn)");
    REQUIRE(more.ok());
    served s({"--epoll", "-q"});
    // Every client connects before any sends; each asks for one file and keeps its connection.
    auto answered = [](const testing::echo_client& c) {
        return c.received.size() >= 13 && c.received.compare(c.received.size() - 13, 13, "hello, world\n") == 0;
    };
    auto clients = testing::exchange_at_once(asyncore::address("127.0.0.1", s.program.port()),
                                             std::vector<std::string>(n, request("GET", "/hello.txt")), answered, 60.0);
    auto done = std::count_if(clients.begin(), clients.end(), [&](auto& c) { return answered(*c); });
    auto ended = std::count_if(clients.begin(), clients.end(), [&](auto& c) { return !answered(*c) && c->ended; });
    INFO(done << " of " << n << " clients got hello.txt; " << ended << " saw their connection end first");
    CHECK(done == n);
    CHECK(clients.front()->received.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    INFO("the server holds every keep-alive connection at once");
    CHECK(testing::open_descriptors(s.program.process()) > static_cast<std::size_t>(n));
}

TEST_CASE("a hundred pipelined requests are answered in order", "[http][pipelining]") {
    served s;
    http_testing::raw_client c(s.program.port());
    std::string all;
    for (int i = 0; i < 100; ++i) all += request(i % 2 ? "HEAD" : "GET", i % 3 ? "/hello.txt" : "/index.html");
    c.send(all);
    for (int i = 0; i < 100; ++i) {
        auto r = c.read_response(i % 2 == 1);
        INFO("response " << i);
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->header("content-length") == (i % 3 ? "13" : "14"));
    }
}

TEST_CASE("a thousand pipelined requests that are not read cost no descriptors", "[http][pipelining]") {
    served s;
    http_testing::raw_client c(s.program.port());
    std::string all;
    for (int i = 0; i < 1000; ++i) all += request("GET", "/data.bin");
    c.send(all);  // 40 KB of requests for 200 MB of responses, and nobody reads them
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    INFO("hint: a response waiting in the queue must not hold its file open");
    CHECK(testing::open_descriptors(s.program.process()) < 20);
    for (int i = 0; i < 3; ++i) {
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->body == s.files.data);
    }
}

// [slow_reader]
TEST_CASE("a slow reader of a large file keeps the server's memory small", "[http][memory]") {
    served s;
    const std::string big = s.files.root + "/big.bin";
    const off_t size = off_t(512) << 20;  // 512 MiB, sparse: no disk is used
    {
        int fd = ::open(big.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        REQUIRE(fd >= 0);
        REQUIRE(::ftruncate(fd, size) == 0);
        ::close(fd);
    }
    const pid_t pid = s.program.process().pid();
    const long before = http_testing::resident_kib(pid);
    int small = 4096;
    testing::echo_client reader(asyncore::address("127.0.0.1", s.program.port()), small);
    reader.to_send = request("GET", "/big.bin");
    std::size_t got = 0;
    long most = before;
    auto deadline = testing::clock::now() + std::chrono::seconds(3);
    while (testing::clock::now() < deadline) {  // 3 s reading 16 KiB every 10 ms: a slow reader
        reader.pump(16384);
        got += reader.received.size();
        reader.received.clear();
        most = std::max(most, http_testing::resident_kib(pid));
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    INFO("resident memory before: " << before << " KiB, at most while sending: " << most << " KiB; read " << got
                                    << " bytes of " << size);
    CHECK(got > 100000);
    CHECK(got < static_cast<std::size_t>(size));
    CHECK(most - before < 16 * 1024);
}
// [slow_reader]

TEST_CASE("an idle keep-alive connection is closed after --idle-timeout", "[http][timeout]") {
    served s({"--idle-timeout", "1"});
    http_testing::raw_client c(s.program.port());
    c.send(request("GET", "/hello.txt"));
    REQUIRE(c.read_response());
    auto started = testing::clock::now();
    CHECK(c.closed_by_server(10.0));
    double waited = std::chrono::duration<double>(testing::clock::now() - started).count();
    CHECK(waited > 0.5);
    auto log = s.program.process().read_line();
    REQUIRE(log);
    CHECK_THAT(*log, testing::contains("\"GET /hello.txt HTTP/1.1\" 200 13"));
    log = s.program.process().read_line();
    REQUIRE(log);
    CHECK_THAT(*log, testing::contains(": idle for 1 s"));
}
