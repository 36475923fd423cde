// The test main shared by every test program, for Catch2 v2 and v3 alike.
//
// Flags of our own. --stub-must-fail: the exercise stubs as released must fail every test
// (a test a stub passes checks nothing the student writes). With the flag, the program exits 0
// only if at least one test ran and every test that ran failed.
// --backend=poll, --backend=epoll: drive the loop with poll2() or epoll_pass() instead of poll()
// (see backend.hpp).
#if ASYNCORE_CATCH_MAJOR >= 3
#include <catch2/catch_session.hpp>
#include <catch2/catch_test_case_info.hpp>
#include <catch2/reporters/catch_reporter_event_listener.hpp>
#include <catch2/reporters/catch_reporter_registrars.hpp>
#else
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#endif

#include "backend.hpp"

#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct outcomes {
    int ran = 0;
    std::vector<std::string> passed;
};
outcomes seen;

#if ASYNCORE_CATCH_MAJOR >= 3
using listener_base = Catch::EventListenerBase;
const std::string& name_of(const Catch::TestCaseStats& stats) { return stats.testInfo->name; }
#else
using listener_base = Catch::TestEventListenerBase;
const std::string& name_of(const Catch::TestCaseStats& stats) { return stats.testInfo.name; }
#endif

class outcome_listener : public listener_base {
public:
    using listener_base::listener_base;
    void testCaseEnded(const Catch::TestCaseStats& stats) override {
        ++seen.ran;
        if (stats.totals.assertions.failed == 0 && stats.totals.testCases.failed == 0) seen.passed.push_back(name_of(stats));
        listener_base::testCaseEnded(stats);
    }
};

// Removes our own flag before Catch2 sees the arguments.
bool take_flag(int& argc, char* argv[], const char* flag) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], flag) == 0) {
            for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
            --argc;
            return true;
        }
    }
    return false;
}

// Whether Catch2 was asked to list (tests, tags, reporters...) rather than to run tests.
bool listing(int argc, char* argv[]) {
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], "--list", 6) == 0 || std::strcmp(argv[i], "-l") == 0 ||
            std::strcmp(argv[i], "-t") == 0 || std::strcmp(argv[i], "-h") == 0 ||
            std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-?") == 0)
            return true;
    return false;
}

int judge_stub() {
    if (seen.ran == 0) {
        std::cerr << "stub check: no test ran, so nothing was checked\n";
        return 1;
    }
    if (!seen.passed.empty()) {
        std::cerr << "stub check: the exercise stub as released PASSES these tests, so they check nothing "
                     "the student writes:\n";
        for (const auto& name : seen.passed) std::cerr << "  - " << name << '\n';
        return 1;
    }
    std::cout << "stub check: the stub fails " << seen.ran << " test(s), as it should\n";
    return 0;
}

}  // namespace

CATCH_REGISTER_LISTENER(outcome_listener)

int main(int argc, char* argv[]) {
    // The library promises that writing to a vanished peer gives EPIPE, never a death by
    // SIGPIPE: the tests keep the default disposition so that a broken promise is seen.
    std::signal(SIGPIPE, SIG_DFL);
    bool stub_must_fail = take_flag(argc, argv, "--stub-must-fail");
    if (take_flag(argc, argv, "--backend=poll")) testing::use_poll = true;  // (or a test program's own choice)
    if (take_flag(argc, argv, "--backend=epoll")) testing::use_poll.which = testing::backend_under_test::epoll;
    int failures = Catch::Session().run(argc, argv);
    if (stub_must_fail) return judge_stub();
    // Catch2 v2 exits 0 when the test spec matches no test: CTest would count a test that never
    // ran as passed. (v3 already fails.)
    if (seen.ran == 0 && failures == 0 && !listing(argc, argv)) {
        std::cerr << "no test case matched the command line, so nothing was checked\n";
        return 1;
    }
    return failures;
}
