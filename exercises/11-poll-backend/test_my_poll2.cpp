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
