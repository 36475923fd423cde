// Capstone 08, black-box: the echo_server program keeps its command-line contract, and talks to
// the original Python asyncore echo client and server.
#include "process.hpp"

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
