// A signal in the middle of a wait: for the tests that a backend restarts its wait after EINTR.
#pragma once

#include "harness.hpp"

#include <pthread.h>

#include <csignal>
#include <string>
#include <thread>

namespace testing {

inline volatile std::sig_atomic_t signals_seen = 0;
extern "C" inline void count_signal(int) { signals_seen = signals_seen + 1; }

// While it lives: SIGUSR1 is caught without SA_RESTART (so select() and poll() fail with EINTR),
// and a helper thread interrupts the constructing thread after 100 ms, then writes `late` to
// `peer_fd` 200 ms later. done() joins the helper and restores the old action.
class interrupted_wait {
public:
    interrupted_wait(int peer_fd, std::string late) {
        struct sigaction action {};
        action.sa_handler = count_signal;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGUSR1, &action, &previous_);
        signals_seen = 0;
        pthread_t waiter = ::pthread_self();
        helper_ = std::thread([waiter, peer_fd, late = std::move(late)] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            ::pthread_kill(waiter, SIGUSR1);  // interrupts the wait in its middle
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            write_all(peer_fd, late);
        });
    }
    ~interrupted_wait() { done(); }
    interrupted_wait(const interrupted_wait&) = delete;
    interrupted_wait& operator=(const interrupted_wait&) = delete;

    // Waits for the helper; returns how many signals arrived (1 when all went to plan).
    int done() {
        if (helper_.joinable()) {
            helper_.join();
            ::sigaction(SIGUSR1, &previous_, nullptr);
        }
        return signals_seen;
    }

private:
    struct sigaction previous_ {};
    std::thread helper_;
};

}  // namespace testing
