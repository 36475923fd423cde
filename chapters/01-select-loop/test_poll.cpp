// Chapter 01: the library's poll(), checked against the chapter's cases.
#include <asyncore/asyncore.hpp>

namespace {
void poll_under_test(double timeout, asyncore::channel_map& map) { asyncore::poll(timeout, &map); }
}  // namespace

#include "poll_cases.hpp"
