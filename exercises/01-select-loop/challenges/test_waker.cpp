// Exercise 01, challenge: the checks your waker must pass. Real threads post jobs through a real
// socketpair, and the library's loop runs the passes.
#include "harness.hpp"
#include "waker.hpp"

#include <poll.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

// A pass this long that is not woken up is plainly not woken up; a working waker never waits it out.
constexpr double long_wait = 4 * testing::patience;

// Whether bytes wait on the loop's end of the waker, looked at without reading them.
bool bytes_waiting(const waker& w) { return testing::wait_fd(w.fileno(), POLLIN, 0); }

}  // namespace

TEST_CASE("a job posted by another thread wakes a long wait and runs on the loop's thread", "[ex01][challenge]") {
    asyncore::channel_map map;
    waker w(map);
    bool warm_up_ran = false;
    w.post([&] { warm_up_ran = true; });
    asyncore::loop(0.0, false, &map, 1);
    {
        INFO("hint: post() must queue the job and send one byte, and handle_read() must run the queued jobs");
        REQUIRE(warm_up_ran);
    }
    bool ran = false;
    std::thread::id ran_on;  // the thread the job ran on
    std::thread poster([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the loop sleeps in select() by now
        w.post([&] {
            ran = true;
            ran_on = std::this_thread::get_id();
        });
    });
    // One pass: without a wake-up it would end after long_wait seconds, the job not run.
    asyncore::loop(long_wait, false, &map, 1);
    poster.join();
    {
        INFO("hint: post() must send its byte whichever thread calls it: that byte ends select()'s wait, and without it the pass sleeps its whole timeout");
        CHECK(ran);
    }
    {
        INFO("hint: post() must never run the job itself: it queues it, and handle_read() runs it in the loop's thread");
        CHECK(ran_on == std::this_thread::get_id());
    }
}

TEST_CASE("jobs posted by several threads all run once each and in order per thread", "[ex01][challenge]") {
    asyncore::channel_map map;
    waker w(map);
    constexpr int threads = 4, per_thread = 1000;
    std::vector<std::vector<int>> ran(threads);  // per thread, the numbers of its jobs in the order they ran
    std::atomic<int> failures{0};
    std::atomic<int> returned{0};  // post() calls that have returned or thrown, all threads together
    constexpr int posts = threads * per_thread;
    std::vector<std::thread> posters;
    for (int t = 0; t < threads; ++t) {
        posters.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                try {
                    w.post([&ran, t, i] { ran[t].push_back(i); });
                } catch (...) {
                    ++failures;
                }
                ++returned;
            }
        });
    }
    // Wait (bounded) for every post() to return while nothing reads the socketpair, so it fills.
    auto deadline = testing::clock::now() + std::chrono::duration<double>(testing::patience);
    while (returned < posts && testing::clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    int returned_unread = returned;
    // A post() that waits for room (retries on EAGAIN, or blocks) waits for a reader: the loop
    // reads the bytes, so the posters can finish and be joined instead of hanging the test.
    if (returned_unread < posts) testing::run_until(map, [&] { return returned == posts; });
    for (auto& poster : posters) poster.join();
    {
        INFO(returned_unread << " of " << posts << " post() calls returned while the loop did not run");
        INFO("hint: a send() that fails with EAGAIN is no error for post() and no reason to wait or retry: the socket is full of bytes that wake the loop anyway");
        REQUIRE(returned_unread == posts);
    }
    // 4000 one-byte sends before the loop read any: more than a socketpair holds, so some of
    // them found it full.
    {
        INFO("hint: post() must send a byte to wake the loop");
        REQUIRE(bytes_waiting(w));
    }
    std::vector<int> expected(per_thread);
    for (int i = 0; i < per_thread; ++i) expected[i] = i;
    auto all_ran = [&] {
        std::size_t total = 0;
        for (const auto& r : ran) total += r.size();
        return total >= threads * std::size_t{per_thread};
    };
    testing::run_until(map, all_ran);
    // One more job, from here: a handle_read() that left the old jobs in jobs_ runs them again.
    bool last_ran = false;
    w.post([&] { last_ran = true; });
    testing::run_until(map, [&] { return last_ran; });
    {
        INFO("hint: a send() that fails with EAGAIN is no error for post(): the socket is full of bytes that wake the loop anyway");
        CHECK(failures == 0);
    }
    for (int t = 0; t < threads; ++t) {
        INFO("thread " << t << ": " << ran[t].size() << " of " << per_thread << " jobs ran");
        INFO("hint: handle_read() must take the jobs out of jobs_ (so none runs twice) and run them oldest first");
        CHECK(ran[t] == expected);
    }
}

TEST_CASE("one pass drains every wake-up byte so the next pass sleeps", "[ex01][challenge]") {
    asyncore::channel_map map;
    waker w(map);
    int ran = 0;
    for (int i = 0; i < 50; ++i) w.post([&] { ++ran; });
    {
        INFO("hint: post() must send a byte to wake the loop");
        REQUIRE(bytes_waiting(w));
    }
    asyncore::loop(testing::patience, false, &map, 1);
    {
        INFO("hint: handle_read() must run every queued job, not one job per byte read");
        CHECK(ran == 50);
    }
    {
        INFO("hint: handle_read() must recv() until no byte is left: a byte left behind makes the next pass return at once, for nothing");
        CHECK_FALSE(bytes_waiting(w));
    }
}
