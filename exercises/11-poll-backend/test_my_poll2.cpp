// Exercise 11: your my_poll2() must pass the same cases as the library's poll2(): chapter 01's
// cases of one loop pass, with poll()'s rules where they differ (testing::use_poll), and the
// cases that are poll()'s own, in chapters/11-poll-backend/poll2_cases.hpp.
#include "harness.hpp"
#include "my_poll2.hpp"

namespace {
void poll_under_test(double timeout, asyncore::channel_map& map) { my_poll2(timeout, map); }
void poll2_under_test(double timeout, asyncore::channel_map& map) { my_poll2(timeout, map); }
// Chapter 01's cases expect poll()'s answers (event order, FD_SETSIZE) when this is set.
const bool poll_rules = (testing::use_poll = true);
}  // namespace

#include "poll_cases.hpp"
#include "poll2_cases.hpp"

// Exercise 11's own cases: the mistakes its hints warn about.
namespace {

// Takes 4 KiB per handle_read(), like a channel that caps its reads; counts what it got.
class small_reader : public asyncore::dispatcher {
public:
    using dispatcher::dispatcher;
    std::string got;
    bool closed = false;
    bool writable() override { return false; }
    void handle_read() override { got += recv(4096); }
    void handle_close() override {
        closed = true;
        close();
    }
};

}  // namespace

TEST_CASE("a hang-up with data left is read to its end before handle_close()", "[ex11]") {
    asyncore::channel_map map;
    auto [mine, theirs] = testing::socket_pair();
    small_reader reader(std::move(mine), &map);
    const std::string sent(100000, 'x');
    std::thread writer([&, fd = theirs.fileno()] { testing::write_all(fd, sent); });
    // The peer writes 100 KB while the reader takes 4 KiB per pass, then hangs up: from then on
    // poll() says POLLIN | POLLHUP until every byte is read.
    auto deadline = testing::clock::now() + std::chrono::seconds(5);
    while (reader.got.size() < 50000 && !reader.closed && testing::clock::now() < deadline) my_poll2(0.05, map);
    writer.join();
    theirs.close();
    while (!reader.closed && testing::clock::now() < deadline) my_poll2(0.05, map);
    INFO("the reader got " << reader.got.size() << " of " << sent.size() << " bytes before it closed");
    INFO("hint: POLLHUP with POLLIN still has data to read: run only the read step "
         "(recv() calls handle_close() at the end); close at once only on POLLHUP without POLLIN");
    CHECK(reader.closed);
    CHECK(reader.got.size() == sent.size());
}

TEST_CASE("a timeout under a millisecond still waits instead of spinning", "[ex11]") {
    asyncore::channel_map map;
    auto [mine, theirs] = testing::socket_pair();
    small_reader reader(std::move(mine), &map);
    // Nothing arrives: each pass should wait its timeout. 0.0004 s is less than one millisecond:
    // turned into 0 ms, poll() returns at once and 200 passes take no time at all.
    auto start = testing::clock::now();
    for (int i = 0; i < 200; ++i) my_poll2(0.0004, map);
    double took = std::chrono::duration<double>(testing::clock::now() - start).count();
    INFO("200 passes of my_poll2(0.0004) took " << took << " s (at least 0.08 s expected)");
    INFO("hint: `timeout` is in seconds, poll() takes milliseconds (an int): multiply by 1000 and "
         "round UP, so that a short wait is 1 ms, not 0 (a busy loop)");
    CHECK(took >= 0.08);
}
