// Chapter 03: what a buffered sender must do, whoever wrote it.
//
// Included by the library tests (sender_under_test = asyncore::dispatcher_with_send) and by
// exercise 03 (sender_under_test = your buffered_sender): the exercise is checked by the same
// cases as the library. Before including, define in an anonymous namespace:
//   using sender_under_test = ...;   // constructible from (asyncore::socket, asyncore::channel_map*)
//   std::size_t bytes_waiting(const sender_under_test&);   // bytes queued, not yet sent
//   constexpr double send_wait = ...;   // seconds a case waits for something that should happen
// Only what the library has at chapter 02 is used here: the exercise builds on that snapshot.
#pragma once

#include "harness.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace send_cases {

using testing::clock;

inline double seconds_since(clock::time_point start) {
    return std::chrono::duration<double>(clock::now() - start).count();
}

// `size` bytes of numbered records, "a0000000\na0000001\n...": a byte lost, doubled or moved
// shows up as a record out of place.
inline std::string numbered(std::size_t size, char tag = 'a') {
    std::string text;
    text.reserve(size + 16);
    for (unsigned long record = 0; text.size() < size; ++record) {
        std::string number = std::to_string(record % 10000000);
        text += tag;
        text.append(7 - number.size(), '0');
        text += number;
        text += '\n';
    }
    text.resize(size);
    return text;
}

// "identical", or where `got` first departs from `want`: a useful message where printing
// megabytes would not be.
inline std::string compare(const std::string& got, const std::string& want) {
    if (got == want) return "identical";
    auto diverge = std::mismatch(got.begin(), got.end(), want.begin(), want.end());
    auto at = static_cast<std::size_t>(diverge.first - got.begin());
    std::string what = "received " + std::to_string(got.size()) + " of " + std::to_string(want.size()) + " bytes";
    if (at < got.size())
        what += "; the first wrong byte is at offset " + std::to_string(at) + " (expected the text \"" +
                want.substr(at, 20) + "\", got \"" + got.substr(at, 20) + "\")";
    else
        what += "; what arrived is right, but the rest never came";
    return what;
}

// Shrinks the kernel's send buffer for `sock` (Linux doubles what is asked, to a few KiB), so
// that the kernel takes only part of each slice: partial writes, every time.
inline void shrink_send_buffer(asyncore::socket& sock, int bytes = 4096) {
    sock.setsockopt(SOL_SOCKET, SO_SNDBUF, bytes);
}

// Reads what is ready on a non-blocking stream socket, without waiting.
inline void drain(int fd, std::string& into) {
    char buffer[65536];
    ssize_t n;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) into.append(buffer, static_cast<std::size_t>(n));
}

// Reads every message ready on a non-blocking SOCK_SEQPACKET socket, without waiting: the data,
// and the size of each message (MSG_TRUNC: the real size, even if it were larger than the buffer).
inline void drain_messages(int fd, std::string& into, std::vector<std::size_t>& sizes) {
    std::vector<char> buffer(2 * 65536);
    ssize_t n;
    while ((n = ::recv(fd, buffer.data(), buffer.size(), MSG_TRUNC)) > 0) {
        auto size = static_cast<std::size_t>(n);
        sizes.push_back(size);
        into.append(buffer.data(), std::min(size, buffer.size()));
    }
}

// A slow peer on a thread of its own: it starts late, reads in small pieces and pauses now and
// then, so the sender meets a full socket buffer over and over. Bounded by `seconds`.
class slow_reader {
public:
    slow_reader(int fd, std::size_t expected, double seconds)
        : thread_([this, fd, expected, seconds] { run(fd, expected, seconds); }) {}
    ~slow_reader() {
        if (thread_.joinable()) thread_.join();
    }
    slow_reader(const slow_reader&) = delete;
    slow_reader& operator=(const slow_reader&) = delete;

    // Waits for the reader to finish and returns what it read.
    std::string finish() {
        if (thread_.joinable()) thread_.join();
        return received_;
    }

private:
    void run(int fd, std::size_t expected, double seconds) {
        auto deadline = clock::now() + std::chrono::duration<double>(seconds);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let the sender fill the buffer
        char buffer[4093];                                            // small, odd-sized reads
        for (long reads = 1; received_.size() < expected && clock::now() < deadline; ++reads) {
            ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                received_.append(buffer, static_cast<std::size_t>(n));
                if (reads % 256 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            } else if (n == 0) {
                break;
            } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                testing::wait_fd(fd, POLLIN, 0.05);
            } else {
                break;
            }
        }
    }

    std::string received_;  // before thread_: it must exist when the thread starts
    std::thread thread_;
};

}  // namespace send_cases

namespace {

// The sender under test, counting what the loop does to it.
class counted : public sender_under_test {
public:
    counted(asyncore::socket sock, asyncore::channel_map& map) : sender_under_test(std::move(sock), &map) {}

    int writable_calls = 0;
    int write_events = 0;
    int close_events = 0;
    std::vector<std::size_t> offered;  // bytes waiting before each handle_write()
    std::vector<std::size_t> taken;    // bytes each handle_write() moved out of the buffer

    bool writable() override {
        ++writable_calls;
        return sender_under_test::writable();
    }
    void handle_write() override {
        ++write_events;
        std::size_t before = bytes_waiting(*this);
        sender_under_test::handle_write();
        std::size_t after = bytes_waiting(*this);
        offered.push_back(before);
        taken.push_back(before > after ? before - after : 0);
    }
    void handle_close() override {
        ++close_events;
        sender_under_test::handle_close();
    }
};

}  // namespace

TEST_CASE("send() tries at once so a short message leaves without waiting for the loop", "[send]") {
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair();
    sender_under_test sender(std::move(mine), &map);

    sender.send("hello");

    {
        INFO("hint: send() queues the data, then tries to send it right away; the loop has not run yet");
        CHECK(testing::read_some(peer.fileno(), 5, 0.5) == "hello");
        CHECK(bytes_waiting(sender) == 0);
    }
    INFO("hint: nothing waits now, so writable() must say no, or the loop wakes up for nothing");
    CHECK_FALSE(sender.writable());
}

TEST_CASE("send() accepts every byte and keeps what the kernel does not take yet", "[send][partial]") {
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair();
    send_cases::shrink_send_buffer(mine);
    sender_under_test sender(std::move(mine), &map);
    std::string payload = send_cases::numbered(1 << 20);

    std::size_t accepted = sender.send(payload);

    {
        INFO("hint: send() must accept the whole payload (return data.size()): what does not fit now waits");
        CHECK(accepted == payload.size());
    }
    std::size_t waiting = bytes_waiting(sender);
    INFO("bytes waiting after send(): " << waiting << " of " << payload.size());
    INFO("hint: the socket buffer here is a few KiB, so most of the payload must wait in your buffer");
    REQUIRE(waiting > 0);
    REQUIRE(waiting < payload.size());
    std::string arrived = testing::read_some(peer.fileno(), payload.size() - waiting, 1.0);
    INFO("hint: the bytes that left are the front of the payload, and the ones waiting are the rest");
    CHECK(send_cases::compare(arrived, payload.substr(0, payload.size() - waiting)) == "identical");
}

TEST_CASE("partial writes are finished later and every byte arrives once and in order", "[partial]") {
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair();
    send_cases::shrink_send_buffer(mine);
    counted sender(std::move(mine), map);
    std::string payload = send_cases::numbered(2 << 20);
    std::string received;

    sender.send(payload);
    bool complete = testing::run_until(map, [&] {
        send_cases::drain(peer.fileno(), received);
        return received.size() >= payload.size();
    }, send_wait);

    INFO("handle_write() ran " << sender.write_events << " times");
    INFO("hint: each handle_write() must send the next slice from where the last send stopped, "
         "and writable() must say yes while bytes wait");
    CHECK(send_cases::compare(received, payload) == "identical");
    REQUIRE(complete);
    CHECK(bytes_waiting(sender) == 0);
    std::size_t partial = 0;
    for (std::size_t i = 0; i < sender.taken.size(); ++i)
        partial += sender.taken[i] > 0 && sender.taken[i] < std::min<std::size_t>(sender.offered[i], 65536);
    INFO("the test's socket buffer is a few KiB, so the kernel should have taken part of a slice at least once");
    CHECK(partial > 0);
}

TEST_CASE("several MiB arrive complete and in order at a slow reader", "[huge]") {
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair();
    counted sender(std::move(mine), map);
    std::string payload = send_cases::numbered(8 << 20);
    send_cases::slow_reader reader(peer.fileno(), payload.size(), send_wait);

    sender.send(payload);
    bool drained = testing::run_until(map, [&] { return bytes_waiting(sender) == 0; }, send_wait);
    std::string received = reader.finish();

    INFO("handle_write() ran " << sender.write_events << " times; " << bytes_waiting(sender) << " bytes still wait");
    INFO("hint: 8 MiB is far more than a socket buffer holds; keep sending from handle_write() "
         "until the buffer is empty");
    CHECK(drained);
    CHECK(send_cases::compare(received, payload) == "identical");
}

TEST_CASE("several sends queue up behind each other and arrive in order and intact", "[order]") {
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair();
    sender_under_test sender(std::move(mine), &map);
    std::string first = send_cases::numbered(300000, 'a');
    std::string second = send_cases::numbered(300000, 'b');
    std::string third = send_cases::numbered(300001, 'c');

    sender.send(first);  // more than the socket buffer: the rest waits...
    sender.send(second);  // ...and these queue up behind it
    sender.send("a short one in between\n");
    sender.send(third);
    std::string want = first + second + "a short one in between\n" + third;
    std::string received;
    testing::run_until(map, [&] {
        send_cases::drain(peer.fileno(), received);
        return received.size() >= want.size();
    }, send_wait);

    INFO("hint: append each send() at the back of the buffer; send from the front");
    CHECK(send_cases::compare(received, want) == "identical");
    CHECK(bytes_waiting(sender) == 0);
}

TEST_CASE("each send to the kernel carries at most 65536 bytes", "[slices]") {
    // A SOCK_SEQPACKET socket keeps message boundaries: the reader sees each send's size.
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair(SOCK_SEQPACKET);
    sender_under_test sender(std::move(mine), &map);
    std::string payload = send_cases::numbered(300000);

    INFO("hint: never give dispatcher::send() more than 65536 bytes at once (this socket refuses "
         "a 300000-byte message with EMSGSIZE)");
    REQUIRE_NOTHROW(sender.send(payload));
    REQUIRE_NOTHROW(sender.send("tail\n"));
    std::string want = payload + "tail\n";
    std::string received;
    std::vector<std::size_t> sizes;
    testing::run_until(map, [&] {
        send_cases::drain_messages(peer.fileno(), received, sizes);
        return received.size() >= want.size();
    }, send_wait);

    std::size_t largest = sizes.empty() ? 0 : *std::max_element(sizes.begin(), sizes.end());
    INFO(sizes.size() << " sends reached the reader; the largest carried " << largest << " bytes");
    CHECK(largest <= 65536);
    CHECK(send_cases::compare(received, want) == "identical");
}

TEST_CASE("writable() is true while unconnected or while bytes wait and false once all is sent", "[writable]") {
    asyncore::channel_map map;
    {
        sender_under_test lonely(asyncore::socket::create(AF_INET, SOCK_STREAM), &map);
        REQUIRE_FALSE(lonely.connected);
        INFO("hint: a channel that is not connected yet must ask to write: the loop reports a finished "
             "connect as writability (chapter 05)");
        CHECK(lonely.writable());
    }
    auto [mine, peer] = testing::socket_pair();
    send_cases::shrink_send_buffer(mine);
    sender_under_test sender(std::move(mine), &map);
    {
        INFO("hint: connected with nothing to send: writable() must say no");
        CHECK_FALSE(sender.writable());
    }

    std::string payload = send_cases::numbered(1 << 20);
    sender.send(payload);
    {
        INFO("hint: bytes wait (" << bytes_waiting(sender) << "), so writable() must say yes");
        CHECK(sender.writable());
    }

    std::string received;
    testing::run_until(map, [&] {
        send_cases::drain(peer.fileno(), received);
        return received.size() >= payload.size();
    }, send_wait);
    {
        INFO("hint: handle_write() must keep sending while bytes wait; only " << received.size() << " of "
                                                                              << payload.size() << " bytes arrived");
        REQUIRE(received.size() == payload.size());
    }
    INFO("hint: everything is sent, so writable() must say no again");
    CHECK_FALSE(sender.writable());
}

TEST_CASE("an idle sender stays out of the write set so the loop sleeps instead of spinning", "[busy]") {
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair();
    counted sender(std::move(mine), map);
    constexpr int passes = 5;
    constexpr double timeout = 0.05;

    auto start = send_cases::clock::now();
    asyncore::loop(timeout, testing::use_poll, &map, passes);
    double idle = send_cases::seconds_since(start);

    REQUIRE(sender.writable_calls == passes);
    {
        INFO("handle_write() ran " << sender.write_events << " times in " << passes << " idle passes, "
                                   << "which took " << idle << " s");
        INFO("hint: with nothing to send, writable() must say no; a channel that says yes is reported "
             "writable at once, every pass, and the loop spins at 100% CPU instead of sleeping");
        CHECK(sender.write_events == 0);
        CHECK(idle >= 0.8 * passes * timeout);
    }

    std::string payload = send_cases::numbered(1 << 20);
    std::string received;
    sender.send(payload);
    bool sent = testing::run_until(map, [&] {
        send_cases::drain(peer.fileno(), received);
        return received.size() >= payload.size() && bytes_waiting(sender) == 0;
    }, send_wait);
    {
        INFO("hint: after send(), handle_write() must keep sending until nothing waits");
        REQUIRE(sent);
    }
    int writes_while_busy = sender.write_events;

    start = send_cases::clock::now();
    asyncore::loop(timeout, testing::use_poll, &map, passes);
    double after = send_cases::seconds_since(start);
    INFO("the " << passes << " passes after the payload took " << after << " s");
    INFO("hint: once the buffer is empty, writable() must say no again so that the loop sleeps");
    CHECK(sender.write_events == writes_while_busy);
    CHECK(after >= 0.8 * passes * timeout);
}

TEST_CASE("a peer that vanishes while data waits ends in handle_close and not in a crash", "[close]") {
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair();
    send_cases::shrink_send_buffer(mine);
    counted sender(std::move(mine), map);
    sender.send(send_cases::numbered(1 << 20));
    {
        INFO("hint: send() must keep what the kernel did not take (the socket buffer here is a few KiB)");
        REQUIRE(bytes_waiting(sender) > 0);
    }

    peer.close();
    testing::captured_output quiet;  // the default handle_close() may log a warning
    bool closed = testing::run_until(map, [&] { return map.empty(); }, send_wait);

    INFO("hint: keep trying to send while bytes wait: the next send fails with EPIPE, which "
         "dispatcher::send() turns into handle_close() (and MSG_NOSIGNAL keeps SIGPIPE away)");
    CHECK(closed);
    CHECK(sender.close_events == 1);
    CHECK_FALSE(sender.connected);
}
