// Exercise 07, challenge: a relay that passes a half-close on. Read chapter 07's "Half-close"
// section first. Check your work with:  ./course check 07 --challenges
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "half_relay.hpp"

#include <string>

std::pair<std::weak_ptr<half_end>, std::weak_ptr<half_end>> make_half_relay(asyncore::socket a, asyncore::socket b,
                                                                            asyncore::channel_map& map) {
    // TODO 1 begin: as in make_relay(): two ends made with asyncore::make<half_end>(...), each
    //         the other's partner.
    (void)a;
    (void)b;
    (void)map;
    return {};
    // TODO 1 end
}

bool half_end::readable() {
    // TODO 2 begin: read until the peer has finished sending. After end of file the socket stays
    //         readable for ever: asking to read it would wake the loop on every pass.
    return true;
    // TODO 2 end
}

void half_end::handle_read() {
    // TODO 3 begin: recv() and send() what came through the partner, as the exercise's relay
    //         does. recv() calls handle_eof() at end of file, handle_close() on a reset.
    // TODO 3 end
}

void half_end::handle_eof() {
    // TODO 4 begin: the peer has finished sending. Remember it (got_eof), ask the partner to shut
    //         its peer's direction down once everything forwarded has gone out
    //         (shutdown_when_done()), then end the relay if all is done.
    // TODO 4 end
}

void half_end::handle_write() {
    // TODO 5 begin: send what waits (dispatcher_with_send::handle_write(); it also does a pending
    //         shutdown once the buffer is empty), then end the relay if all is done.
    // TODO 5 end
}

void half_end::end_if_done() {
    // TODO 6 begin: all is done when both peers have finished sending and nothing waits in
    //         either end's out_buffer. Then end the relay (handle_close()). A partner that is
    //         gone means the relay has ended already.
    // TODO 6 end
}

void half_end::handle_close() {
    // TODO 7 begin: end the relay once, as the exercise's relay does: a flag first, then close
    //         this end and the partner.
    // TODO 7 end
}
