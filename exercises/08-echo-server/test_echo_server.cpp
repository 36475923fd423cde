// Capstone 08: the checks your echo server must pass. The first ones drive echo_server in this
// process; the last one runs your echo_server program with 900 clients at once.
#include "echo_server.hpp"
#include "harness.hpp"
#include "process.hpp"
#include "server_tests.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <random>
#include <sstream>

namespace {

constexpr double patience = 5.0;

using client = testing::echo_client;  // a plain non-blocking TCP client (server_tests.hpp)

std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 random(seed);
    std::string bytes(n, '\0');
    for (auto& c : bytes) c = static_cast<char>(random());
    return bytes;
}

// "same", or where two byte strings first differ: never megabytes of binary in a failure.
std::string compare_bytes(const std::string& got, const std::string& expected) {
    if (got == expected) return "same";
    auto at = std::mismatch(got.begin(), got.end(), expected.begin(), expected.end()).first - got.begin();
    return "got " + std::to_string(got.size()) + " bytes of " + std::to_string(expected.size()) +
           ", first different at byte " + std::to_string(at);
}

struct server_fixture {
    asyncore::channel_map map;
    std::ostringstream log;
    std::unique_ptr<echo_server> server;
    asyncore::address where;

    server_fixture() {
        server = std::make_unique<echo_server>(asyncore::address("127.0.0.1", 0), &map, log);
        where = server->local_address();
    }
    bool serve_until(const std::function<bool()>& done, double seconds = patience) {
        return testing::run_until(map, done, seconds, 0.001);
    }
};

}  // namespace

TEST_CASE("a client's bytes come back unchanged", "[ex08]") {
    server_fixture f;
    client c(f.where);
    c.to_send = "hello, echo\n";
    INFO("hint: handle_read() recv()s and send()s the same bytes back");
    REQUIRE(f.serve_until([&] { c.pump(); return c.done(); }));
    CHECK(c.received == c.to_send);
}

TEST_CASE("each of 50 clients gets back exactly its own bytes", "[ex08]") {
    server_fixture f;
    std::vector<std::unique_ptr<client>> clients;
    for (unsigned i = 0; i < 50; ++i) {
        clients.push_back(std::make_unique<client>(f.where));
        clients.back()->to_send = random_bytes(1000 + i * 37, i);
    }
    {
        std::vector<int> fds;
        for (auto& c : clients) fds.push_back(c->sock.fileno());
        auto connected = testing::connected_within(fds, 2.0);  // before the server accepts anyone
        INFO(connected << " of 50 clients could connect before the server accepted any");
        INFO("hint: all 50 connect at the same moment, and listen()'s backlog is how many "
             "connections may wait to be accepted: the others are turned away (TODO 5)");
        REQUIRE(connected == 50);
    }
    auto all_done = [&] {
        bool done = true;
        for (auto& c : clients) c->pump(), done = done && c->done();
        return done;
    };
    {
        INFO("hint: every connection needs its own handler: make one in handle_accepted()");
        REQUIRE(f.serve_until(all_done));
    }
    {
        INFO("hint: a client got bytes that are not its own: is something shared between handlers?");
        for (auto& c : clients) CHECK(compare_bytes(c->received, c->to_send) == "same");
    }
}

TEST_CASE("the server logs one line per connection with the client's address", "[ex08]") {
    server_fixture f;
    client a(f.where), b(f.where);
    a.to_send = b.to_send = "x";
    REQUIRE(f.serve_until([&] { a.pump(); b.pump(); return a.done() && b.done(); }));
    std::string expected = "connection from " + a.sock.getsockname().to_string() + "\n";
    CHECK_THAT(f.log.str(), testing::contains(expected));
    CHECK_THAT(f.log.str(), testing::contains("connection from " + b.sock.getsockname().to_string() + "\n"));
}

TEST_CASE("a client that resets does not disturb the others", "[ex08]") {
    server_fixture f;
    client steady(f.where), leaver(f.where);
    steady.to_send = random_bytes(200000, 1);
    leaver.to_send = random_bytes(200000, 2);
    REQUIRE(f.serve_until([&] { steady.pump(16384); leaver.pump(); return leaver.received.size() > 1000; }));
    testing::close_with_reset(leaver.sock);
    INFO("hint: a reset ends in handle_close() for that client only");
    REQUIRE(f.serve_until([&] { steady.pump(); return steady.done(); }));
    CHECK(compare_bytes(steady.received, steady.to_send) == "same");
    REQUIRE(f.serve_until([&] { return f.map.size() == 2; }));  // the server and the steady client
}

TEST_CASE("a client that sends 8 MiB and reads slowly gets it all back while the server's buffer stays bounded",
          "[ex08]") {
    server_fixture f;
    client c(f.where);
    c.to_send = random_bytes(8 << 20, 3);
    std::size_t most_buffered = 0;
    auto step = [&] {
        c.pump(8192);  // a slow reader
        for (const auto& t : f.map.snapshot())
            if (auto* handler = dynamic_cast<echo_handler*>(t.channel))
                most_buffered = std::max(most_buffered, handler->out_buffer.size());
        return c.done();
    };
    REQUIRE(f.serve_until(step, 60.0));
    CHECK(compare_bytes(c.received, c.to_send) == "same");
    {
        INFO("the largest out_buffer seen: " << most_buffered << " bytes");
        INFO("hint: readable() must say no while out_buffer holds high_water bytes or more: "
             "otherwise a client that does not read makes the server's memory grow without end (TODO 1)");
        CHECK(most_buffered <= echo_handler::high_water + 65536);
    }
}

TEST_CASE("a client that half-closes still gets its whole echo and then end of file", "[ex08]") {
    server_fixture f;
    // A small receive buffer and a slow reader: when the server reads end of file, much of the
    // echo still waits in its out_buffer.
    client c(f.where, 65536);
    c.to_send = random_bytes(8 << 20, 4);
    std::size_t readable_at_eof = 0;  // passes in which a handler at end of file said readable()
    auto watch = [&] {
        for (const auto& t : f.map.snapshot())
            if (auto* handler = dynamic_cast<echo_handler*>(t.channel)) {
                char byte;  // peek: 0 means end of file and nothing left to read
                if (::recv(handler->fileno(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0 &&
                    !handler->out_buffer.empty() && handler->readable())
                    ++readable_at_eof;
            }
    };
    REQUIRE(f.serve_until([&] { c.pump(4096); return c.sent == c.to_send.size(); }, 60.0));
    ::shutdown(c.sock.fileno(), SHUT_WR);  // "I have sent everything"
    {
        INFO("hint: end of file calls handle_eof(); a client that half-closed still reads: "
             "finish sending out_buffer before you close (TODO 4)");
        REQUIRE(f.serve_until([&] { c.pump(16384); watch(); return c.done() || c.ended; }, 60.0));
        CHECK(compare_bytes(c.received, c.to_send) == "same");
    }
    {
        INFO("hint: after end of file, close once out_buffer is empty: handle_write() sends the "
             "last bytes, and then the client must read end of file (TODO 3)");
        CHECK(testing::at_eof(c.sock.fileno(), 2.0));
    }
    {
        INFO("passes in which a handler that had read end of file still said readable(): " << readable_at_eof);
        INFO("hint: after end of file there is nothing more to read: readable() must say no, "
             "or the loop wakes the handler at every pass for the same end of file (TODO 1)");
        CHECK(readable_at_eof <= 2);
    }
}

TEST_CASE("the echo_server program serves 900 concurrent clients under select()", "[ex08][program]") {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < 2048) {
        limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 2048);
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    testing::child_process server({ASYNCORE_PROGRAM, "--port", "0"});
    auto first = server.read_line(patience);
    INFO("the program's first line: " << first.value_or("(none)"));
    REQUIRE(first);
    auto port = testing::port_from_listening_line(*first);
    REQUIRE(port != 0);
    asyncore::address where("127.0.0.1", port);

    std::vector<std::string> lines;
    for (unsigned i = 0; i < 900; ++i)
        lines.push_back("client " + std::to_string(i) + " says " + random_bytes(64, i) + "\n");
    auto clients = testing::echo_at_once(where, lines, 30.0);
    auto done = std::count_if(clients.begin(), clients.end(), [](auto& c) { return c->done(); });
    auto ended = std::count_if(clients.begin(), clients.end(), [](auto& c) { return !c->done() && c->ended; });
    {
        INFO(done << " of 900 clients got their echo back; " << ended << " saw their connection end first");
        INFO("hint: if the in-process tests pass, look at listen()'s backlog (900 clients connect at "
             "the same moment) and at the program's first line, above");
        REQUIRE(done == 900);
    }
    for (auto& c : clients) CHECK(c->received == c->to_send);
}
