// Chapter 01: the library's poll(), checked against the chapter's cases.
#include "harness.hpp"

namespace {
// The backend under test: select() by default, poll() with --backend=poll (chapter 11 on).
void poll_under_test(double timeout, asyncore::channel_map& map) { testing::poll(timeout, map); }
}  // namespace

#include "poll_cases.hpp"
