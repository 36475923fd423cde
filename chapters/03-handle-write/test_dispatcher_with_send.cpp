// Chapter 03: dispatcher_with_send, the library's buffered sender. The cases any buffered sender
// must pass are in send_cases.hpp (exercise 03 runs them on the student's class); what follows
// them here is what only the library promises: Python's exact slicing, the debug log, and the
// places where it departs from Python on purpose.
#include "harness.hpp"

#include <poll.h>

namespace {
using sender_under_test = asyncore::dispatcher_with_send;
std::size_t bytes_waiting(const asyncore::dispatcher_with_send& sender) { return sender.out_buffer.size(); }
constexpr double send_wait = 10.0;
}  // namespace

#include "send_cases.hpp"

TEST_CASE("dispatcher_with_send cuts its queue into 65536-byte slices across send() boundaries", "[slices]") {
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair(SOCK_SEQPACKET);  // one message per send
    counted sender(std::move(mine), map);

    sender.send(std::string(100000, 'x'));
    sender.send(std::string(100000, 'y'));
    std::string received;
    std::vector<std::size_t> sizes;
    testing::run_until(map, [&] {
        send_cases::drain_messages(peer.fileno(), received, sizes);
        return received.size() >= 200000;
    }, send_wait);

    INFO("Python sends out_buffer[:65536] each time, whatever the send() calls that filled it");
    CHECK(sizes == std::vector<std::size_t>{65536, 65536, 65536, 200000 - 3 * 65536});
    CHECK(received == std::string(100000, 'x') + std::string(100000, 'y'));
    INFO("Python's initiate_send() makes one send per call, so one handle_write() moves one slice at most");
    for (std::size_t taken : sender.taken) CHECK(taken <= 65536);
}

TEST_CASE("a dispatcher whose writable() always says yes gets a write event every pass", "[busy]") {
    // The trap dispatcher_with_send avoids, shown on the plain dispatcher.
    struct always_writable : asyncore::dispatcher {
        using dispatcher::dispatcher;
        int writes = 0;
        void handle_write() override { ++writes; }
    };
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair();
    always_writable plain(std::move(mine), &map);

    asyncore::loop(0.05, testing::use_poll, &map, 5);

    INFO("nothing to send, yet the loop wakes it every pass: select() never waits, the CPU spins");
    CHECK(plain.writes == 5);
}

TEST_CASE("several MiB over TCP loopback arrive complete and in order", "[huge]") {
    asyncore::channel_map map;
    auto [mine, peer] = testing::tcp_pair();
    counted sender(std::move(mine), map);
    std::string payload = send_cases::numbered(8 << 20, 't');
    send_cases::slow_reader reader(peer.fileno(), payload.size(), send_wait);

    sender.send(payload);
    bool drained = testing::run_until(map, [&] { return sender.out_buffer.empty(); }, send_wait);
    std::string received = reader.finish();

    INFO("handle_write() ran " << sender.write_events << " times");
    CHECK(drained);
    CHECK(send_cases::compare(received, payload) == "identical");
}

TEST_CASE("out_buffer holds exactly the bytes the kernel has not taken", "[send]") {
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair();
    send_cases::shrink_send_buffer(mine);
    asyncore::dispatcher_with_send sender(std::move(mine), &map);
    std::string payload = send_cases::numbered(300000);

    sender.send(payload);
    std::size_t left = sender.out_buffer.size();
    REQUIRE(left > 0);
    CHECK(sender.out_buffer.view() == std::string_view(payload).substr(payload.size() - left));
}

TEST_CASE("with debug on send() logs what it queues", "[debug]") {
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair();
    asyncore::dispatcher_with_send sender(std::move(mine), &map);

    {
        testing::captured_output output;
        sender.send("quiet\n");
        INFO("debug is off by default");
        CHECK(output.out().empty());
    }
    sender.debug = true;
    testing::captured_output output;
    sender.send("hello");
    sender.send(std::string(100000, 'z'));

    CHECK_THAT(output.out(), testing::contains("info: sending b'hello'"));
    INFO("Python logs the whole repr(); the C++ log shows 60 bytes and the size");
    CHECK_THAT(output.out(), testing::contains("zzz'... (100000 bytes)"));
}

TEST_CASE("initiate_send() with nothing queued makes no system call", "[send][python-differs]") {
    asyncore::channel_map map;
    auto [mine, peer] = testing::socket_pair(SOCK_SEQPACKET);
    asyncore::dispatcher_with_send sender(std::move(mine), &map);

    sender.initiate_send();
    sender.send("");

    INFO("Python calls send(b'') anyway: on a SOCK_SEQPACKET socket that is an empty message, "
         "which the reader takes for end of file");
    CHECK_FALSE(testing::wait_fd(peer.fileno(), POLLIN, 0.1));
    CHECK(sender.connected);
}
