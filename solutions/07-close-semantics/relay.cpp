// Exercise 07, a solution: two channels that close each other safely.
#include "relay.hpp"

#include <exception>

relay make_relay(asyncore::socket a, asyncore::socket b, asyncore::channel_map& map, relay_log& log) {
    // TODO 1 begin
    auto first = asyncore::make<relay_end>(std::move(a), map, "a", log);  // the map owns both
    auto second = asyncore::make<relay_end>(std::move(b), map, "b", log);
    first->partner = second;  // weak links: neither keeps the other alive
    second->partner = first;
    return {first, second};
    // TODO 1 end
}

void relay_end::handle_read() {
    // TODO 2 begin
    std::string data = recv(chunk);
    if (data.empty()) return;  // nothing after all, or the peer left and handle_close() has run
    if (inspect) inspect(data);  // may throw: the loop hands that to handle_error()
    bytes_forwarded += data.size();
    if (auto other = partner.lock()) other->send(data);  // may end the relay before it returns
    // TODO 2 end
}

void relay_end::handle_close() {
    // TODO 3 begin
    if (ended_) return;  // the second call of the ping-pong, or a second "peer gone" in one pass
    ended_ = true;       // first, so that the partner's call back to us stops here
    note("closed");
    close();
    if (auto other = partner.lock()) other->handle_close();
    // TODO 3 end
}

void relay_end::handle_error() {
    // TODO 4 begin
    try {
        // We run inside the loop's catch block: the handler's exception is the current one.
        if (auto current = std::current_exception()) std::rethrow_exception(current);
        note("error: none");  // called outside a catch: there is nothing to report
    } catch (const std::exception& e) {
        note(std::string("error: ") + e.what());
    } catch (...) {
        note("error: unknown exception");
    }
    handle_close();
    // TODO 4 end
}
