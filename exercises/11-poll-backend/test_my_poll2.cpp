// Exercise 11: your my_poll2() must pass the same cases as the library's poll2().
// The cases are in chapters/11-poll-backend/poll2_cases.hpp.
#include "harness.hpp"
#include "my_poll2.hpp"

namespace {
void poll2_under_test(double timeout, asyncore::channel_map& map) { my_poll2(timeout, map); }
}  // namespace

#include "poll2_cases.hpp"
