// Exercise 07: a relay that passes a half-close on, and whose two ends close each other safely.
// Read chapters/07-close-semantics/README.md first. Check your work with:  ./course check 07
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "relay.hpp"

#include <exception>

relay make_relay(asyncore::socket a, asyncore::socket b, asyncore::channel_map& map, relay_log& log) {
    // TODO 1 begin: make the two ends with asyncore::make<relay_end>(...), so that the map owns them
    //         (std::move the sockets in; name them "a" and "b"). Make each the other's partner,
    //         and return both. The shared_ptrs make() gives you may die here: the map keeps the
    //         ends alive while they are registered.
    (void)a;
    (void)b;
    (void)map;
    (void)log;
    return {};
    // TODO 1 end
}

bool relay_end::readable() {
    // TODO 2 begin: read until the peer has finished sending. A socket at end of file stays
    //         readable for ever: asking to read it would wake the loop on every pass.
    return true;
    // TODO 2 end
}

void relay_end::handle_read() {
    // TODO 3 begin: recv() at most `chunk` bytes. Nothing came back? Then there is nothing to do:
    //         at end of file recv() has already called handle_eof(), on a reset handle_close().
    //         Otherwise let `inspect` (if set) see the data, count it in bytes_forwarded, and
    //         send() it through the partner, if the partner is still there.
    //         Careful: that send() can find the partner's peer gone and end the whole relay,
    //         this end included, before it returns.
    // TODO 3 end
}

void relay_end::handle_eof() {
    // TODO 4 begin: the peer has finished sending, and still waits for what the partner's peer
    //         sends it: do not close. Remember it (got_eof), have the partner's peer read end of
    //         file once everything forwarded to it has gone out, then end the relay if all is done.
    dispatcher_with_send::handle_eof();
    // TODO 4 end
}

void relay_end::handle_write() {
    // TODO 5 begin: send what waits as dispatcher_with_send does, then end the relay if all is
    //         done: the last queued byte may be the last thing the relay waited for.
    dispatcher_with_send::handle_write();
    // TODO 5 end
}

void relay_end::end_if_done() {
    // TODO 6 begin: all is done when both peers have finished sending and nothing waits to be
    //         sent on either end. Then end the relay. A partner that is gone means the relay has
    //         ended already.
    // TODO 6 end
}

void relay_end::handle_close() {
    // TODO 7 begin: end the relay: close() this end and its partner, and note("closed") once for
    //         each end. It must work whichever end starts, when both peers leave in the same
    //         pass, and when the partner is already gone. Watch out for the ping-pong:
    //         a.handle_close() -> b.handle_close() -> a.handle_close() -> ...
    // TODO 7 end
}

void relay_end::handle_error() {
    // TODO 8 begin: note("error: " + what the exception says), then end the relay.
    //         handle_error() runs inside the loop's catch block: `throw;` rethrows the exception,
    //         so a try/catch here can read its what(). Not every exception is a std::exception.
    dispatcher_with_send::handle_error();
    // TODO 8 end
}
