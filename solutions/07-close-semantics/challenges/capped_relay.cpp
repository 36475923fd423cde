// Exercise 07, challenge, a solution: a relay that holds back no more than it must.
#include "capped_relay.hpp"

// Your relay_end, built into the challenge's test program with the lines below.
#include "../relay.cpp"

relay make_capped_relay(asyncore::socket a, asyncore::socket b, asyncore::channel_map& map, relay_log& log) {
    // TODO 1 begin
    auto first = asyncore::make<capped_end>(std::move(a), map, "a", log);
    auto second = asyncore::make<capped_end>(std::move(b), map, "b", log);
    first->partner = second;
    second->partner = first;
    return {first, second};
    // TODO 1 end
}

bool capped_end::readable() {
    // TODO 2 begin
    // [readable]
    if (!relay_end::readable()) return false;  // end of file: nothing more to read, ever
    auto other = partner.lock();
    return !other || other->out_buffer.size() < cap;  // wait while the partner's peer lags behind
    // [readable]
    // TODO 2 end
}
