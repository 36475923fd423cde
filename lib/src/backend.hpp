// The seam between a loop pass and the system call that waits, as redis's aeApiPoll and muduo's
// Poller::poll. The pass (pass.cpp) asks the channels what they want; a backend waits for the
// kernel and says what is ready; the pass delivers it. A backend is one small file:
// select_poll.cpp (select(), chapter 01) and poll2.cpp (poll(), chapter 11).
#pragma once

#include "asyncore/channel_map.hpp"

#include <vector>

namespace asyncore::detail {

// What one channel is watched for this pass.
struct interest {
    channel_map::ticket ticket;
    bool read = false;
    bool write = false;
    bool expt = false;  // exceptional events: urgent data, and for select() errors too
};

// What the kernel reported for one channel: a set of `event` flags (deliver.hpp).
struct ready {
    channel_map::ticket ticket;
    unsigned events;
};

class backend {
public:
    virtual ~backend() = default;

    // Throws if this backend cannot watch `fd`. The pass hands the exception to the channel's
    // handle_error() and does not watch the channel this pass.
    virtual void check_watchable(int fd) const { (void)fd; }

    // Waits at most `timeout` seconds (negative: not at all; infinite: until something is ready)
    // for any of `watched` (never empty) to be ready, and returns what is, in the order the pass
    // is to deliver it.
    virtual std::vector<ready> wait(const std::vector<interest>& watched, double timeout) = 0;
};

// One pass of the loop over `map` (nullptr: socket_map), with `kernel` doing the waiting.
void run_pass(backend& kernel, double timeout, channel_map* map);

}  // namespace asyncore::detail
