// Exercise 05, challenge: a connect timeout. Finish the exercise first: a timed_client is your
// greeting_client, with a clock. Check your work with:
//   ./course check 05 --challenges
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "timed_client.hpp"

#include <cerrno>
#include <system_error>

// Your greeting_client, built into the challenge's test program with the line below.
#include "../greeting_client.cpp"

timed_client::timed_client(std::vector<asyncore::address> servers, std::string greeting, double seconds,
                           asyncore::channel_map* map)
    : greeting_client(std::move(servers), std::move(greeting), map),
      timeout(seconds),
      started_(clock::now()),
      seen_(tries) {}

void timed_client::check_deadline() {
    // TODO 1 begin: only while connecting. A new connect (tries differs from seen_) restarts the
    //         clock. Past the deadline: throw a std::system_error with ETIMEDOUT, catch it, and
    //         call handle_error() inside the catch, as the loop does for a refusal.
    // TODO 1 end
}

bool run_for(timed_client& client, asyncore::channel_map& map, double seconds) {
    // TODO 2 begin: loop(timed_client::pass, false, &map, 1), then client.check_deadline(), until
    //         the client is done or `seconds` have passed (std::chrono::steady_clock).
    (void)client;
    (void)map;
    (void)seconds;
    return false;
    // TODO 2 end
}
