// Exercise 05: the checks your greeting_client must pass.
#include "greeting_client.hpp"
#include "harness.hpp"
#include "net_helpers.hpp"

#include <memory>
#include <system_error>

namespace {

constexpr double wait = 2.0;  // plenty on loopback

// A server in the same loop that keeps what it accepts (see chapters/04-accept/net_helpers.hpp).
struct fixture {
    asyncore::channel_map map;
    net::keeping_server server{map};

    // Reads what the first accepted connection has received, running the loop, until `size`
    // bytes have come or the time is up.
    std::string server_reads(std::size_t size, double seconds = wait) {
        std::string got;
        testing::run_until(map, [&] {
            if (server.accepted.empty()) return false;
            got += net::read_now(server.accepted.front().sock.fileno());
            return got.size() >= size;
        }, seconds);
        return got;
    }
};

std::unique_ptr<greeting_client> make_client(const asyncore::address& where, const std::string& greeting,
                                             asyncore::channel_map& map) {
    std::unique_ptr<greeting_client> client;
    try {
        client = std::make_unique<greeting_client>(where, greeting, &map);
    } catch (const std::exception& e) {
        FAIL("the constructor threw: " << e.what() << "\nhint: catch what connect() throws and fail() instead");
    }
    return client;
}

}  // namespace

TEST_CASE("the constructor starts connecting and returns at once", "[ex05]") {
    fixture f;
    auto client = make_client(f.server.bound(), "hello\n", f.map);
    INFO("hint: TODO 1: create_socket(), then connect(): it sets `connecting` and returns without waiting");
    CHECK(client->connecting);
    CHECK_FALSE(client->connected);
    CHECK(client->addr == f.server.bound());
    CHECK(f.map.get(client->fileno()) == client.get());
    CHECK(client->connects == 0);
}

TEST_CASE("once connected, the client sends its greeting", "[ex05]") {
    fixture f;
    auto client = make_client(f.server.bound(), "hello, server\n", f.map);
    std::string got = f.server_reads(14);
    INFO("the server received: \"" << got << "\"");
    INFO("hint: TODO 2: handle_connect() runs when the connection is up: send() the greeting there");
    CHECK(got == "hello, server\n");
    CHECK(client->connected);
}

TEST_CASE("handle_connect runs once", "[ex05]") {
    fixture f;
    auto client = make_client(f.server.bound(), "hi\n", f.map);
    f.server_reads(3);
    testing::run_until(f.map, [] { return false; }, 0.2);  // a few more passes
    INFO("hint: count every handle_connect() call in `connects`");
    CHECK(client->connects == 1);
}

TEST_CASE("the client collects the reply and closes when the server does", "[ex05]") {
    fixture f;
    auto client = make_client(f.server.bound(), "hi\n", f.map);
    REQUIRE(f.server_reads(3) == "hi\n");
    testing::write_all(f.server.accepted.front().sock.fileno(), "welcome, ");
    testing::run_until(f.map, [] { return false; }, 0.1);
    testing::write_all(f.server.accepted.front().sock.fileno(), "client\n");
    f.server.accepted.front().sock.close();

    bool done = testing::run_until(f.map, [&] { return client->done; }, wait);
    INFO("reply so far: \"" << client->reply << "\"");
    INFO("hint: TODO 3 appends what recv() returns to `reply`; TODO 4 closes and sets `done` at end of file");
    CHECK(done);
    CHECK(client->reply == "welcome, client\n");
    CHECK(f.map.size() == 1);  // only the server is left
    CHECK(client->error == 0);
}

TEST_CASE("a greeting larger than the socket buffers arrives whole", "[ex05]") {
    fixture f;
    std::string greeting;
    for (int i = 0; greeting.size() < 3000000; ++i) greeting += "hello number " + std::to_string(i) + "\n";
    auto client = make_client(f.server.bound(), greeting, f.map);
    std::string got = f.server_reads(greeting.size(), 3 * wait);
    INFO("the server received " << got.size() << " of " << greeting.size() << " bytes");
    INFO("hint: use the channel's own send(): dispatcher_with_send keeps what the kernel cannot take yet");
    CHECK(got.size() == greeting.size());
    CHECK(got == greeting);
}

TEST_CASE("a refused connection is reported, quietly, and handle_connect never runs", "[ex05]") {
    asyncore::channel_map map;
    net::closed_port nobody;
    testing::captured_output output;
    auto client = make_client(nobody.where, "anyone?\n", map);
    bool done = testing::run_until(map, [&] { return client->done; }, wait);
    INFO("hint: a refused connect reaches handle_error() as a std::system_error (TODO 5); fail() records "
         "it (TODO 6). It is also readable: handle_connect_event() throws before handle_read() would run");
    CHECK(done);
    CHECK(client->error == ECONNREFUSED);
    CHECK(client->failure == "Connection refused");
    CHECK(client->connects == 0);
    CHECK(map.empty());
    INFO("printed: " << output.out());
    CHECK(output.out().find("error") == std::string::npos);
}

TEST_CASE("a connect that fails at once is reported the same way, not thrown", "[ex05]") {
    asyncore::channel_map map;
    net::temp_dir dir;
    auto client = make_client(asyncore::address::unix_path(dir.file("nobody.sock")), "anyone?\n", map);
    INFO("hint: connect() to a Unix socket path that does not exist throws at once, from inside the "
         "constructor (TODO 1); the channel stays registered until you close() it");
    CHECK(client->done);
    CHECK(client->error == ENOENT);
    CHECK(client->failure == "No such file or directory");
    CHECK(map.empty());
    CHECK(client->fileno() == -1);
}

TEST_CASE("a Unix-socket connection completes inside connect(), and the greeting still goes out", "[ex05]") {
    asyncore::channel_map map;
    net::temp_dir dir;
    auto path = dir.file("server.sock");
    auto listener = asyncore::socket::create(AF_UNIX, SOCK_STREAM);
    auto where = asyncore::address::unix_path(path);
    REQUIRE(::bind(listener.fileno(), where.data(), where.size()) == 0);
    REQUIRE(::listen(listener.fileno(), 5) == 0);

    auto client = make_client(where, "hello over a Unix socket\n", map);
    INFO("hint: here handle_connect() runs inside connect(), so inside your constructor: everything it "
         "uses must be set before connect() is called");
    CHECK(client->connects == 1);
    CHECK(client->connected);

    REQUIRE(testing::wait_fd(listener.fileno(), POLLIN, wait));
    asyncore::socket accepted(::accept4(listener.fileno(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    REQUIRE(accepted.fileno() >= 0);
    std::string got;
    testing::run_until(map, [&] {
        got += net::read_now(accepted.fileno());
        return got.size() >= 25;
    }, wait);
    CHECK(got == "hello over a Unix socket\n");
}
