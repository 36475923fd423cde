// Chapter 13: async_chat. What CPython's Lib/test/test_asynchat.py checks (line terminators of one,
// two and three bytes at every chunk size, numeric terminators, none, empty lines, producers,
// close_when_done, a negative count), and what it does not (a terminator longer than a read, the
// producer pulled only as the socket drains, a channel closed in found_terminator()). Every case
// runs the real loop over real sockets on the backend under test, bounded in time.
#include "harness.hpp"

#include <sys/ioctl.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using strings = std::vector<std::string>;

// CPython's echo_client: collects into `buffer`, and moves it to `contents` at each terminator.
struct chat : asyncore::async_chat {
    strings contents;
    std::string buffer;
    int empty_collects = 0;                  // collect_incoming_data() called with no bytes
    std::function<void(chat&)> on_message;   // runs after each message is stored

    chat(asyncore::socket sock, asyncore::channel_map& map) : async_chat(std::move(sock), &map) {}
    explicit chat(asyncore::channel_map& map) : async_chat(&map) {}

    void collect_incoming_data(std::string_view data) override {
        if (data.empty()) ++empty_collects;
        buffer += data;
    }
    void found_terminator() override {
        contents.push_back(std::exchange(buffer, {}));
        if (on_message) on_message(*this);
    }
};

// A chat over a socketpair (or loopback TCP), with the test holding the other end.
struct connection {
    asyncore::channel_map map;
    asyncore::socket peer;
    std::unique_ptr<chat> channel;

    explicit connection(bool tcp = false) {
        auto [mine, theirs] = tcp ? testing::tcp_pair() : testing::socket_pair();
        peer = std::move(theirs);
        channel = std::make_unique<chat>(std::move(mine), map);
    }

    // Bytes the kernel holds for the chat to read.
    std::size_t unread() const {
        int n = 0;
        if (channel->fileno() < 0 || ::ioctl(channel->fileno(), FIONREAD, &n) != 0) return 0;
        return static_cast<std::size_t>(n);
    }

    // Sends `text` in pieces of `piece` bytes, and lets the chat read each piece before the next,
    // so that every piece is a read of its own.
    void feed(const std::string& text, std::size_t piece = std::string::npos) {
        for (std::size_t at = 0; at < text.size(); at += piece) {
            testing::write_all(peer.fileno(), std::string_view(text).substr(at, piece));
            REQUIRE(testing::run_until(map, [&] { return unread() == 0; }));
        }
    }

    // Runs the loop and reads what the chat sends until `size` bytes or end of file came.
    std::string receive(std::size_t size, double seconds = testing::patience) {
        std::string got;
        auto deadline = testing::clock::now() + std::chrono::duration<double>(seconds);
        char block[65536];
        while (got.size() < size && testing::clock::now() < deadline) {
            if (!map.empty()) asyncore::loop(0.01, testing::use_poll, &map, 1);
            ssize_t n = ::recv(peer.fileno(), block, sizeof block, MSG_DONTWAIT);
            if (n > 0) got.append(block, static_cast<std::size_t>(n));
            if (n == 0) break;  // end of file
            if (n < 0 && map.empty()) testing::wait_fd(peer.fileno(), POLLIN, 0.01);
        }
        return got;
    }
};

std::string to_string(const asyncore::terminator& t) {
    if (std::holds_alternative<std::nullopt_t>(t)) return "none";
    if (auto* count = std::get_if<std::size_t>(&t)) return "count " + std::to_string(*count);
    return "\"" + std::get<std::string>(t) + "\"";
}

// A producer of `total` bytes (byte i is 'a' + i % 26), made on demand in chunks, which counts
// what was pulled from it.
struct counting_producer : asyncore::producer {
    std::size_t total, chunk;
    std::size_t* pulled;
    int* calls;
    bool* destroyed;
    counting_producer(std::size_t total_, std::size_t chunk_, std::size_t* pulled_, int* calls_, bool* destroyed_)
        : total(total_), chunk(chunk_), pulled(pulled_), calls(calls_), destroyed(destroyed_) {}
    ~counting_producer() override { *destroyed = true; }
    std::string more() override {
        ++*calls;
        std::string out(std::min(chunk, total - *pulled), '\0');
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<char>('a' + (*pulled + i) % 26);
        *pulled += out.size();
        return out;
    }
};

bool follows_pattern(const std::string& data) {
    for (std::size_t i = 0; i < data.size(); ++i)
        if (data[i] != static_cast<char>('a' + i % 26)) return false;
    return true;
}

}  // namespace

TEST_CASE("find_prefix_at_end finds the start of a terminator at the end", "[ch13][async_chat]") {
    CHECK(asyncore::find_prefix_at_end("qwerty\r", "\r\n") == 1);  // CPython's two cases
    CHECK(asyncore::find_prefix_at_end("qwertydkjf", "\r\n") == 0);
    CHECK(asyncore::find_prefix_at_end("abqq", "qqq") == 2);
    CHECK(asyncore::find_prefix_at_end("a\r\n\r", "\r\n\r\n") == 3);
    CHECK(asyncore::find_prefix_at_end("\r", "\r\n.\r\n") == 1);
    CHECK(asyncore::find_prefix_at_end("", "\r\n") == 0);
    CHECK(asyncore::find_prefix_at_end("abc", "") == 0);
}

TEST_CASE("line terminators of one to three bytes at every chunk size", "[ch13][async_chat]") {
    // CPython's line_terminator_check: "hello " "world" TERM "I'm not dead yet!" TERM, sent back
    // 1, 2 and 3 bytes at a time, so terminators are split across reads in every way.
    for (std::string term : {"\n", "\r\n", "qqq"}) {
        for (std::size_t piece : {1, 2, 3}) {
            connection c;
            c.channel->set_terminator(term);
            c.feed("hello world" + term + "I'm not dead yet!" + term, piece);
            INFO("terminator \"" << term << "\" in reads of " << piece << " bytes");
            CHECK(c.channel->contents == strings{"hello world", "I'm not dead yet!"});
            CHECK(c.channel->buffer.empty());
            CHECK(c.channel->empty_collects == 0);
        }
    }
}

TEST_CASE("a terminator longer than a read is found across reads", "[ch13][async_chat]") {
    // SMTP's and NNTP's end of data: five bytes, read two at a time, after decoys that begin it.
    for (std::size_t piece : {1, 2, 3, 4}) {
        connection c;
        c.channel->ac_in_buffer_size = 2;
        c.channel->set_terminator("\r\n.\r\n");
        c.feed("one\r\ntwo\r\n.x\r\n\r\n.\r\nnext\r\n.\r\n", piece);
        INFO("reads of at most 2 bytes, fed " << piece << " at a time");
        CHECK(c.channel->contents == strings{"one\r\ntwo\r\n.x\r\n", "next"});
        CHECK(c.channel->empty_collects == 0);
    }
}

TEST_CASE("a numeric terminator consumes exactly its count", "[ch13][async_chat]") {
    // CPython's numeric_terminator_check, for 1 and 6: the rest is collected (the count is then 0,
    // which is no terminator) and never ends a message.
    const std::string data = "hello world, I'm not dead yet!\n";
    for (std::size_t count : {1, 6}) {
        connection c;
        c.channel->set_terminator(count);
        c.feed(data);
        INFO("terminator: " << count << " bytes");
        CHECK(c.channel->contents == strings{data.substr(0, count)});
        CHECK(c.channel->buffer == data.substr(count));
        CHECK(to_string(c.channel->get_terminator()) == "count 0");
    }
}

TEST_CASE("a count terminator counts down across reads", "[ch13][async_chat]") {
    connection c;
    c.channel->set_terminator(10);
    c.feed("abcd");
    CHECK(c.channel->contents.empty());
    CHECK(to_string(c.channel->get_terminator()) == "count 6");
    c.feed("efghijkl");
    CHECK(c.channel->contents == strings{"abcdefghij"});
    CHECK(c.channel->buffer == "kl");
}

TEST_CASE("found_terminator may switch between a line and a count", "[ch13][async_chat]") {
    // A header line gives the length of the body that follows: all of it in one read.
    connection c;
    c.channel->set_terminator("\r\n");
    c.channel->on_message = [](chat& self) {
        const std::string& last = self.contents.back();
        if (last.rfind("LEN ", 0) == 0)
            self.set_terminator(std::stoul(last.substr(4)));
        else
            self.set_terminator("\r\n");
    };
    c.feed("LEN 5\r\nhelloLEN 3\r\nabcLEN 0\r\nend\r\n");
    // "LEN 0" sets a count of 0, which is no terminator: the rest is all data.
    CHECK(c.channel->contents == strings{"LEN 5", "hello", "LEN 3", "abc", "LEN 0"});
    CHECK(c.channel->buffer == "end\r\n");
}

TEST_CASE("no terminator collects everything and finds nothing", "[ch13][async_chat]") {
    const std::string data = "hello world, I'm not dead yet!\n";
    SECTION("a new channel has no terminator") {
        connection c;
        CHECK(to_string(c.channel->get_terminator()) == "none");
        c.feed(data);
        CHECK(c.channel->contents.empty());
        CHECK(c.channel->buffer == data);
    }
    SECTION("set_terminator(std::nullopt)") {  // CPython's test_none_terminator
        connection c;
        c.channel->set_terminator("\n");
        c.channel->set_terminator(std::nullopt);
        c.feed(data, 7);
        CHECK(c.channel->contents.empty());
        CHECK(c.channel->buffer == data);
    }
    SECTION("an empty delimiter is none") {
        connection c;
        c.channel->set_terminator("");
        c.feed(data);
        CHECK(c.channel->contents.empty());
        CHECK(c.channel->buffer == data);
    }
}

TEST_CASE("empty lines are found as empty messages", "[ch13][async_chat]") {
    connection c;
    c.channel->set_terminator("\n");
    c.feed("hello world\n\nI'm not dead yet!\n");
    CHECK(c.channel->contents == strings{"hello world", "", "I'm not dead yet!"});
    INFO("collect_incoming_data() is never called with no bytes");
    CHECK(c.channel->empty_collects == 0);
}

TEST_CASE("a negative count is refused", "[ch13][async_chat]") {
    connection c;
    c.channel->set_terminator("\n");
    CHECK_THROWS_AS(c.channel->set_terminator(-1), std::invalid_argument);
    CHECK(to_string(c.channel->get_terminator()) == "\"\n\"");
}

TEST_CASE("pushed bytes arrive in order and empty pushes send nothing", "[ch13][async_chat]") {
    connection c(true);
    c.channel->push("");
    CHECK(c.channel->queued() == 0);
    CHECK_FALSE(c.channel->writable());
    c.channel->push("bytes\n");
    c.channel->push("");
    c.channel->push(std::string("bytes\n"));
    c.channel->push(std::string_view("bytes\n"));
    CHECK(c.receive(18) == "bytes\nbytes\nbytes\n");
    CHECK(c.channel->queued() == 0);
    CHECK_FALSE(c.channel->writable());
}

TEST_CASE("a large push goes out whole as the peer reads", "[ch13][async_chat]") {
    connection c;
    std::string big(3 * 1024 * 1024 + 7, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
    c.channel->push(big);
    c.channel->push("end");
    CHECK(c.channel->writable());
    std::string got = c.receive(big.size() + 3);
    REQUIRE(got.size() == big.size() + 3);
    CHECK(got.substr(big.size()) == "end");
    got.resize(big.size());
    CHECK(follows_pattern(got));
    CHECK(c.channel->queued() == 0);
}

TEST_CASE("simple_producer hands out its data in chunks", "[ch13][async_chat]") {
    asyncore::simple_producer p("abcdefghij", 4);
    CHECK(p.more() == "abcd");
    CHECK(p.more() == "efgh");
    CHECK(p.more() == "ij");
    CHECK(p.more().empty());
    CHECK(p.more().empty());
    asyncore::simple_producer one_by_one("ab", 0);  // 0 counts as 1
    CHECK(one_by_one.more() == "a");
}

TEST_CASE("a producer's bytes go out between what was pushed around it", "[ch13][async_chat]") {
    // CPython's test_simple_producer: a producer with 8-byte chunks, echoed back as lines.
    connection c;
    c.channel->set_terminator("\n");
    c.channel->push("first\n");
    c.channel->push_with_producer(std::make_unique<asyncore::simple_producer>("hello world\nI'm not dead yet!\n", 8));
    c.channel->push_with_producer(nullptr);  // nothing
    c.channel->push("last\n");
    std::string sent = c.receive(41);
    CHECK(sent == "first\nhello world\nI'm not dead yet!\nlast\n");
    c.feed(sent, 5);  // and back: the same lines come out
    CHECK(c.channel->contents == strings{"first", "hello world", "I'm not dead yet!", "last"});
}

TEST_CASE("a producer is pulled only as fast as the socket drains", "[ch13][async_chat]") {
    // 64 MiB made on demand in 64 KiB chunks, to a peer that does not read at first.
    connection c;
    const std::size_t total = 64u << 20;
    std::size_t pulled = 0;
    int calls = 0;
    bool destroyed = false;
    c.channel->push_with_producer(std::make_unique<counting_producer>(total, 65536, &pulled, &calls, &destroyed));
    testing::run_until(c.map, [] { return false; }, 0.3);
    std::size_t pulled_while_full = pulled;
    testing::run_until(c.map, [] { return false; }, 0.2);
    {
        INFO(pulled_while_full << " bytes pulled while the peer read nothing; then " << pulled);
        CHECK(pulled_while_full > 0);
        CHECK(pulled_while_full <= 4u << 20);  // what the socket holds, and one chunk
        CHECK(pulled == pulled_while_full);    // a full socket pulls nothing more
    }
    std::string got = c.receive(total, 60);
    CHECK(got.size() == total);
    CHECK(follows_pattern(got));
    // The next write event asks for more, gets nothing, and the producer is gone.
    CHECK(testing::run_until(c.map, [&] { return c.channel->queued() == 0; }));
    CHECK(destroyed);
    CHECK(calls == 1025);
}

TEST_CASE("close_when_done closes after everything queued is sent", "[ch13][async_chat]") {
    // CPython's test_close_when_done, plus what it cannot see: all was sent, nothing after it.
    connection c;
    c.channel->push("hello world\nI'm not dead yet!\n");
    c.channel->push_with_producer(std::make_unique<asyncore::simple_producer>(std::string(200000, 'x'), 4096));
    c.channel->close_when_done();
    c.channel->push("never sent\n");
    std::string got = c.receive(std::string::npos);
    CHECK(got == "hello world\nI'm not dead yet!\n" + std::string(200000, 'x'));
    CHECK(c.channel->fileno() < 0);
    CHECK(c.map.empty());
    CHECK(c.channel->queued() == 0);
}

TEST_CASE("close_when_done on an idle channel closes at the next pass", "[ch13][async_chat]") {
    connection c;
    c.channel->close_when_done();
    CHECK(c.channel->fileno() >= 0);  // not at once: the close is queued, as in Python
    CHECK(c.channel->writable());
    CHECK(testing::run_until(c.map, [&] { return c.map.empty(); }));
    CHECK(testing::at_eof(c.peer.fileno()));
}

TEST_CASE("discard_buffers drops the queue and the unread input", "[ch13][async_chat]") {
    connection c;
    c.channel->set_terminator("\r\n");
    c.feed("abc\r");  // "abc" collected, "\r" kept back: it may begin the terminator
    CHECK(c.channel->buffer == "abc");
    c.channel->push(std::string(8u << 20, 'x'));  // more than the socket holds
    c.channel->push_with_producer(std::make_unique<asyncore::simple_producer>("later"));
    c.channel->close_when_done();
    c.channel->discard_buffers();
    CHECK(c.channel->queued() == 0);
    CHECK_FALSE(c.channel->writable());
    c.channel->buffer.clear();
    c.feed("\nxyz\r\n");  // the kept "\r" is gone: this "\n" is data
    CHECK(c.channel->contents == strings{"\nxyz"});
    CHECK(c.channel->fileno() >= 0);  // the discarded close_when_done() does not close
}

TEST_CASE("a channel closed in found_terminator handles no further message", "[ch13][async_chat]") {
    connection c;
    c.channel->set_terminator("\n");
    c.channel->on_message = [](chat& self) {
        if (self.contents.back() == "QUIT") self.close();
    };
    c.feed("hello\nQUIT\nafter\nquit\n");
    INFO("Python's async_chat goes on with the lines after QUIT, on a closed channel");
    CHECK(c.channel->contents == strings{"hello", "QUIT"});
    CHECK(c.channel->buffer.empty());
}

TEST_CASE("the queue waits for the connection and then goes out", "[ch13][async_chat]") {
    // CPython's echo_client pushes right after connect(), before the connection is made.
    testing::fd_guard listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in where{};
    where.sin_family = AF_INET;
    where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof where;
    REQUIRE(::bind(listener.get(), reinterpret_cast<sockaddr*>(&where), size) == 0);
    REQUIRE(::listen(listener.get(), 1) == 0);
    REQUIRE(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&where), &size) == 0);

    asyncore::channel_map map;
    chat client(map);
    client.create_socket(AF_INET, SOCK_STREAM);
    client.connect("127.0.0.1", ntohs(where.sin_port));
    client.set_terminator("\n");
    client.push("hello\n");
    client.push_with_producer(std::make_unique<asyncore::simple_producer>("world\n", 2));
    CHECK(client.writable());
    REQUIRE(testing::run_until(map, [&] { return client.connected && client.queued() == 0; }));
    testing::fd_guard server(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    REQUIRE(server.get() >= 0);
    CHECK(testing::read_some(server.get(), 12) == "hello\nworld\n");
    testing::write_all(server.get(), "echo\n");
    CHECK(testing::run_until(map, [&] { return client.contents.size() == 1; }));
    CHECK(client.contents == strings{"echo"});
}

TEST_CASE("a producer that throws reaches handle_error", "[ch13][async_chat]") {
    struct failing : asyncore::producer {
        std::string more() override { throw std::runtime_error("disk on fire"); }
    };
    connection c;
    c.channel->push("x");
    REQUIRE(c.receive(1) == "x");
    CHECK_THROWS_AS(c.channel->push_with_producer(std::make_unique<failing>()), std::runtime_error);
    testing::captured_output out;
    // In the loop, the next write event pulls it again: handle_error() logs and closes.
    CHECK(testing::run_until(c.map, [&] { return c.map.empty(); }));
    CHECK(out.out().find("disk on fire") != std::string::npos);
}
