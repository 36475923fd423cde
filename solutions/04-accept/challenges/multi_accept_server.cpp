// Exercise 04, challenge, a solution: several per wake-up.
#include "multi_accept_server.hpp"

// Your counting_server, built into the challenge's test program with the line below.
#include "../counting_server.cpp"

void multi_accept_server::handle_accept() {
    // TODO 1 begin
    // [handle_accept]
    for (int taken = 0; taken < per_wakeup && greeters() < max_greeters; ++taken) {
        auto waiting = accept();
        if (!waiting) return;  // no one waits any more (EAGAIN), or the client left first
        handle_accepted(std::move(waiting->first), waiting->second);
    }
    // [handle_accept]
    // TODO 1 end
}
