// Exercise 07, a solution: a relay that passes a half-close on, and whose two ends close each
// other safely.
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

bool relay_end::readable() {
    // TODO 2 begin
    // [readable]
    return !got_eof;  // after end of file there is nothing more to read, ever
    // [readable]
    // TODO 2 end
}

void relay_end::handle_read() {
    // TODO 3 begin
    // [handle_read]
    std::string data = recv(chunk);
    if (data.empty()) return;  // nothing after all, end of file (handle_eof() ran) or a reset (handle_close() ran)
    if (inspect) inspect(data);  // may throw: the loop hands that to handle_error()
    bytes_forwarded += data.size();
    if (auto other = partner.lock()) other->send(data);  // may end the relay before it returns
    // [handle_read]
    // TODO 3 end
}

void relay_end::handle_eof() {
    // TODO 4 begin
    // [handle_eof]
    got_eof = true;  // this direction is over; the other may still carry the answer
    if (auto other = partner.lock()) other->shutdown_when_done();  // its peer reads end of file after the rest
    end_if_done();
    // [handle_eof]
    // TODO 4 end
}

void relay_end::handle_write() {
    // TODO 5 begin
    // [handle_write]
    dispatcher_with_send::handle_write();  // also shuts down once out_buffer is empty, if asked to
    end_if_done();
    // [handle_write]
    // TODO 5 end
}

void relay_end::end_if_done() {
    // TODO 6 begin
    // [end_if_done]
    auto other = partner.lock();
    if (!other || ended_) return;  // the relay has ended already
    if (got_eof && other->got_eof && out_buffer.empty() && other->out_buffer.empty()) handle_close();
    // [end_if_done]
    // TODO 6 end
}

void relay_end::handle_close() {
    // TODO 7 begin
    // [handle_close]
    if (ended_) return;  // the second call of the ping-pong, or a second "peer gone" in one pass
    ended_ = true;       // first, so that the partner's call back to us stops here
    note("closed");
    close();
    if (auto other = partner.lock()) other->handle_close();
    // [handle_close]
    // TODO 7 end
}

void relay_end::handle_error() {
    // TODO 8 begin
    // [handle_error]
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
    // [handle_error]
    // TODO 8 end
}
