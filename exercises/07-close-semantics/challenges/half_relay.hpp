// Exercise 07, challenge: a relay that passes a half-close on. The tests use these; you write
// challenges/half_relay.cpp.
#pragma once

#include <asyncore/asyncore.hpp>

#include <memory>
#include <utility>

/// One end of a relay in which each direction ends by itself. When this end's peer has finished
/// sending (end of file: handle_eof()), the partner's peer reads end of file after the last
/// forwarded byte (the partner's shutdown_when_done()), and the other direction goes on. The
/// relay ends, both ends closed, once both peers have finished sending and everything has been
/// delivered; or at once when a peer resets or goes away (handle_close()).
class half_end : public asyncore::dispatcher_with_send {
public:
    half_end(asyncore::socket sock, asyncore::channel_map& map) : dispatcher_with_send(std::move(sock), &map) {}

    /// The other end; weak, so that neither keeps the other alive.
    std::weak_ptr<half_end> partner;
    /// True once this end's peer has finished sending (end of file).
    bool got_eof = false;
    /// True once the relay has ended (handle_close() has run on this end).
    bool ended = false;

    /// No more reading once the peer has finished sending.
    bool readable() override;
    /// Forwards what arrived to the partner.
    void handle_read() override;
    /// The peer has finished sending: pass that on, and end the relay if all is done.
    void handle_eof() override;
    /// Sends what waits, and ends the relay if all is done.
    void handle_write() override;
    /// Ends the relay: closes this end and its partner, once.
    void handle_close() override;

private:
    /// Ends the relay once both peers have finished sending and nothing waits on either end.
    void end_if_done();
};

/// Two ends that the map owns, each the other's partner.
std::pair<std::weak_ptr<half_end>, std::weak_ptr<half_end>> make_half_relay(asyncore::socket a, asyncore::socket b,
                                                                            asyncore::channel_map& map);
