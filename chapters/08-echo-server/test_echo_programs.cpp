// Capstone 08, black-box: the echo_server program keeps its command-line contract, never depends
// on its stdout, serves past FD_SETSIZE with --poll and with --epoll, talks to the original Python
// asyncore echo client and server, and holds its clients to --idle-timeout and --max-connections.
#include "fd_limit.hpp"
#include "process.hpp"
#include "server_tests.hpp"

#include <memory>
#include <thread>

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
    testing::check_listens_by_default(PROGRAM_ECHO_SERVER);
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
    for (auto args : std::vector<std::vector<std::string>>{{"--bogus"}, {"--port", "http"}, {"--port", "70000"}, {"extra"},
                                                           {"--idle-timeout", "soon"}, {"--idle-timeout", "-1"},
                                                           {"--max-connections", "0"}, {"--max-connections", "many"}}) {
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

TEST_CASE("echo_server --help names --poll, --epoll and -q", "[echo][contract]") {
    testing::check_help_names_backends_and_quiet(PROGRAM_ECHO_SERVER);
}

TEST_CASE("echo_server refuses --poll and --epoll together with usage and exit status 2", "[echo][contract]") {
    testing::check_refuses_poll_and_epoll({PROGRAM_ECHO_SERVER, "--port", "0"});
}

TEST_CASE("echo_server --help names --idle-timeout and --max-connections", "[echo][contract]") {
    testing::check_help_names_limits(PROGRAM_ECHO_SERVER);
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
// Most of the server's descriptors are past FD_SETSIZE: select() could not watch them.
TEST_CASE("echo_server --poll serves 1500 clients at once", "[echo][poll]") {
    testing::check_serves_at_once({PROGRAM_ECHO_SERVER, "--port", "0", "--poll", "--quiet"}, 1500, 4096, 40.0);
}
// [poll_1500]

TEST_CASE("echo_server --epoll serves 2000 clients at once", "[echo][epoll]") {
    testing::check_serves_at_once({PROGRAM_ECHO_SERVER, "--port", "0", "--epoll", "--quiet"}, 2000, 4096, 60.0);
}

TEST_CASE("echo_server --epoll serves a listening socket above FD_SETSIZE", "[echo][epoll]") {
    auto server = testing::start_with_low_descriptors_taken({PROGRAM_ECHO_SERVER, "--port", "0", "--epoll"});
    auto port = started(*server);
    CHECK(testing::echo_of(port, "served at fd 1030\n") == "served at fd 1030\n");
}

// [idle_1100]
// 1100 clients connect and say nothing. Without a timeout they would hold the server forever:
// under select() the first 1016 fill what it can watch (the default --max-connections stops
// there) and every later client is turned away, the scene of chapter 12. With --idle-timeout,
// every one of them is closed and the server serves again. Both backends: under select() some
// clients are refused and the others closed as idle, under --poll (with a descriptor limit that
// holds them all) all 1100 are closed as idle. What is checked is the outcome, never how fast.
namespace {

void check_idle_clients_closed(bool use_poll) {
    testing::fd_limit more(testing::fd_limit::direction::at_least, 4096);  // this test's 1100 sockets; the server inherits it
    if (!more.possible()) SKIP("the hard descriptor limit is below 4096 (ulimit -Hn)");
    REQUIRE(more.ok());
    std::vector<std::string> argv{PROGRAM_ECHO_SERVER, "--port", "0", "--idle-timeout", "2"};
    if (use_poll) argv.push_back("--poll");
    child_process server(argv);
    auto port = started(server);
    std::vector<std::unique_ptr<testing::echo_client>> clients;
    for (int i = 0; i < 1100; ++i)
        clients.push_back(std::make_unique<testing::echo_client>(asyncore::address("127.0.0.1", port)));

    // Wait until the server has ended every connection, reading its log meanwhile (its stdout
    // drops what a full pipe cannot take).
    std::size_t idle = 0, refused = 0, errors = 0, ended = 0;
    auto deadline = testing::clock::now() + std::chrono::seconds(60);
    while (ended < clients.size() && testing::clock::now() < deadline) {
        while (auto line = server.read_line(0.01)) {
            idle += line->find(": idle for 2 s") != std::string::npos;
            refused += line->rfind("refused ", 0) == 0;
            errors += line->rfind("error", 0) == 0;
        }
        ended = 0;
        for (auto& c : clients) {
            if (!c->ended) c->pump();
            ended += c->ended;
        }
    }
    while (auto line = server.read_line(0.2)) idle += line->find(": idle for 2 s") != std::string::npos;
    INFO(ended << " of 1100 silent clients saw the server end their connection; " << idle << " closed as idle, "
               << refused << " refused, " << errors << " error lines");
    CHECK(ended == 1100);
    CHECK(idle + refused == 1100);
    CHECK(errors == 0);
    if (use_poll) CHECK(idle == 1100);
    CHECK(testing::echo_of(port, "served at last\n") == "served at last\n");
}

}  // namespace

TEST_CASE("echo_server --idle-timeout 2 under select() ends 1100 silent clients and serves again", "[echo][timeout]") {
    check_idle_clients_closed(false);
}

TEST_CASE("echo_server --poll --idle-timeout 2 closes each of 1100 silent clients as idle", "[echo][timeout][poll]") {
    check_idle_clients_closed(true);
}
// [idle_1100]

TEST_CASE("echo_server --idle-timeout keeps a client that talks and closes it once it is silent", "[echo][timeout]") {
    child_process server({PROGRAM_ECHO_SERVER, "--port", "0", "--idle-timeout", "1.5", "-q"});
    auto port = started(server);
    testing::echo_client c(asyncore::address("127.0.0.1", port));
    // Eight lines 0.25 s apart: 2 s of talk, longer than the timeout, but never 1.5 s of silence.
    for (int i = 0; i < 8; ++i) {
        c.to_send += "line " + std::to_string(i) + "\n";
        auto deadline = testing::clock::now() + std::chrono::milliseconds(250);
        while (testing::clock::now() < deadline) {
            c.pump();
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    INFO("received: " << c.received);
    CHECK(c.received == c.to_send);
    CHECK_FALSE(c.ended);
    INFO("hint: silent now, the client must be closed after 1.5 s");
    CHECK(testing::peer_gone(c.sock.fileno(), 10.0));
}

TEST_CASE("echo_server --max-connections 2 closes a third client at once and serves again after one leaves",
          "[echo][limits]") {
    child_process server({PROGRAM_ECHO_SERVER, "--port", "0", "--max-connections", "2"});
    auto port = started(server);
    const asyncore::address where("127.0.0.1", port);
    auto base = testing::open_descriptors(server);
    auto first = testing::echo_at_once(where, {"first\n"});
    auto second = testing::echo_at_once(where, {"second\n"});
    CHECK(first.front()->received == "first\n");
    CHECK(second.front()->received == "second\n");
    for (int i = 0; i < 2; ++i) CHECK_THAT(server.read_line().value_or(""), testing::contains("connection from"));

    auto third = testing::echo_at_once(where, {"third\n"});
    CHECK(third.front()->received == "");
    CHECK(third.front()->ended);
    auto refusal = server.read_line();
    REQUIRE(refusal);
    CHECK(refusal->rfind("refused 127.0.0.1:", 0) == 0);
    CHECK_THAT(*refusal, testing::contains("2 clients already, the most allowed (--max-connections)"));

    first.clear();  // the first client leaves
    auto deadline = testing::clock::now() + std::chrono::duration<double>(testing::patience);
    while (testing::open_descriptors(server) > base + 1 && testing::clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(testing::echo_of(port, "fourth\n") == "fourth\n");
}
