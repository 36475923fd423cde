// Exercise 06, challenge: the checks your child_outputs must pass. Each test runs a real
// `sh -c` child and reads its two pipes in the real loop. A watchdog kills a child that is still
// running after a few seconds, so a test that would wait forever (a deadlock) fails instead.
#include "child_outputs.hpp"
#include "file_helpers.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace {

// Kills the child with SIGKILL if it is still ours after `seconds`, unless the watchdog is dropped
// first. It holds a pidfd, taken while the child cannot have been reaped yet (the loop reaps it):
// the pidfd names that process, never another that reuses its pid after the reaping. On a kernel
// without pidfds (ENOSYS, before Linux 5.3) it asks waitid(WNOWAIT) first, which leaves a short
// window between the question and kill().
class watchdog {
public:
    watchdog(pid_t pid, double seconds)
        : pidfd_(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))),
          no_pidfds_(pidfd_ < 0 && errno == ENOSYS),
          thread_([this, pid, seconds] {
              std::unique_lock<std::mutex> lock(mutex_);
              if (stop_.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return stopped_; })) return;
              if (pidfd_ >= 0) {
                  ::syscall(SYS_pidfd_send_signal, pidfd_, SIGKILL, nullptr, 0);  // ESRCH once it has been reaped
              } else if (no_pidfds_) {
                  siginfo_t info{};  // running, or a zombie not reaped: its pid cannot have been reused
                  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0)
                      ::kill(pid, SIGKILL);
              }
          }) {}
    ~watchdog() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopped_ = true;
        }
        stop_.notify_one();
        thread_.join();
        if (pidfd_ >= 0) ::close(pidfd_);
    }

private:
    int pidfd_;       // the child's pidfd, or -1
    bool no_pidfds_;  // pidfd_open() failed with ENOSYS: fall back to the pid
    std::mutex mutex_;
    std::condition_variable stop_;
    bool stopped_ = false;
    std::thread thread_;  // last: it starts once the members it uses exist
};

// The lines that start with `prefix`, in the order they arrived.
std::vector<std::string> only(const std::vector<std::string>& lines, const std::string& prefix) {
    std::vector<std::string> kept;
    for (const auto& line : lines)
        if (line.compare(0, prefix.size(), prefix) == 0) kept.push_back(line);
    return kept;
}

// Runs the loop until `c` has finished; the child is killed after `testing::patience` seconds.
bool run(child_outputs& c, asyncore::channel_map& map) {
    INFO("hint: TODO 1: fork() the child and keep its pid in pid_");
    REQUIRE(c.pid() > 0);
    watchdog dog(c.pid(), testing::patience);
    return testing::run_until(map, [&] { return c.finished; }, 2 * testing::patience);
}

}  // namespace

TEST_CASE("both outputs arrive line by line with their prefixes", "[ex06][challenge]") {
    asyncore::channel_map map;
    child_outputs c("echo one; echo two >&2; echo three; echo four >&2; printf 'five, no newline'", map);
    bool finished = run(c, map);
    {
        INFO("hint: TODO 1: the parent must close its copies of both write ends after the fork, or the "
             "readers never see end of file");
        REQUIRE(finished);
    }
    INFO("lines: " << ::Catch::Detail::stringify(c.lines));
    INFO("hint: TODO 1: in the child, dup2() the first pipe's write end onto 1 and the second's onto 2; "
         "standard output is read with the prefix \"out: \", standard error with \"err: \"");
    // Between the two pipes the order is the loop's; within each pipe it is the child's.
    CHECK(only(c.lines, "out: ") == std::vector<std::string>{"out: one", "out: three", "out: five, no newline"});
    CHECK(only(c.lines, "err: ") == std::vector<std::string>{"err: two", "err: four"});
    CHECK(c.lines.size() == 5);
}

TEST_CASE("the exit status is reported", "[ex06][challenge]") {
    asyncore::channel_map map;
    child_outputs c("echo leaving; exit 3", map);
    bool finished = run(c, map);
    INFO("exit_status = " << c.exit_status);
    INFO("hint: TODO 2: after the second end of file, waitpid() and take WEXITSTATUS() of the status, not the "
         "status itself");
    REQUIRE(finished);
    CHECK(c.exit_status == 3);
    CHECK(c.lines == std::vector<std::string>{"out: leaving"});
}

TEST_CASE("no zombie is left", "[ex06][challenge]") {
    asyncore::channel_map map;
    child_outputs c("exit 0", map);
    bool finished = run(c, map);
    REQUIRE(finished);
    int status = 0;
    pid_t got = ::waitpid(c.pid(), &status, WNOHANG);  // ECHILD: nothing left to reap
    int err = errno;
    INFO("waitpid(pid, WNOHANG) returned " << got << (got < 0 ? " with " + asyncore::strerror(err) : ""));
    INFO("hint: TODO 2: a child that has exited stays a zombie until its parent calls waitpid() for it");
    CHECK(got == -1);
    CHECK(err == ECHILD);
    INFO("hint: TODO 2: set finished only after the second end of file, when both readers have closed");
    CHECK(map.empty());
}

TEST_CASE("a child that writes 1 MB to standard error alone does not deadlock", "[ex06][challenge]") {
    asyncore::channel_map map;
    // Standard output closes at once; then 16384 lines of 64 bytes go to standard error, far more
    // than a pipe holds (64 KiB): the child waits for the loop to read each pipeful.
    child_outputs c("exec >&-; i=0; while [ $i -lt 16384 ]; do "
                    "echo 'a line of sixty-four bytes, on standard error, to fill the pipe' >&2; "
                    "i=$((i+1)); done",
                    map);
    bool finished = run(c, map);
    auto errs = only(c.lines, "err: ");
    INFO("finished = " << finished << ", exit_status = " << c.exit_status << ", " << errs.size()
                       << " lines on standard error");
    INFO("hint: TODO 2: standard output ends long before standard error here. Wait for the child only after "
         "the second end of file: a waitpid() at the first waits for a child that waits for you to read");
    CHECK(finished);
    CHECK(c.exit_status == 0);
    CHECK(errs.size() == 16384);
    CHECK(c.lines.size() == 16384);
}
