// Exercise 03: your buffered_sender must pass the same cases as the library's
// dispatcher_with_send. The cases are in chapters/03-handle-write/send_cases.hpp.
#include "buffered_sender.hpp"

#include "harness.hpp"

namespace {
using sender_under_test = buffered_sender;
std::size_t bytes_waiting(const buffered_sender& sender) { return sender.pending(); }
constexpr double send_wait = 2.0;  // plenty on loopback: a working sender needs a fraction of it
}  // namespace

#include "send_cases.hpp"
