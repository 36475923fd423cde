// Exercise 03, challenge: the checks your drain_sender must pass. Each test connects a sender to
// a real socketpair, reads the other end from here, and runs the real loop.
#include "drain_sender.hpp"
#include "harness.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr std::size_t piece = 64 * 1024;        // what the producer makes at a time
constexpr std::size_t high_water = 256 * 1024;  // the sender's mark in every test
constexpr std::size_t stream_size = 32 << 20;   // the producer's whole stream: 32 MiB

// Byte `at` of the producer's stream: each piece is shifted by its number, so a piece lost,
// doubled or out of place shows up as a wrong byte.
char stream_byte(std::size_t at) { return static_cast<char>((at + at / piece) % 251); }

// A drain_sender that counts its handle_drain() calls and the bytes waiting at each one.
struct counting_sender : drain_sender {
    std::vector<std::size_t> pending_at_drain;
    using drain_sender::drain_sender;
    void handle_drain() override { pending_at_drain.push_back(pending()); }
};

// A producer that makes its stream a piece at a time, and only while the sender is not full():
// first when the test starts it, then from handle_drain().
struct producer : drain_sender {
    std::size_t made = 0;       // bytes of the stream sent so far
    std::size_t most = 0;       // the most bytes waiting after any send()
    int drains = 0;
    using drain_sender::drain_sender;

    // Far past the mark: a sender that never says full() would take the whole stream at once.
    bool overflowed() const { return most > 4 * high_water; }
    // Nothing waits, and the producer still has more to make: it waits for a handle_drain()
    // that did not come (a working sender calls it while half of high_water still waits).
    bool stalled() const { return pending() == 0 && made < stream_size; }
    void produce() {
        while (!full() && made < stream_size && !overflowed()) {
            std::string next(piece, '\0');
            for (std::size_t i = 0; i < piece; ++i) next[i] = stream_byte(made + i);
            send(next);
            made += piece;
            most = std::max(most, pending());
        }
    }
    void handle_drain() override {
        ++drains;
        produce();
    }
};

// Reads what has arrived on a non-blocking socket, without waiting.
void take(int fd, std::string& into) {
    char buffer[65536];
    ssize_t n;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) into.append(buffer, static_cast<std::size_t>(n));
}

// Runs the loop until `size` more bytes have arrived at `fd`; returns whether they all did.
bool receive(asyncore::channel_map& map, int fd, std::size_t size) {
    std::string got;
    return testing::run_until(map, [&] {
        take(fd, got);
        return got.size() >= size;
    });
}

// A sender whose socket takes a few KiB at a time: the queue drains in many small steps.
struct small_pipe {
    asyncore::channel_map map;
    asyncore::socket peer;
    std::unique_ptr<counting_sender> sender;
    small_pipe() {
        auto [mine, theirs] = testing::socket_pair();
        mine.setsockopt(SOL_SOCKET, SO_SNDBUF, 4096);
        peer = std::move(theirs);
        sender = std::make_unique<counting_sender>(std::move(mine), high_water, &map);
    }
};

}  // namespace

TEST_CASE("a producer that writes only on drain never queues more than high_water and a piece", "[ex03][challenge]") {
    asyncore::channel_map map;
    auto [mine, theirs] = testing::socket_pair();
    producer p(std::move(mine), high_water, &map);
    p.produce();  // the kernel's buffer and high_water fill long before the stream's end
    {
        INFO("the queue holds " << p.pending() << " bytes after " << p.made << " were sent");
        INFO("hint: send() must set full_ once pending() has reached high_water: the producer sends "
             "while full() is false");
        REQUIRE(p.full());
    }
    std::size_t arrived = 0, wrong_at = stream_size;  // the first byte out of place, if any
    testing::run_until(map, [&] {
        std::string got;
        take(theirs.fileno(), got);
        for (std::size_t i = 0; i < got.size() && wrong_at == stream_size; ++i)
            if (got[i] != stream_byte(arrived + i)) wrong_at = arrived + i;
        arrived += got.size();
        return p.overflowed() || p.stalled() || arrived >= stream_size || wrong_at < stream_size;
    }, 4 * testing::patience);
    {
        INFO("the queue held up to " << p.most << " bytes; high_water is " << high_water << ", a piece "
             << piece);
        INFO("hint: send() must set full_ as soon as pending() >= high_water: a later mark lets the "
             "producer fill the queue past it");
        CHECK(p.most <= high_water + piece);
    }
    INFO("the producer made " << p.made << " bytes and heard handle_drain() " << p.drains << " times; "
         << arrived << " of " << stream_size << " arrived"
         << (wrong_at < stream_size ? ", the first wrong byte at offset " + std::to_string(wrong_at) : ""));
    INFO("hint: handle_write() must clear full_ and then call handle_drain() once pending() falls "
         "below half of high_water: the producer sends nothing more until then, and asks full() there");
    CHECK(arrived == stream_size);
    CHECK(wrong_at == stream_size);
}

TEST_CASE("handle_drain is not called while the queue stays under high_water", "[ex03][challenge]") {
    small_pipe pipe;
    auto& sender = *pipe.sender;
    for (int i = 0; i < 4; ++i) sender.send(std::string(48 * 1024, 'a'));  // 192 KiB: under the mark
    {
        INFO("hint: finish exercise 03 first: your buffered_sender must keep what the kernel does not take");
        REQUIRE(sender.pending() > 0);
    }
    REQUIRE(receive(pipe.map, pipe.peer.fileno(), 4 * 48 * 1024));
    {
        INFO("handle_drain() ran " << sender.pending_at_drain.size() << " times for a queue that "
             "never held " << high_water << " bytes");
        INFO("hint: handle_drain() is only for a sender that was full(): call it only while full_ is "
             "set, and set full_ only when pending() has reached high_water");
        CHECK(sender.pending_at_drain.empty());
        CHECK_FALSE(sender.full());
    }
    // Now past the mark: the same sender must signal, once.
    sender.send(std::string(320 * 1024, 'b'));
    {
        INFO("hint: send() must set full_ once pending() has reached high_water (" << high_water
             << " bytes; " << sender.pending() << " wait)");
        REQUIRE(sender.full());
    }
    bool arrived = receive(pipe.map, pipe.peer.fileno(), 320 * 1024);
    INFO("handle_drain() ran " << sender.pending_at_drain.size() << " times after one crossing");
    INFO("hint: handle_write() must call handle_drain() once pending() falls below half of high_water "
         "after send() has set full_");
    CHECK(arrived);
    CHECK(sender.pending_at_drain.size() == 1);
}

TEST_CASE("handle_drain is called once per crossing and not on every write", "[ex03][challenge]") {
    small_pipe pipe;
    auto& sender = *pipe.sender;
    for (std::size_t round = 1; round <= 3; ++round) {
        sender.send(std::string(320 * 1024, 'x'));
        {
            INFO("round " << round << ": hint: send() must set full_ once pending() has reached high_water");
            REQUIRE(sender.full());
        }
        bool arrived = receive(pipe.map, pipe.peer.fileno(), 320 * 1024);
        INFO("handle_drain() has run " << sender.pending_at_drain.size() << " times in " << round
             << " crossings");
        INFO("hint: handle_drain() runs once per crossing: call it only while full_ is set, and clear "
             "full_ just before the call (send() sets it again when the queue refills)");
        REQUIRE(arrived);
        REQUIRE(sender.pending_at_drain.size() == round);
    }
    for (std::size_t pending : sender.pending_at_drain) {
        INFO("handle_drain() ran with " << pending << " bytes waiting; half of high_water is " << high_water / 2);
        INFO("hint: call handle_drain() when pending() is below half of high_water, not below high_water");
        CHECK(pending < high_water / 2);
    }
}
