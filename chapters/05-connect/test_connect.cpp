// Chapter 05: connect. A non-blocking connect(), the connecting state, handle_connect_event()
// reading SO_ERROR, handle_connect().
#include "harness.hpp"
#include "net_helpers.hpp"

#include <sys/un.h>

#include <algorithm>
#include <iterator>
#include <system_error>

namespace {

using net::keeping_server;

// A client that records its handler calls (and, with `mark_events`, where each event begins and ends).
class client : public asyncore::dispatcher {
public:
    client(asyncore::channel_map& map, testing::trace& log, int family = AF_INET) : dispatcher(&map), log_(log) {
        create_socket(family, SOCK_STREAM);
    }

    bool mark_events = false;
    bool wants_write = true;     // until the first handle_write
    std::string received;
    int error_code = 0;          // the errno handle_error saw, if it was a std::system_error
    bool connected_during_handle_connect = true;
    bool connecting_during_handle_connect = false;

    bool writable() override { return wants_write; }
    void handle_read_event() override {
        if (mark_events) log_("[read event");
        dispatcher::handle_read_event();
        if (mark_events) log_("read event]");
    }
    void handle_write_event() override {
        if (mark_events) log_("[write event");
        dispatcher::handle_write_event();
        if (mark_events) log_("write event]");
    }
    void handle_connect() override {
        log_("connect");
        connected_during_handle_connect = connected;
        connecting_during_handle_connect = connecting;
    }
    void handle_read() override {
        log_("read");
        received += recv(4096);
    }
    void handle_write() override {
        log_("write");
        wants_write = false;
    }
    void handle_error() override {
        try {
            throw;
        } catch (const std::system_error& e) {
            error_code = e.code().value();
        } catch (...) {
        }
        log_("error");
        dispatcher::handle_error();  // logs the error, then handle_close()
    }
    void handle_close() override {
        log_("close");
        close();
    }

private:
    testing::trace& log_;
};

// The handler calls only, without the event markers.
std::vector<std::string> handlers_only(const testing::trace& log) {
    std::vector<std::string> calls;
    std::copy_if(log.events.begin(), log.events.end(), std::back_inserter(calls),
                 [](const std::string& e) { return e.front() != '[' && e.back() != ']'; });
    return calls;
}

// A Unix-domain listening socket at `path`, made with plain system calls.
asyncore::socket unix_listener(const std::string& path, int backlog) {
    auto sock = asyncore::socket::create(AF_UNIX, SOCK_STREAM);
    auto where = asyncore::address::unix_path(path);
    if (::bind(sock.fileno(), where.data(), where.size()) != 0 || ::listen(sock.fileno(), backlog) != 0)
        throw std::runtime_error("unix_listener " + path + ": " + asyncore::strerror(errno));
    return sock;
}

}  // namespace

TEST_CASE("connect() returns at once with connecting set, connected clear and addr set", "[connect]") {
    asyncore::channel_map map;
    testing::trace log;
    keeping_server server(map);
    client c(map, log);

    c.connect(server.bound());

    CHECK(c.connecting);
    CHECK_FALSE(c.connected);
    CHECK(c.addr == server.bound());
    INFO("a TCP connect needs a round trip: connect() starts it and the loop sees it finish");
    CHECK(log.events.empty());
}

TEST_CASE("handle_connect runs exactly once, before any handle_read or handle_write", "[connect]") {
    asyncore::channel_map map;
    testing::trace log;
    class greeting_server : public keeping_server {
    public:
        using keeping_server::keeping_server;
        void handle_accepted(asyncore::socket sock, const asyncore::address& peer) override {
            testing::write_all(sock.fileno(), "hello");  // the client may read before it writes
            keeping_server::handle_accepted(std::move(sock), peer);
        }
    } server(map);
    client c(map, log);
    c.connect(server.bound());

    REQUIRE(testing::run_until(map, [&] { return c.received == "hello" && log.count("write") == 1; }));
    testing::run_until(map, [] { return false; }, 0.1);  // a few more passes: nothing more to connect

    REQUIRE_FALSE(log.events.empty());
    CHECK(log.events.front() == "connect");
    CHECK(log.count("connect") == 1);
    CHECK(c.connected);
    CHECK_FALSE(c.connecting);
}

TEST_CASE("handle_connect runs while connecting is still set and connected is set after it returns", "[connect]") {
    asyncore::channel_map map;
    testing::trace log;
    keeping_server server(map);
    client c(map, log);
    c.connect(server.bound());
    REQUIRE(testing::run_until(map, [&] { return log.count("connect") == 1; }));
    INFO("asyncore's order: handle_connect(), then connected = True, connecting = False");
    CHECK(c.connecting_during_handle_connect);
    CHECK_FALSE(c.connected_during_handle_connect);
    CHECK(c.connected);
    CHECK_FALSE(c.connecting);
}

TEST_CASE("after a successful connect, handle_write runs in the same write event", "[connect]") {
    asyncore::channel_map map;
    testing::trace log;
    keeping_server server(map);
    client c(map, log);
    c.mark_events = true;
    c.connect(server.bound());

    REQUIRE(testing::run_until(map, [&] { return log.count("write") == 1; }));
    INFO("completion shows as writability; handle_write_event() completes the connect, then writes");
    REQUIRE(log.events.size() >= 4);
    CHECK(std::vector<std::string>(log.events.begin(), log.events.begin() + 4) ==
          std::vector<std::string>{"[write event", "connect", "write", "write event]"});
}

TEST_CASE("close() inside handle_connect() is the end of the channel", "[connect]") {
    asyncore::channel_map map;
    testing::trace log;
    keeping_server server(map);
    class quitter : public client {
    public:
        using client::client;
        void handle_connect() override {
            client::handle_connect();
            handle_close();  // logs "close", then close()
        }
        void handle_write() override {
            client::handle_write();
            send("too late");  // on the closed socket: Python calls handle_close() again
        }
    } c(map, log);
    c.connect(server.bound());

    REQUIRE(testing::run_until(map, [&] { return log.count("connect") == 1; }));
    testing::run_until(map, [] { return false; }, 0.1);

    INFO("Python goes on with handle_write() in the same event and marks the closed channel connected");
    CHECK(log.events == std::vector<std::string>{"connect", "close"});
    CHECK_FALSE(c.connected);
    CHECK(c.fileno() == -1);
}

TEST_CASE("a refused connection goes through handle_error and closes the channel and never reaches handle_connect",
          "[connect]") {
    asyncore::channel_map map;
    net::closed_port nobody;
    SECTION("a client that records what happens") {
        testing::trace log;
        client c(map, log);
        c.connect(nobody.where);
        REQUIRE(c.connecting);

        testing::captured_output output;
        asyncore::loop(0.05, testing::use_poll, &map, 100);  // returns once the map is empty; bounded anyway
        CHECK(map.empty());
        CHECK(c.error_code == ECONNREFUSED);
        INFO("a failed connect reads as ready too; handle_connect_event() throws before handle_read()");
        CHECK(handlers_only(log) == std::vector<std::string>{"error", "close"});
        CHECK_FALSE(c.connecting);
        CHECK_FALSE(c.connected);
        CHECK_THAT(output.out(), testing::contains("error: uncaptured exception, closing channel"));
        CHECK_THAT(output.out(), testing::contains("Connection refused"));
    }
    SECTION("a plain dispatcher: the default handle_error closes it and loop() returns") {
        asyncore::dispatcher d(&map);
        d.create_socket(AF_INET, SOCK_STREAM);
        d.connect(nobody.where);
        testing::captured_output output;
        asyncore::loop(0.05, testing::use_poll, &map, 100);
        CHECK(map.empty());
        CHECK(d.fileno() == -1);
        CHECK_THAT(output.out(), testing::contains("Connection refused"));
        CHECK(output.out().find("unhandled connect event") == std::string::npos);
    }
}

TEST_CASE("a connect that succeeds at once (a Unix socket) runs handle_connect inside connect()", "[connect]") {
    asyncore::channel_map map;
    testing::trace log;
    net::temp_dir dir;
    auto listener = unix_listener(dir.file("server.sock"), 5);
    client c(map, log, AF_UNIX);

    c.connect(asyncore::address::unix_path(dir.file("server.sock")));

    INFO("a Unix-domain connect to a listener with room in its queue completes inside connect(2)");
    CHECK(log.events == std::vector<std::string>{"connect"});
    CHECK(c.connected);
    CHECK_FALSE(c.connecting);
    CHECK(c.addr.to_string() == dir.file("server.sock"));
}

TEST_CASE("a connect that fails at once throws std::system_error and leaves the channel registered", "[connect]") {
    asyncore::channel_map map;
    testing::trace log;
    net::temp_dir dir;
    client c(map, log, AF_UNIX);
    int fd = c.fileno();
    try {
        c.connect(asyncore::address::unix_path(dir.file("nobody-here.sock")));
        FAIL("connect() to a Unix socket path that does not exist returned normally");
    } catch (const std::system_error& e) {
        CHECK(e.code().value() == ENOENT);
    }
    INFO("as in Python: the caller decides, and must close() the channel");
    CHECK(map.get(fd) == &c);
    CHECK(c.connecting);
    CHECK_FALSE(c.connected);
    CHECK(log.events.empty());
    c.close();
    CHECK(map.empty());
    CHECK_FALSE(c.connecting);
}

TEST_CASE("EAGAIN from a Unix listener with a full queue is thrown, not waited for", "[connect]") {
    asyncore::channel_map map;
    testing::trace log;
    net::temp_dir dir;
    auto path = dir.file("busy.sock");
    auto listener = unix_listener(path, 0);
    auto where = asyncore::address::unix_path(path);
    std::vector<asyncore::socket> fillers;  // connected, never accepted, until the queue is full
    bool full = false;
    for (int i = 0; i < 64 && !full; ++i) {
        fillers.push_back(asyncore::socket::create(AF_UNIX, SOCK_STREAM));
        full = ::connect(fillers.back().fileno(), where.data(), where.size()) != 0 && errno == EAGAIN;
    }
    if (!full) SKIP("this system never answers EAGAIN to a Unix-socket connect");

    client c(map, log, AF_UNIX);
    try {
        c.connect(where);
        FAIL("connect() returned normally although the kernel refused with EAGAIN");
    } catch (const std::system_error& e) {
        CHECK(e.code().value() == EAGAIN);
    }
    INFO("nothing is in progress after EAGAIN: the socket turns writable at once with SO_ERROR 0, "
         "so waiting would report a connection that does not exist (Python asyncore waits)");
    CHECK(log.events.empty());
    CHECK_FALSE(c.connected);
    c.close();
}

TEST_CASE("connect(host, port) resolves the name, then connects", "[connect]") {
    asyncore::channel_map map;
    testing::trace log;
    keeping_server server(map);
    client c(map, log);
    c.connect("localhost", server.bound().port());
    INFO("addr holds the address the name resolved to (Python keeps the name you gave)");
    CHECK(c.addr == server.bound());
    REQUIRE(testing::run_until(map, [&] { return log.count("connect") == 1; }));
    CHECK(c.connected);
}

TEST_CASE("the default handlers warn: unhandled connect, write, read and incoming priority event", "[connect]") {
    asyncore::channel_map map;
    keeping_server server(map);
    asyncore::dispatcher d(&map);
    d.ignore_log_types.clear();
    d.create_socket(AF_INET, SOCK_STREAM);
    testing::captured_output output;
    d.connect(server.bound());

    REQUIRE(testing::run_until(map, [&] { return d.connected && !server.accepted.empty(); }));
    auto& peer = server.accepted.front().sock;
    testing::write_all(peer.fileno(), "data");
    char urgent = '!';
    ::send(peer.fileno(), &urgent, 1, MSG_OOB);  // urgent data: an "exceptional" event
    auto seen = [&](const char* line) { return output.out().find(line) != std::string::npos; };
    testing::run_until(map, [&] {
        return seen("warning: unhandled read event\n") && seen("warning: unhandled incoming priority event\n");
    });

    std::string out = output.out();
    INFO(out);
    CHECK(out.rfind("warning: unhandled connect event\nwarning: unhandled write event\n", 0) == 0);
    CHECK(seen("warning: unhandled read event\n"));
    CHECK(seen("warning: unhandled incoming priority event\n"));
    std::size_t connects = 0;
    for (std::size_t at = out.find("unhandled connect event"); at != std::string::npos;
         at = out.find("unhandled connect event", at + 1))
        ++connects;
    CHECK(connects == 1);
}

TEST_CASE("flags: the server accepts and is not connected, the client connects, close() clears them all",
          "[connect]") {
    asyncore::channel_map map;
    testing::trace log;
    keeping_server server(map);
    client c(map, log);
    c.connect(server.bound());
    REQUIRE(testing::run_until(map, [&] { return c.connected && !server.accepted.empty(); }));

    CHECK(server.accepting);
    CHECK_FALSE(server.connected);
    CHECK(c.connected);
    CHECK_FALSE(c.accepting);
    CHECK_FALSE(c.connecting);

    server.close();
    c.close();
    for (auto* d : {static_cast<asyncore::dispatcher*>(&server), static_cast<asyncore::dispatcher*>(&c)}) {
        CHECK_FALSE(d->accepting);
        CHECK_FALSE(d->connected);
        CHECK_FALSE(d->connecting);
    }
    CHECK(map.empty());
}
