// Capstone 08, black-box: the echo_server program keeps its command-line contract, never depends
// on its stdout, serves past FD_SETSIZE with --poll, and talks to the original Python asyncore
// echo client and server.
#include "fd_limit.hpp"
#include "process.hpp"
#include "server_tests.hpp"

#include <memory>

namespace {

using testing::child_process;

// Starts a server program and returns the port from its "listening on" line.
std::uint16_t started(child_process& server) {
    auto line = server.read_line();
    INFO("first line: " << line.value_or("(none)"));
    REQUIRE(line);
    auto port = testing::port_from_listening_line(*line);
    REQUIRE(port != 0);
    return port;
}

}  // namespace

TEST_CASE("echo_server --port 0 prints listening on 127.0.0.1:PORT first and echoes there", "[echo][contract]") {
    child_process server({PROGRAM_ECHO_SERVER, "--port", "0"});
    auto port = started(server);
    child_process client({PROGRAM_ECHO_CLIENT, "--port", std::to_string(port), "--count", "3"});
    CHECK(client.read_all() == "echo: hello 1\necho: hello 2\necho: hello 3\n");
    CHECK(client.wait() == 0);
    auto log = server.read_line();
    REQUIRE(log);
    CHECK(log->rfind("connection from 127.0.0.1:", 0) == 0);
}

TEST_CASE("echo_server listens on 127.0.0.1:8080 by default", "[echo][contract]") {
    child_process server({PROGRAM_ECHO_SERVER}, true);
    auto line = server.read_line();
    REQUIRE(line);
    if (line->find("Address already in use") != std::string::npos) {
        INFO("port 8080 is taken on this machine; the error must still name it");
        CHECK_THAT(*line, testing::contains("127.0.0.1:8080"));
        CHECK(server.wait() == 1);
    } else {
        CHECK(*line == "listening on 127.0.0.1:8080");
    }
}

TEST_CASE("echo_server --host ::1 listens on IPv6 loopback", "[echo][contract]") {
    child_process server({PROGRAM_ECHO_SERVER, "--host", "::1", "--port", "0"}, true);
    auto line = server.read_line();
    REQUIRE(line);
    if (line->find("Cannot assign requested address") != std::string::npos ||
        line->find("Address family not supported") != std::string::npos)
        SKIP("this machine has no IPv6 loopback");
    CHECK(line->rfind("listening on [::1]:", 0) == 0);
}

TEST_CASE("echo_server refuses a bad flag or port with usage and exit status 2", "[echo][contract]") {
    for (auto args : std::vector<std::vector<std::string>>{{"--bogus"}, {"--port", "http"}, {"--port", "70000"}, {"extra"}}) {
        args.insert(args.begin(), PROGRAM_ECHO_SERVER);
        child_process server(args, true);
        std::string output = server.read_all();
        INFO("arguments: " << Catch::Detail::stringify(args) << "\noutput: " << output);
        CHECK_THAT(output, testing::contains("usage: echo_server"));
        CHECK(server.wait() == 2);
    }
}

TEST_CASE("echo_server on a port in use says so in one line and exits 1", "[echo][contract]") {
    child_process first({PROGRAM_ECHO_SERVER, "--port", "0"});
    auto port = started(first);
    child_process second({PROGRAM_ECHO_SERVER, "--port", std::to_string(port)}, true);
    std::string output = second.read_all();
    CHECK(output == "echo_server: bind 127.0.0.1:" + std::to_string(port) + ": Address already in use\n");
    CHECK(second.wait() == 1);
}

// [python_client]
TEST_CASE("the Python asyncore echo client talks to the C++ echo server", "[echo][python]") {
    child_process server({PROGRAM_ECHO_SERVER, "--port", "0"});
    auto port = started(server);
    child_process client({PYTHON311, "-W", "ignore", CHAPTER_DIR "/echo_client.py", std::to_string(port), "5"}, true);
    std::string output = client.read_all(10.0);
    INFO(output);
    CHECK(client.wait() == 0);
    CHECK_THAT(output, testing::contains("echo: hello 5"));
}
// [python_client]

TEST_CASE("the C++ echo client talks to the original Python asyncore echo server", "[echo][python]") {
    child_process server({PYTHON311, "-W", "ignore", CHAPTER_DIR "/echo_server.py", "0"});
    auto port = started(server);
    child_process client({PROGRAM_ECHO_CLIENT, "--port", std::to_string(port), "--count", "5"});
    std::string output = client.read_all(10.0);
    INFO(output);
    CHECK(client.wait() == 0);
    CHECK_THAT(output, testing::contains("echo: hello 5"));
}

TEST_CASE("echo_client says so and exits 1 when nobody listens", "[echo][contract]") {
    child_process probe({PROGRAM_ECHO_SERVER, "--port", "0"});
    auto port = started(probe);
    probe.signal(SIGTERM);
    probe.wait();
    child_process client({PROGRAM_ECHO_CLIENT, "--port", std::to_string(port)}, true);
    std::string output = client.read_all();
    CHECK_THAT(output, testing::contains("Connection refused"));
    CHECK(client.wait() == 1);
}

// [stdout_closed]
TEST_CASE("echo_server keeps serving after the reader of its stdout leaves", "[echo][stdout]") {
    child_process server({PROGRAM_ECHO_SERVER, "--port", "0"});
    auto port = started(server);
    testing::stop_reading_stdout(server);  // as `echo_server --port 0 | head -1` does
    for (int i = 0; i < 3; ++i) {
        std::string message = "client " + std::to_string(i) + " after the reader left\n";
        INFO("hint: a write to a pipe nobody reads raises SIGPIPE, which kills unless ignored");
        CHECK(testing::echo_of(port, message) == message);
    }
    CHECK(server.wait(0) == -1);  // still running
}
// [stdout_closed]

TEST_CASE("echo_server drops log lines while its stdout is full and says so", "[echo][stdout]") {
    child_process server({PROGRAM_ECHO_SERVER, "--port", "0"});
    auto port = started(server);
    std::size_t fillers = testing::fill_stdout(server);  // a reader that stopped reading
    INFO("hint: a blocking write() to a full pipe waits for the reader, and the loop with it");
    REQUIRE(testing::echo_of(port, "while stdout is full\n") == "while stdout is full\n");
    for (std::size_t i = 0; i < fillers; ++i) REQUIRE(server.read_line() == "filler");
    CHECK(testing::echo_of(port, "once it has room\n") == "once it has room\n");
    CHECK(server.read_line() == "(1 line of output dropped: stdout was full or closed)");
    auto log = server.read_line();
    REQUIRE(log);
    CHECK(log->rfind("connection from 127.0.0.1:", 0) == 0);
}

TEST_CASE("echo_server -q prints listening on and no line per connection", "[echo][contract]") {
    testing::check_quiet({PROGRAM_ECHO_SERVER, "--port", "0"});
}

TEST_CASE("echo_server --help names --poll and -q", "[echo][contract]") {
    testing::check_help_names_poll_and_quiet(PROGRAM_ECHO_SERVER);
}

TEST_CASE("echo_server fails before listening on if select() cannot watch it", "[echo][contract]") {
    testing::check_fails_before_listening({PROGRAM_ECHO_SERVER, "--port", "0"});
}

TEST_CASE("echo_server --poll serves a listening socket above FD_SETSIZE", "[echo][poll]") {
    auto server = testing::start_with_low_descriptors_taken({PROGRAM_ECHO_SERVER, "--port", "0", "--poll"});
    auto port = started(*server);
    CHECK(testing::echo_of(port, "served at fd 1030\n") == "served at fd 1030\n");
}

// [poll_1500]
TEST_CASE("echo_server --poll serves 1500 clients at once", "[echo][poll]") {
    testing::fd_limit more(testing::fd_limit::direction::at_least, 4096);  // the server inherits it
    if (!more.possible()) SKIP("the hard descriptor limit is below 4096 (ulimit -Hn)");
    REQUIRE(more.ok());
    child_process server({PROGRAM_ECHO_SERVER, "--port", "0", "--poll", "--quiet"});
    auto port = started(server);
    std::vector<std::string> lines;
    for (int i = 0; i < 1500; ++i) lines.push_back("client " + std::to_string(i) + " of 1500\n");
    auto clients = testing::echo_at_once(asyncore::address("127.0.0.1", port), lines, 40.0);
    std::size_t served = 0;
    for (const auto& c : clients) served += c->received == c->to_send;
    INFO(served << " of 1500 clients got their own line back");
    CHECK(served == 1500);
    INFO("the server holds every connection at once: most of its descriptors are past FD_SETSIZE");
    CHECK(testing::open_descriptors(server) > 1500);
}
// [poll_1500]
