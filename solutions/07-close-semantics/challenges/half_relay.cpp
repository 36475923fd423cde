// Exercise 07, challenge, a solution: a relay that passes a half-close on.
#include "half_relay.hpp"

#include <string>

std::pair<std::weak_ptr<half_end>, std::weak_ptr<half_end>> make_half_relay(asyncore::socket a, asyncore::socket b,
                                                                            asyncore::channel_map& map) {
    // TODO 1 begin
    auto first = asyncore::make<half_end>(std::move(a), map);
    auto second = asyncore::make<half_end>(std::move(b), map);
    first->partner = second;
    second->partner = first;
    return {first, second};
    // TODO 1 end
}

bool half_end::readable() {
    // TODO 2 begin
    return !got_eof;
    // TODO 2 end
}

void half_end::handle_read() {
    // TODO 3 begin
    std::string data = recv(65536);
    if (data.empty()) return;  // end of file (handle_eof() has run) or a reset (the relay ended)
    if (auto other = partner.lock()) other->send(data);
    // TODO 3 end
}

void half_end::handle_eof() {
    // TODO 4 begin
    got_eof = true;
    if (auto other = partner.lock()) other->shutdown_when_done();  // its peer reads end of file after the rest
    end_if_done();
    // TODO 4 end
}

void half_end::handle_write() {
    // TODO 5 begin
    dispatcher_with_send::handle_write();
    end_if_done();
    // TODO 5 end
}

void half_end::end_if_done() {
    // TODO 6 begin
    auto other = partner.lock();
    if (!other) return;  // the relay has ended already
    if (got_eof && other->got_eof && out_buffer.empty() && other->out_buffer.empty()) handle_close();
    // TODO 6 end
}

void half_end::handle_close() {
    // TODO 7 begin
    if (ended) return;
    ended = true;
    close();
    if (auto other = partner.lock()) other->handle_close();
    // TODO 7 end
}
