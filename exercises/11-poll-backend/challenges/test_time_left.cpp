// Exercise 11, challenge: the checks your poll_time_left() must pass. A real interval timer sends
// SIGALRM every 50 ms while poll_time_left() waits on a real socketpair.
#include "harness.hpp"
#include "time_left.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <functional>
#include <mutex>
#include <thread>

namespace {

volatile std::sig_atomic_t alarms = 0;
extern "C" void count_alarm(int) { alarms = alarms + 1; }

// SIGALRM every `us` microseconds, to the whole process; 0 stops it.
void set_alarm_timer(long us) {
    itimerval every{{0, us}, {0, us}};
    ::setitimer(ITIMER_REAL, &every, nullptr);
}

sigset_t alarm_only() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGALRM);
    return set;
}

// Starts `job` on a thread that never takes SIGALRM: the signal then always goes to the test's
// own thread, the one waiting in poll().
std::thread thread_without_alarms(std::function<void()> job) {
    sigset_t blocked = alarm_only(), old;
    ::pthread_sigmask(SIG_BLOCK, &blocked, &old);
    std::thread thread(std::move(job));
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return thread;
}

double seconds_since(testing::clock::time_point start) {
    return std::chrono::duration<double>(testing::clock::now() - start).count();
}

// While it lives: SIGALRM every 50 ms, caught by a handler installed without SA_RESTART, so that
// poll() fails with EINTR. After `limit` seconds a watchdog stops the timer: a wait that starts
// again from scratch after every signal then ends too (late, and the test says so). The
// destructor stops the timer, drops a SIGALRM still pending, and puts the old handler back.
class signal_storm {
public:
    explicit signal_storm(double limit = testing::patience) {
        struct sigaction action {};
        action.sa_handler = count_alarm;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGALRM, &action, &previous_);
        alarms = 0;
        set_alarm_timer(50000);
        watchdog_ = thread_without_alarms([this, limit] {
            std::unique_lock<std::mutex> lock(mutex_);
            if (!wake_.wait_for(lock, std::chrono::duration<double>(limit), [this] { return over_; }))
                stopped_by_watchdog = true;
            set_alarm_timer(0);
        });
    }
    ~signal_storm() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            over_ = true;
        }
        wake_.notify_all();
        watchdog_.join();
        sigset_t blocked = alarm_only(), old;
        ::pthread_sigmask(SIG_BLOCK, &blocked, &old);
        set_alarm_timer(0);
        timespec now{};
        while (::sigtimedwait(&blocked, nullptr, &now) == SIGALRM) continue;  // one still pending
        ::sigaction(SIGALRM, &previous_, nullptr);
        ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    }
    signal_storm(const signal_storm&) = delete;
    signal_storm& operator=(const signal_storm&) = delete;

    std::atomic<bool> stopped_by_watchdog{false};  // the wait outlasted the storm's limit

private:
    struct sigaction previous_ {};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool over_ = false;
    std::thread watchdog_;
};

}  // namespace

TEST_CASE("a 1 s wait ends although a signal interrupts it every 50 ms", "[ex11][challenge]") {
    auto [mine, theirs] = testing::socket_pair();
    std::vector<pollfd> fds{{mine.fileno(), POLLIN, 0}};  // nothing will arrive
    signal_storm storm;
    auto start = testing::clock::now();
    int ready = -1;
    {
        INFO("hint: EINTR is not an error to throw: a signal was caught, and the wait goes on");
        REQUIRE_NOTHROW(ready = poll_time_left(fds, 1.0));
    }
    double took = seconds_since(start);
    INFO("poll_time_left(fds, 1.0) returned " << ready << " after " << took << " s and " << alarms << " signals");
    {
        INFO("hint: EINTR does not end the wait: call poll() again, for the time that is left");
        REQUIRE(took >= 0.5);  // it waited at all (no speed is asserted)
    }
    {
        INFO("hint: after EINTR give poll() only the time left until the deadline (fixed once, at the start), not the whole timeout again");
        CHECK_FALSE(storm.stopped_by_watchdog);
        CHECK(ready == 0);
    }
    INFO("the timer's signals did not reach the waiting thread, so this test could not check anything");
    CHECK(alarms >= 2);
}

TEST_CASE("a descriptor made ready during the signals is still reported", "[ex11][challenge]") {
    auto [mine, theirs] = testing::socket_pair();
    std::vector<pollfd> fds{{mine.fileno(), POLLIN, 0}};
    signal_storm storm;
    int peer = theirs.fileno();
    std::thread writer = thread_without_alarms([peer] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));  // several signals in
        testing::write_all(peer, "x");
    });
    int ready = -1;
    {
        INFO("hint: EINTR is not an error to throw: a signal was caught, and the wait goes on");
        CHECK_NOTHROW(ready = poll_time_left(fds, testing::patience));
    }
    writer.join();
    INFO("poll_time_left() returned " << ready << " with revents " << fds[0].revents << " after " << alarms << " signals");
    INFO("hint: a signal is not a timeout: after EINTR call poll() again, and return only what a call that was not interrupted says");
    CHECK(ready == 1);
    CHECK((fds[0].revents & POLLIN) != 0);
}
