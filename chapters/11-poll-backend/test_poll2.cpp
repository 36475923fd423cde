// Chapter 11: the library's poll2(), checked against the chapter's cases, and loop(use_poll).
#include "harness.hpp"

namespace {
void poll2_under_test(double timeout, asyncore::channel_map& map) { asyncore::poll2(timeout, &map); }
}  // namespace

#include "poll2_cases.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace {

// Raises the soft descriptor limit while it lives, so a test can use an fd above FD_SETSIZE.
class fd_limit {
public:
    explicit fd_limit(rlim_t needed) {
        ::getrlimit(RLIMIT_NOFILE, &old_);
        rlimit raised = old_;
        raised.rlim_cur = std::max<rlim_t>(old_.rlim_cur, needed);
        ok_ = (old_.rlim_max == RLIM_INFINITY || old_.rlim_max >= needed) && ::setrlimit(RLIMIT_NOFILE, &raised) == 0;
    }
    ~fd_limit() { ::setrlimit(RLIMIT_NOFILE, &old_); }
    fd_limit(const fd_limit&) = delete;
    fd_limit& operator=(const fd_limit&) = delete;
    bool ok() const { return ok_; }

private:
    rlimit old_{};
    bool ok_ = false;
};

// A socket moved to descriptor `fd` (above FD_SETSIZE, say).
asyncore::socket moved_to(asyncore::socket sock, int fd) {
    int moved = ::dup3(sock.fileno(), fd, O_CLOEXEC);
    if (moved != fd) throw std::runtime_error("dup3 failed");
    return asyncore::socket(moved);
}

}  // namespace

TEST_CASE("loop(use_poll = true) serves a descriptor above FD_SETSIZE that select() refuses", "[poll2][limits]") {
    fd_limit limit(FD_SETSIZE + 64);
    if (!limit.ok()) SKIP("the hard descriptor limit is below FD_SETSIZE");
    trace events;
    auto [sock, peer] = testing::socket_pair();
    asyncore::channel_map map;
    probe big(moved_to(std::move(sock), FD_SETSIZE + 10), map, events, "big");
    testing::write_all(peer.fileno(), "x");

    asyncore::loop(testing::patience, true, &map, 1);
    INFO("poll() takes an array of descriptors, not a bitmap: no limit but RLIMIT_NOFILE");
    CHECK(events.events == strings{"big.read"});
    CHECK(big.received == "x");

    testing::write_all(peer.fileno(), "y");
    asyncore::loop(testing::patience, false, &map, 1);
    INFO("select() cannot hold it: a clear error, through the channel's handle_error()");
    CHECK(events.count("big.error") == 1);
    CHECK_THAT(big.last_error, testing::contains("FD_SETSIZE"));
}
