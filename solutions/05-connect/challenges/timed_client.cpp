// Exercise 05, challenge, a solution: a greeting client with a deadline for each connect.
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
    // TODO 1 begin
    // [deadline]
    if (!connecting) return;  // connected, or closed: no connect left to time
    if (tries != seen_) {     // a failure moved on to the next address since the last call
        seen_ = tries;
        started_ = clock::now();
        return;
    }
    if (clock::now() - started_ < std::chrono::duration<double>(timeout)) return;
    try {
        throw std::system_error(ETIMEDOUT, std::system_category(), "connect to " + addr.to_string());
    } catch (const std::system_error&) {
        handle_error();  // as for a refusal: the next address, or fail(ETIMEDOUT) after the last
    }
    // [deadline]
    // TODO 1 end
}

bool run_for(timed_client& client, asyncore::channel_map& map, double seconds) {
    // TODO 2 begin
    // [run_for]
    auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!client.done && std::chrono::steady_clock::now() < end) {
        asyncore::loop(timed_client::pass, false, &map, 1);  // one pass: wait at most `pass`
        client.check_deadline();
    }
    return client.done;
    // [run_for]
    // TODO 2 end
}
