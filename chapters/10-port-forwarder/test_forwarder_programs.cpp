// Capstone 10, black-box: the port_forwarder program keeps its command-line contract, carries
// curl's download from Python's http.server byte for byte, keeps its memory bounded under a slow
// reader, forwards a half-close, does what the original Python forwarder does (and more), holds
// its clients to --connect-timeout, --idle-timeout and --max-connections, and forwards hundreds
// of clients at once past FD_SETSIZE with --epoll.
#include "forward_peers.hpp"
#include "process.hpp"
#include "server_tests.hpp"
#include "silent_listener.hpp"

#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

namespace {

using testing::child_process;
using testing::endpoint;

// Starts a forwarder program and returns the port from its "listening on" line.
std::uint16_t started(child_process& forwarder) {
    auto line = forwarder.read_line(10.0);
    INFO("first line: " << line.value_or("(none)"));
    REQUIRE(line);
    auto port = testing::port_from_listening_line(*line);
    REQUIRE(port != 0);
    return port;
}

// A server on a thread of its own that serves one connection with `serve(fd)`.
class thread_server {
public:
    explicit thread_server(std::function<void(int)> serve) : listener_(asyncore::socket::create()) {
        listener_.bind(asyncore::address("127.0.0.1", 0));
        listener_.listen(4);
        port_ = listener_.getsockname().port();
        thread_ = std::thread([this, serve = std::move(serve)] {
            if (!testing::wait_fd(listener_.fileno(), POLLIN, 10.0)) return;
            if (auto conn = listener_.accept()) {
                try {
                    serve(conn->first.fileno());
                } catch (const std::exception& e) {
                    failure_ = e.what();
                }
            }
        });
    }
    ~thread_server() { thread_.join(); }
    std::string port() const { return std::to_string(port_); }
    // What went wrong on the server's side, if anything.
    const std::string& failure() const { return failure_; }

private:
    asyncore::socket listener_;
    std::uint16_t port_;
    std::thread thread_;
    std::string failure_;
};

// Reads from `fd` until end of file (bounded in time); true if end of file came.
bool read_to_eof(int fd, std::string& into, double seconds = 20.0) {
    into += testing::read_some(fd, std::string::npos, seconds);
    return testing::at_eof(fd, 0.5);
}

// An upstream that reads a request until end of file, then answers `reply` and closes.
std::function<void(int)> answer_after_eof(std::string& request, const std::string& reply) {
    return [&request, &reply](int fd) {
        read_to_eof(fd, request);
        testing::write_all(fd, reply, 20.0);
    };
}

// A client of the forwarder at `port` that sends `request`, half-closes and reads to end of file.
std::string ask_and_half_close(const std::string& port, const std::string& request) {
    endpoint client = endpoint::connect_to(asyncore::address("127.0.0.1", static_cast<std::uint16_t>(std::stoi(port))));
    REQUIRE(testing::wait_fd(client.sock.fileno(), POLLOUT));
    testing::write_all(client.sock.fileno(), request);
    ::shutdown(client.sock.fileno(), SHUT_WR);
    std::string reply;
    read_to_eof(client.sock.fileno(), reply);
    return reply;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream all;
    all << in.rdbuf();
    return all.str();
}

}  // namespace

TEST_CASE("port_forwarder -p 0 prints listening on 127.0.0.1:PORT first and forwards there", "[forwarder][contract]") {
    std::string request;
    const std::string reply = "pong\n";
    thread_server upstream(answer_after_eof(request, reply));
    child_process forwarder({PROGRAM_PORT_FORWARDER, "-p", "0", "-P", upstream.port()});
    auto port = started(forwarder);
    CHECK(ask_and_half_close(std::to_string(port), "ping\n") == reply);
    auto log = forwarder.read_line();
    REQUIRE(log);
    CHECK_THAT(*log, testing::contains("127.0.0.1:"));
}

TEST_CASE("port_forwarder takes the long options too", "[forwarder][contract]") {
    std::string request;
    const std::string reply = "long pong\n";
    thread_server upstream(answer_after_eof(request, reply));
    child_process forwarder({PROGRAM_PORT_FORWARDER, "--local-ip", "127.0.0.1", "--local-port", "0", "--remote-ip",
                             "127.0.0.1", "--remote-port", upstream.port()});
    auto port = started(forwarder);
    CHECK(ask_and_half_close(std::to_string(port), "long ping\n") == reply);
    CHECK(request == "long ping\n");
}

TEST_CASE("port_forwarder refuses a bad flag or port with usage and exit status 2", "[forwarder][contract]") {
    for (auto args : std::vector<std::vector<std::string>>{
             {"--bogus"}, {"-p", "http"}, {"-p", "70000"}, {"-P", "-1"}, {"-P", "0"}, {"-p"}, {"extra"},
             {"--connect-timeout", "soon"}, {"--idle-timeout", "-1"}, {"--max-connections", "0"}}) {
        args.insert(args.begin(), PROGRAM_PORT_FORWARDER);
        child_process forwarder(args, true);
        std::string output = forwarder.read_all();
        INFO("arguments: " << Catch::Detail::stringify(args) << "\noutput: " << output);
        CHECK_THAT(output, testing::contains("usage: port_forwarder"));
        CHECK(forwarder.wait() == 2);
    }
}

TEST_CASE("port_forwarder on a port in use says so in one line and exits 1", "[forwarder][contract]") {
    child_process first({PROGRAM_PORT_FORWARDER, "-p", "0"});
    auto port = started(first);
    child_process second({PROGRAM_PORT_FORWARDER, "-p", std::to_string(port)}, true);
    std::string output = second.read_all();
    CHECK(output == "port_forwarder: bind 127.0.0.1:" + std::to_string(port) + ": Address already in use\n");
    CHECK(second.wait() == 1);
}

TEST_CASE("curl downloads a random binary file from Python's http.server through port_forwarder byte for byte",
          "[forwarder][python][curl]") {
    char pattern[] = "/tmp/port_forwarder_test_XXXXXX";
    std::string dir = ::mkdtemp(pattern);
    struct cleanup {
        std::string dir;
        ~cleanup() { std::system(("rm -rf '" + dir + "'").c_str()); }
    } remove_dir{dir};
    const std::string bytes = testing::random_bytes(std::size_t(16) << 20, 10);
    std::ofstream(dir + "/random.bin", std::ios::binary) << bytes;

    child_process http_server({PYTHON311, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", dir});
    auto line = http_server.read_line(10.0);
    INFO("http.server said: " << line.value_or("(nothing): is python3.11 installed? ./course test installs it"));
    REQUIRE(line);
    auto at = line->find(" port ");
    REQUIRE(at != std::string::npos);
    std::string http_port = std::to_string(std::stoul(line->substr(at + 6)));

    child_process forwarder({PROGRAM_PORT_FORWARDER, "-p", "0", "-P", http_port});
    auto port = started(forwarder);
    child_process curl({CURL, "--silent", "--show-error", "--fail", "--output", dir + "/fetched.bin",
                        "http://127.0.0.1:" + std::to_string(port) + "/random.bin"},
                       true);
    std::string output = curl.read_all(30.0);
    INFO("curl said: " << output);
    REQUIRE(curl.wait(30.0) == 0);
    CHECK(testing::compare_bytes(slurp(dir + "/fetched.bin"), bytes) == "same");
}

TEST_CASE("port_forwarder stays small while a slow client downloads 256 MiB and every byte arrives in order",
          "[forwarder][memory]") {
    const std::size_t total = std::size_t(256) << 20;
    testing::pattern stream(11);
    thread_server upstream([&](int fd) {
        for (std::size_t sent = 0; sent < total;) {
            auto slice = stream.at(sent, total - sent);
            testing::write_all(fd, slice, 30.0);
            sent += slice.size();
        }
    });
    child_process forwarder({PROGRAM_PORT_FORWARDER, "-p", "0", "-P", upstream.port()});
    auto port = started(forwarder);
    endpoint client = endpoint::connect_to(asyncore::address("127.0.0.1", port));
    client.expect = &stream;

    // [slow_reader]
    // One second of a slow reader (64 KiB every 10 ms) while the upstream pushes as fast as it can;
    // without backpressure the forwarder would buffer hundreds of MiB meanwhile.
    auto slow_until = testing::clock::now() + std::chrono::seconds(1);
    while (testing::clock::now() < slow_until && !client.gone()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        client.pump(65536);
    }
    long during = forwarder.peak_memory_kib();
    auto deadline = testing::clock::now() + std::chrono::seconds(45);
    while (client.received_count < total && !client.gone() && testing::clock::now() < deadline) {
        testing::wait_fd(client.sock.fileno(), POLLIN, 0.1);
        client.pump();
    }
    long peak = forwarder.peak_memory_kib();
    INFO("the forwarder's peak memory (VmHWM): " << during << " KiB after the slow second, " << peak
                                                 << " KiB at the end");
    CHECK(client.received_count == total);
    CHECK(client.in_order);
    REQUIRE(peak > 0);
    CHECK(peak < 64 * 1024);
    // [slow_reader]
}

TEST_CASE("a client that half-closes through port_forwarder still gets the whole reply", "[forwarder][half_close]") {
    std::string request;
    const std::string reply = testing::random_bytes(std::size_t(8) << 20, 12);
    thread_server upstream(answer_after_eof(request, reply));
    child_process forwarder({PROGRAM_PORT_FORWARDER, "-p", "0", "-P", upstream.port()});
    auto port = started(forwarder);
    CHECK(testing::compare_bytes(ask_and_half_close(std::to_string(port), "GET everything\n"), reply) == "same");
    CHECK(request == "GET everything\n");
}

TEST_CASE("the original Python forwarder and port_forwarder agree on a simple exchange", "[forwarder][python]") {
    for (bool python : {true, false}) {
        INFO((python ? "python3.11 port_forwarder.py" : "port_forwarder"));
        std::string request, rest;
        const std::string reply = "HELLO\n";
        // Answers the first line, then waits for the forwarder to close. (Closing first would
        // make the original drop the reply: see the chapter.)
        thread_server upstream([&](int fd) {
            while (request.find('\n') == std::string::npos && testing::wait_fd(fd, POLLIN, 10.0))
                request += testing::read_some(fd, 4096, 0.1);
            testing::write_all(fd, reply);
            read_to_eof(fd, rest, 10.0);
        });
        std::vector<std::string> command{PROGRAM_PORT_FORWARDER};
        if (python) command = {PYTHON311, "-W", "ignore", CHAPTER_DIR "/port_forwarder.py"};
        for (std::string arg : {"-p", "0", "-P"}) command.push_back(arg);
        command.push_back(upstream.port());
        child_process forwarder(command);
        auto port = started(forwarder);
        endpoint client = endpoint::connect_to(asyncore::address("127.0.0.1", port));
        REQUIRE(testing::wait_fd(client.sock.fileno(), POLLOUT));
        testing::write_all(client.sock.fileno(), "hello\n");
        CHECK(testing::read_some(client.sock.fileno(), reply.size(), 10.0) == reply);
        client.sock.close();
        CHECK(request == "hello\n");
    }
}

TEST_CASE("the original Python forwarder loses the reply of a client that half-closes: port_forwarder does not",
          "[forwarder][python][half_close]") {
    std::string request;
    const std::string reply = "the reply\n";
    thread_server upstream(answer_after_eof(request, reply));
    child_process forwarder({PYTHON311, "-W", "ignore", CHAPTER_DIR "/port_forwarder.py", "-p", "0", "-P", upstream.port()});
    auto port = started(forwarder);
    INFO("the original closes both sides at the client's end of file, dropping the reply");
    CHECK(ask_and_half_close(std::to_string(port), "GET something\n").empty());
}

namespace {

// The course's echo server as the remote: every byte sent through the forwarder comes back.
struct echo_upstream {
    child_process server{{PROGRAM_ECHO_SERVER, "--port", "0", "--quiet"}};
    std::string port = std::to_string(started(server));
};

}  // namespace

TEST_CASE("port_forwarder keeps forwarding after the reader of its stdout leaves", "[forwarder][stdout]") {
    echo_upstream echo;
    child_process forwarder({PROGRAM_PORT_FORWARDER, "-p", "0", "-P", echo.port});
    auto port = started(forwarder);
    testing::stop_reading_stdout(forwarder);  // as `port_forwarder -p 0 ... | head -1` does
    for (int i = 0; i < 3; ++i) {
        std::string message = "client " + std::to_string(i) + " after the reader left\n";
        CHECK(testing::echo_of(port, message) == message);
    }
    CHECK(forwarder.wait(0) == -1);  // still running
}

TEST_CASE("port_forwarder -q prints listening on and no line per connection", "[forwarder][contract]") {
    echo_upstream echo;
    testing::check_quiet({PROGRAM_PORT_FORWARDER, "-p", "0", "-P", echo.port});
}

TEST_CASE("port_forwarder --help names --poll, --epoll and -q", "[forwarder][contract]") {
    testing::check_help_names_backends_and_quiet(PROGRAM_PORT_FORWARDER);
}

TEST_CASE("port_forwarder refuses --poll and --epoll together with usage and exit status 2", "[forwarder][contract]") {
    testing::check_refuses_poll_and_epoll({PROGRAM_PORT_FORWARDER, "-p", "0", "-P", "9"});
}

TEST_CASE("port_forwarder --help names --connect-timeout and the limits", "[forwarder][contract]") {
    testing::check_help_names_limits(PROGRAM_PORT_FORWARDER);
    child_process forwarder({PROGRAM_PORT_FORWARDER, "--help"});
    CHECK_THAT(forwarder.read_all(), testing::contains("--connect-timeout SECONDS"));
}

TEST_CASE("port_forwarder fails before listening on if select() cannot watch it", "[forwarder][contract]") {
    testing::check_fails_before_listening({PROGRAM_PORT_FORWARDER, "-p", "0"});
}

TEST_CASE("port_forwarder --poll serves a listening socket above FD_SETSIZE", "[forwarder][poll]") {
    echo_upstream echo;
    auto forwarder =
        testing::start_with_low_descriptors_taken({PROGRAM_PORT_FORWARDER, "-p", "0", "-P", echo.port, "--poll"});
    auto port = started(*forwarder);
    CHECK(testing::echo_of(port, "forwarded from fd 1030\n") == "forwarded from fd 1030\n");
}

// 600 clients at once: 1200 descriptors in the forwarder, past FD_SETSIZE. The echo server
// behind it (select(), started before the limit is raised) holds its 600 below it.
TEST_CASE("port_forwarder --epoll forwards 600 clients at once, each its own line", "[forwarder][epoll]") {
    echo_upstream echo;
    testing::check_serves_at_once({PROGRAM_PORT_FORWARDER, "-p", "0", "-P", echo.port, "--epoll", "-q"}, 600, 4096,
                                  40.0);
}

// [timeouts]
namespace {

// Waits (bounded) until `program` has `expected` descriptors open; returns how many it has.
std::size_t descriptors_become(const child_process& program, std::size_t expected, double seconds = 10.0) {
    auto deadline = testing::clock::now() + std::chrono::duration<double>(seconds);
    std::size_t now = testing::open_descriptors(program);
    while (now != expected && testing::clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        now = testing::open_descriptors(program);
    }
    return now;
}

// The next line of `program`'s output that does not start with "connection from", or "".
std::string next_event(child_process& program, double seconds = 10.0) {
    while (auto line = program.read_line(seconds))
        if (line->rfind("connection from ", 0) != 0) return *line;
    return "";
}

}  // namespace

TEST_CASE("port_forwarder --connect-timeout 1 closes a client whose remote never answers", "[forwarder][timeout]") {
    testing::silent_listener remote;  // its queue is full: SYNs to it are dropped
    child_process forwarder({PROGRAM_PORT_FORWARDER, "-p", "0", "-P", remote.port_text(), "--connect-timeout", "1"});
    auto port = started(forwarder);
    auto base = testing::open_descriptors(forwarder);
    endpoint client = endpoint::connect_to(asyncore::address("127.0.0.1", port));
    INFO("hint: without the timeout the kernel tries the SYN for about two minutes");
    CHECK(testing::peer_gone(client.sock.fileno(), 10.0));
    CHECK(next_event(forwarder) == "closing a connection: the remote did not answer within 1 s");
    CHECK(descriptors_become(forwarder, base) == base);
}

TEST_CASE("a client that leaves while port_forwarder connects to the remote releases both descriptors",
          "[forwarder][timeout]") {
    testing::silent_listener remote;
    child_process forwarder({PROGRAM_PORT_FORWARDER, "-p", "0", "-P", remote.port_text(), "--connect-timeout", "600"});
    auto port = started(forwarder);
    auto base = testing::open_descriptors(forwarder);
    {
        endpoint client = endpoint::connect_to(asyncore::address("127.0.0.1", port));
        INFO("the forwarder holds the client's socket and the one connecting to the remote");
        REQUIRE(descriptors_become(forwarder, base + 2) == base + 2);
    }  // the client closes its socket: end of file, with nothing sent
    INFO("hint: the connect timeout is 600 s: only noticing the client can free the descriptors");
    CHECK(descriptors_become(forwarder, base) == base);
    CHECK(next_event(forwarder) == "closing a connection: the client left before the remote answered");
}

TEST_CASE("port_forwarder --idle-timeout 1 closes a pair once nothing moves either way", "[forwarder][timeout]") {
    echo_upstream echo;
    child_process forwarder({PROGRAM_PORT_FORWARDER, "-p", "0", "-P", echo.port, "--idle-timeout", "1"});
    auto port = started(forwarder);
    testing::echo_client c(asyncore::address("127.0.0.1", port));
    c.to_send = "before the silence\n";
    auto deadline = testing::clock::now() + std::chrono::duration<double>(testing::patience);
    while (!c.done() && !c.ended && testing::clock::now() < deadline) {
        c.pump();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK(c.received == c.to_send);
    CHECK(testing::peer_gone(c.sock.fileno(), 10.0));
    CHECK(next_event(forwarder) == "closing a connection: idle for 1 s");
}

TEST_CASE("port_forwarder --max-connections 1 closes a second client at once with a log line", "[forwarder][limits]") {
    echo_upstream echo;
    child_process forwarder({PROGRAM_PORT_FORWARDER, "-p", "0", "-P", echo.port, "--max-connections", "1"});
    auto port = started(forwarder);
    const asyncore::address where("127.0.0.1", port);
    auto first = testing::echo_at_once(where, {"first\n"});
    CHECK(first.front()->received == "first\n");
    auto second = testing::echo_at_once(where, {"second\n"});
    CHECK(second.front()->received == "");
    CHECK(second.front()->ended);
    std::string refusal = next_event(forwarder);
    CHECK(refusal.rfind("refused 127.0.0.1:", 0) == 0);
    CHECK_THAT(refusal, testing::contains("1 client already, the most allowed (--max-connections)"));
}
// [timeouts]
