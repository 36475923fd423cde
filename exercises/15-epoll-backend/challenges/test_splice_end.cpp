// Challenge 15: the tests of splice_end. Each one forwards between two real TCP connections on
// loopback: the test's `client` talks to end `a`, end `b` talks to the test's `remote`, and the
// test drives both peers between the passes of the real loop, with non-blocking calls. Every run
// stops when it is done, or when nothing has moved for a few seconds.
#include "harness.hpp"
#include "splice_end.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

namespace {

// The byte at `offset` of a stream: a pattern in which a lost, repeated or reordered piece shows.
char byte_at(std::uint64_t offset, unsigned seed) {
    return static_cast<char>((offset * 131 + (offset >> 12) * 7 + seed) & 0xff);
}

// One direction of test traffic: what was sent, what arrived, and whether it arrived intact.
struct flow {
    unsigned seed;
    std::size_t sent = 0;
    std::size_t received = 0;
    std::size_t wrong = 0;  // bytes that arrived different from what was sent at that offset
    bool eof = false;
    int error = 0;

    // Sends the next bytes of the pattern on `fd` while the socket takes them, up to `total`.
    void send_more(int fd, std::size_t total) {
        char buffer[65536];
        while (sent < total) {
            std::size_t n = std::min(sizeof buffer, total - sent);
            for (std::size_t i = 0; i < n; ++i) buffer[i] = byte_at(sent + i, seed);
            ssize_t w = ::send(fd, buffer, n, MSG_NOSIGNAL);
            if (w <= 0) return;
            sent += static_cast<std::size_t>(w);
        }
    }
    // Receives what has arrived on `fd` and checks it against the pattern.
    void receive_more(int fd) {
        char buffer[65536];
        for (;;) {
            ssize_t r = ::recv(fd, buffer, sizeof buffer, 0);
            if (r > 0) {
                for (std::size_t i = 0; i < static_cast<std::size_t>(r); ++i)
                    wrong += buffer[i] != byte_at(received + i, seed);
                received += static_cast<std::size_t>(r);
            } else if (r == 0) {
                eof = true;
                return;
            } else {
                if (errno != EAGAIN && errno != EINTR) error = errno;
                return;
            }
        }
    }
};

// Receives what has arrived on `fd` into `got`; true once it is at end of file.
bool receive_text(int fd, std::string& got) {
    char buffer[4096];
    for (;;) {
        ssize_t r = ::recv(fd, buffer, sizeof buffer, 0);
        if (r > 0) got.append(buffer, static_cast<std::size_t>(r));
        else return r == 0;
    }
}

struct spliced {
    asyncore::channel_map map;
    asyncore::socket client, remote;   // the test's two peers
    std::unique_ptr<splice_end> a, b;  // the forwarder's ends: a faces the client, b the remote
    spliced() {
        auto [c, a_side] = testing::tcp_pair();
        auto [r, b_side] = testing::tcp_pair();
        client = std::move(c);
        remote = std::move(r);
        a = std::make_unique<splice_end>(std::move(a_side), &map);
        b = std::make_unique<splice_end>(std::move(b_side), &map);
        splice_end::pair(*a, *b);
    }
    bool both_closed() const { return a->fileno() < 0 && b->fileno() < 0; }

    // Runs loop passes, calling `step` after each, until `done()`; gives up when `progress()`
    // has not changed for `stall` seconds, or after `limit` seconds. Returns done().
    bool run(const std::function<void()>& step, const std::function<bool()>& done,
             const std::function<std::size_t()>& progress = [] { return std::size_t{0}; }, double stall = 3,
             double limit = 60) {
        using testing::clock;
        auto start = clock::now();
        auto last_move = start;
        std::size_t last = progress();
        while (!done()) {
            auto now = clock::now();
            if (now - last_move > std::chrono::duration<double>(stall)) return false;
            if (now - start > std::chrono::duration<double>(limit)) return false;
            if (map.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            else asyncore::loop(0.01, testing::use_poll, &map, 1);
            step();
            if (std::size_t p = progress(); p != last) {
                last = p;
                last_move = clock::now();
            }
        }
        return true;
    }
};

void set_buffer(int fd, int option, int bytes) { ::setsockopt(fd, SOL_SOCKET, option, &bytes, sizeof bytes); }

constexpr std::size_t eight_mib = 8 * 1024 * 1024;

}  // namespace

TEST_CASE("spliced bytes arrive unchanged both ways (8 MiB each way)", "[ex15][challenge]") {
    spliced s;
    flow up{1}, down{2};  // client -> remote, remote -> client
    bool client_shut = false, remote_shut = false;
    auto step = [&] {
        up.send_more(s.client.fileno(), eight_mib);
        down.send_more(s.remote.fileno(), eight_mib);
        up.receive_more(s.remote.fileno());
        down.receive_more(s.client.fileno());
        if (up.sent == eight_mib && !client_shut) client_shut = ::shutdown(s.client.fileno(), SHUT_WR) == 0;
        if (down.sent == eight_mib && !remote_shut) remote_shut = ::shutdown(s.remote.fileno(), SHUT_WR) == 0;
    };
    bool done = s.run(step, [&] { return up.eof && down.eof && s.both_closed(); },
                      [&] { return up.received + down.received + up.sent + down.sent + up.eof + down.eof; });
    INFO("client -> remote: " << up.sent << " sent, " << up.received << " arrived, " << up.wrong << " wrong"
         << (up.eof ? ", end of file" : ""));
    INFO("remote -> client: " << down.sent << " sent, " << down.received << " arrived, " << down.wrong << " wrong"
         << (down.eof ? ", end of file" : ""));
    INFO("hint: readable() while the pipe has room, handle_read() splices the socket into the pipe, "
         "writable() while the partner's pipe holds bytes, handle_write() splices it into the socket");
    CHECK(up.received == eight_mib);
    CHECK(down.received == eight_mib);
    CHECK(up.wrong == 0);
    CHECK(down.wrong == 0);
    INFO("hint: each end read end of file and passed it on: close_if_finished() closes both");
    CHECK(done);
}

TEST_CASE("a slow reader fills the pipe and its end stops reading", "[ex15][challenge]") {
    spliced s;
    // Small socket buffers, so that the pipe fills after a few hundred KiB, not after megabytes.
    set_buffer(s.remote.fileno(), SO_RCVBUF, 32 * 1024);
    set_buffer(s.b->fileno(), SO_SNDBUF, 32 * 1024);
    set_buffer(s.a->fileno(), SO_RCVBUF, 32 * 1024);
    set_buffer(s.client.fileno(), SO_SNDBUF, 32 * 1024);
    flow up{3};
    const std::size_t offered = 64 * 1024 * 1024;
    // The remote reads nothing: the client sends until every buffer on the way, the pipe
    // included, is full and nothing has moved for half a second.
    std::size_t sent_before = 0;
    auto still = testing::clock::now();
    bool full = s.run([&] { up.send_more(s.client.fileno(), offered); },
                      [&] {
                          if (up.sent != sent_before) {
                              sent_before = up.sent;
                              still = testing::clock::now();
                          }
                          return s.a->in_pipe() > 0 && testing::clock::now() - still > std::chrono::milliseconds(500);
                      },
                      [] { return std::size_t{0}; }, 10, 10);
    INFO("the client sent " << up.sent << " bytes; end a holds " << s.a->in_pipe() << " in its pipe of "
         << s.a->pipe_capacity());
    INFO("hint: with a reader that reads nothing, the pipe of end a must fill up and stay full");
    REQUIRE(full);
    CHECK(up.sent < offered);
    CHECK(s.a->in_pipe() <= s.a->pipe_capacity());
    INFO("hint: readable() says no while the pipe has no room: the kernel then holds the rest, and "
         "the client's sends stop (backpressure)");
    CHECK_FALSE(s.a->readable());

    // Now the remote reads: everything the client sent arrives, intact.
    ::shutdown(s.client.fileno(), SHUT_WR);
    bool drained = s.run([&] { up.receive_more(s.remote.fileno()); }, [&] { return up.eof; },
                         [&] { return up.received; });
    INFO("the remote received " << up.received << " bytes, " << up.wrong << " wrong");
    INFO("hint: when the partner drains the pipe, the end must read again (clear pipe_full_)");
    CHECK(drained);
    CHECK(up.received == up.sent);
    CHECK(up.wrong == 0);
}

TEST_CASE("a half-close passes through and the answer still comes back", "[ex15][challenge]") {
    spliced s;
    testing::write_all(s.client.fileno(), "question\n");
    ::shutdown(s.client.fileno(), SHUT_WR);
    std::string question, answer;
    bool asked = s.run([] {}, [&] { return receive_text(s.remote.fileno(), question); },
                       [&] { return question.size(); });
    INFO("the remote received \"" << question << "\"" << (asked ? " and end of file" : ", but no end of file"));
    INFO("hint: once the client's end read end of file and its pipe is drained, the other end "
         "passes the half-close on with shutdown(SHUT_WR)");
    REQUIRE(question == "question\n");
    REQUIRE(asked);
    CHECK(s.a->read_done());
    CHECK(s.b->write_done());
    INFO("hint: half-closed is not closed: the remote's answer must still go back");
    CHECK_FALSE(s.both_closed());

    testing::write_all(s.remote.fileno(), "answer\n");
    ::shutdown(s.remote.fileno(), SHUT_WR);
    bool answered = s.run([] {}, [&] { return receive_text(s.client.fileno(), answer) && s.both_closed(); },
                          [&] { return answer.size(); });
    INFO("the client received \"" << answer << "\"");
    CHECK(answer == "answer\n");
    INFO("hint: both directions done (both read end of file, both shut down): close both ends");
    CHECK(answered);
}

TEST_CASE("a reset on one side closes both ends", "[ex15][challenge]") {
    spliced s;
    testing::write_all(s.client.fileno(), "hello");
    std::string got;
    s.run([&] { receive_text(s.remote.fileno(), got); }, [&] { return got == "hello"; },
          [&] { return got.size(); });
    INFO("the remote received \"" << got << "\"");
    REQUIRE(got == "hello");

    testing::close_with_reset(s.remote);
    bool closed = s.run([] {}, [&] { return s.both_closed(); });
    INFO("hint: a reset reaches end b as handle_close(), or as ECONNRESET from splice(): close both ends");
    CHECK(closed);
    INFO("the client must see its connection end (end of file or a reset)");
    CHECK(testing::peer_gone(s.client.fileno(), 1));
}
