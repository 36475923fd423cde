// Exercise 05: the checks your greeting_client must pass.
#include "greeting_client.hpp"
#include "harness.hpp"
#include "net_helpers.hpp"
#include "silent_listener.hpp"

#include <memory>
#include <stdexcept>
#include <system_error>
#include <vector>

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

template <class Client = greeting_client>
std::unique_ptr<Client> make_client(std::vector<asyncore::address> where, const std::string& greeting,
                                    asyncore::channel_map& map) {
    std::unique_ptr<Client> client;
    try {
        client = std::make_unique<Client>(std::move(where), greeting, &map);
    } catch (const std::exception& e) {
        FAIL("the constructor threw: " << e.what() << "\nhint: TODO 1: catch what connect() throws and go on to the next address, or fail()");
    }
    return client;
}

}  // namespace

TEST_CASE("the constructor starts connecting and returns at once", "[ex05]") {
    fixture f;
    auto client = make_client({f.server.bound()}, "hello\n", f.map);
    INFO("hint: TODO 1: create_socket() of the address's family, then connect(): it sets `connecting` and returns "
         "without waiting");
    CHECK(client->connecting);
    CHECK_FALSE(client->connected);
    CHECK(client->addr == f.server.bound());
    CHECK(f.map.get(client->fileno()) == client.get());
    CHECK(client->connects == 0);
    CHECK(client->tries == 1);
}

TEST_CASE("once connected the client sends its greeting", "[ex05]") {
    fixture f;
    auto client = make_client({f.server.bound()}, "hello, server\n", f.map);
    std::string got = f.server_reads(14);
    INFO("the server received: \"" << got << "\"");
    INFO("hint: TODO 2: handle_connect() runs when the connection is up: send() the greeting there");
    CHECK(got == "hello, server\n");
    CHECK(client->connected);
}

TEST_CASE("handle_connect runs once", "[ex05]") {
    fixture f;
    auto client = make_client({f.server.bound()}, "hi\n", f.map);
    f.server_reads(3);
    testing::run_until(f.map, [] { return false; }, 0.2);  // a few more passes
    INFO("hint: count every handle_connect() call in `connects`");
    CHECK(client->connects == 1);
}

TEST_CASE("the client collects the reply and closes when the server does", "[ex05]") {
    fixture f;
    auto client = make_client({f.server.bound()}, "hi\n", f.map);
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
    auto client = make_client({f.server.bound()}, greeting, f.map);
    int small = 65536;  // a small send buffer: the kernel takes a part of the greeting at a time
    REQUIRE(::setsockopt(client->fileno(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
    std::string got = f.server_reads(greeting.size(), 3 * wait);
    INFO("the server received " << got.size() << " of " << greeting.size() << " bytes");
    INFO("hint: use the channel's own send(): dispatcher_with_send keeps what the kernel cannot take yet");
    CHECK(got.size() == greeting.size());
    CHECK(got == greeting);
}

TEST_CASE("a refused connection is reported quietly and handle_connect never runs", "[ex05]") {
    asyncore::channel_map map;
    net::closed_port nobody;
    testing::captured_output output;
    auto client = make_client({nobody.where}, "anyone?\n", map);
    bool done = testing::run_until(map, [&] { return client->done; }, wait);
    INFO("hint: a refused connect reaches handle_error() as a std::system_error (TODO 5): with no address "
         "left, fail() records it (TODO 6); the default handle_error() prints, yours must not");
    CHECK(done);
    CHECK(client->error == ECONNREFUSED);
    CHECK(client->failure == "Connection refused");
    CHECK(client->connects == 0);
    CHECK(map.empty());
    INFO("printed: " << output.out());
    CHECK(output.out().find("error") == std::string::npos);
}

TEST_CASE("a connect that fails at once is reported the same way and not thrown", "[ex05]") {
    asyncore::channel_map map;
    net::temp_dir dir;
    auto client = make_client({asyncore::address::unix_path(dir.file("nobody.sock"))}, "anyone?\n", map);
    INFO("hint: connect() to a Unix socket path that does not exist throws at once, from inside the "
         "constructor (TODO 1); the channel stays registered until you close() it");
    CHECK(client->done);
    CHECK(client->error == ENOENT);
    CHECK(client->failure == "No such file or directory");
    CHECK(map.empty());
    CHECK(client->fileno() == -1);
}

TEST_CASE("a Unix-socket connection completes inside connect() and the greeting still goes out", "[ex05]") {
    asyncore::channel_map map;
    net::temp_dir dir;
    auto path = dir.file("server.sock");
    auto listener = asyncore::socket::create(AF_UNIX, SOCK_STREAM);
    auto where = asyncore::address::unix_path(path);
    REQUIRE(::bind(listener.fileno(), where.data(), where.size()) == 0);
    REQUIRE(::listen(listener.fileno(), 5) == 0);

    auto client = make_client({where}, "hello over a Unix socket\n", map);
    INFO("hint: here handle_connect() runs inside connect(), so inside the constructor (TODO 1, TODO 2)");
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

TEST_CASE("a refused address is skipped quietly and the next one gets the greeting", "[ex05]") {
    fixture f;
    net::closed_port nobody;
    testing::captured_output output;
    auto client = make_client({nobody.where, f.server.bound()}, "hello, second\n", f.map);
    std::string got = f.server_reads(14);
    INFO("the server received: \"" << got << "\"; error = " << client->error << ", tries = " << client->tries);
    INFO("printed: " << output.out());
    {
        INFO("hint: TODO 5: a refusal in the loop is not the end while addresses are left: try the next one, "
             "do not fail() and do not call the default handle_error()");
        CHECK(got == "hello, second\n");
        CHECK_FALSE(client->done);
        CHECK(client->error == 0);
        CHECK(output.out().find("error") == std::string::npos);
    }
    {
        INFO("hint: TODO 1: count every connect you start in `tries`");
        CHECK(client->tries == 2);
        CHECK(client->addr == f.server.bound());
        CHECK(client->connects == 1);
        CHECK(f.map.size() == 2);  // the server and the client, once
    }
}

TEST_CASE("an address that fails at once is skipped even for another family", "[ex05]") {
    fixture f;
    net::temp_dir dir;
    auto client = make_client({asyncore::address::unix_path(dir.file("nobody.sock")), f.server.bound()},
                              "hello, TCP\n", f.map);
    std::string got = f.server_reads(11);
    INFO("the server received: \"" << got << "\"; error = " << client->error << " (" << client->failure
                                    << "), tries = " << client->tries);
    INFO("hint: TODO 1: each address gets a new socket of its own family (the first was a Unix socket, the "
         "second is TCP); a connect that fails at once goes on to the next address");
    CHECK(got == "hello, TCP\n");
    CHECK(client->error == 0);
    CHECK(client->tries == 2);
    CHECK_FALSE(client->done);
}

TEST_CASE("when every address fails the last failure is reported", "[ex05]") {
    asyncore::channel_map map;
    net::closed_port nobody;
    net::temp_dir dir;
    auto missing = asyncore::address::unix_path(dir.file("nobody.sock"));
    testing::captured_output output;
    auto refused_last = make_client({missing, nobody.where}, "anyone?\n", map);
    bool done = testing::run_until(map, [&] { return refused_last->done; }, wait);
    auto missing_last = make_client({nobody.where, missing}, "anyone?\n", map);
    done = testing::run_until(map, [&] { return missing_last->done; }, wait) && done;
    INFO("errors: " << refused_last->error << " (" << refused_last->failure << ") then " << missing_last->error
                    << " (" << missing_last->failure << ")");
    INFO("hint: TODO 1 and TODO 5: fail() once no address is left, with the errno of the last one tried");
    CHECK(done);
    CHECK(refused_last->error == ECONNREFUSED);
    CHECK(missing_last->error == ENOENT);
    CHECK(missing_last->failure == "No such file or directory");
    CHECK(refused_last->tries == 2);
    CHECK(missing_last->tries == 2);
    CHECK(missing_last->connects == 0);
    CHECK(map.empty());
    INFO("printed: " << output.out());
    CHECK(output.out().find("error") == std::string::npos);
}

TEST_CASE("after a refusal the next address is not taken for connected too early", "[ex05]") {
    asyncore::channel_map map;
    net::closed_port nobody;
    testing::silent_listener silent;  // drops every SYN: a connect to it stays in progress
    auto client = make_client({nobody.where, asyncore::address("127.0.0.1", silent.port())}, "anyone?\n", map);
    REQUIRE(client->tries == 1);  // the first connect is under way (here, on the stub, it fails fast)
    testing::run_until(map, [&] { return client->tries == 2 || client->done; }, wait);
    testing::run_until(map, [] { return false; }, 0.1);  // a few more passes
    INFO("tries = " << client->tries << ", connects = " << client->connects << ", connected = "
                    << client->connected << ", error = " << client->error);
    REQUIRE(client->tries == 2);
    // A refusal makes the socket readable and writable: its write event is still due, in the same
    // pass, after handle_error() has run. A socket made after close() gets the same fd number, and
    // that write event then reaches it as "your connect has finished".
    INFO("hint: TODO 5: do not close() before try_next(): the new socket would reuse the fd, and the "
         "refused connect's write event, due later in the same pass, would run handle_connect() for it "
         "while it is still connecting. create_socket() closes the old socket itself, after making the new one");
    CHECK(client->connects == 0);
    CHECK_FALSE(client->connected);
    CHECK(client->connecting);
    CHECK_FALSE(client->done);
}

namespace {
// A client with a bug in a handler: the exception is not a connection failure.
struct buggy_client : greeting_client {
    using greeting_client::greeting_client;
    void handle_connect() override {
        greeting_client::handle_connect();
        throw std::logic_error("a bug in handle_connect");
    }
};
}  // namespace

TEST_CASE("an exception that is not a system_error goes to the default handle_error", "[ex05]") {
    fixture f;
    net::closed_port nobody;
    testing::captured_output output;
    auto client = make_client<buggy_client>({f.server.bound(), nobody.where}, "hi\n", f.map);
    bool done = testing::run_until(f.map, [&] { return client->done; }, wait);
    INFO("printed: " << output.out() << "\ntries = " << client->tries << ", error = " << client->error);
    INFO("hint: TODO 5: only a std::system_error means the connection failed; anything else goes to "
         "dispatcher::handle_error(), which logs it and calls your handle_close()");
    CHECK(done);
    CHECK(output.out().find("a bug in handle_connect") != std::string::npos);
    CHECK(client->tries == 1);
    CHECK(client->error == 0);
}
