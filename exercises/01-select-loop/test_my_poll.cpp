// Exercise 01: your my_poll() must pass the same cases as the library's poll().
// The cases are in chapters/01-select-loop/poll_cases.hpp.
#include "my_poll.hpp"

namespace {
void poll_under_test(double timeout, asyncore::channel_map& map) { my_poll(timeout, map); }
}  // namespace

#include "poll_cases.hpp"
