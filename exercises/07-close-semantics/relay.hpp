// Exercise 07: a relay whose two directions end one at a time, and whose two ends close each
// other safely. The tests use these declarations; you write relay.cpp. Leave this file as it is.
#pragma once

#include <asyncore/asyncore.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

/// What the ends of a relay report, in order: "a closed", "b error: bad input", "a destroyed".
using relay_log = std::vector<std::string>;

/// One end of a relay: a connected socket whose incoming bytes go out through its partner, the
/// other end. Each direction ends by itself: when this end's peer has finished sending (end of
/// file), the partner's peer reads end of file after the last byte forwarded, and the other
/// direction goes on. The relay ends, both ends closed, each exactly once, when both peers have
/// finished sending and everything has been delivered; at once when a peer resets or a send()
/// finds its peer gone; and at once when a handler throws.
class relay_end : public asyncore::dispatcher_with_send {
public:
    /// Read at most this many bytes at a time.
    static constexpr std::size_t chunk = 64 * 1024;

    /// Given: wraps `sock` (registering it in `map`) as the end called `label`, reporting to `log`.
    relay_end(asyncore::socket sock, asyncore::channel_map& map, std::string label, relay_log& log)
        : dispatcher_with_send(std::move(sock), &map), name(std::move(label)), log_(log) {}
    /// Given: reports "<name> destroyed". With make_relay() that happens after the loop pass in
    /// which the end closed.
    ~relay_end() override { note("destroyed"); }

    /// "a" or "b": how the log names this end.
    const std::string name;
    /// The other end. A weak_ptr: each end knows the other without keeping it alive, so when the
    /// map lets go of both, both are destroyed (two shared_ptrs at each other would never be).
    std::weak_ptr<relay_end> partner;
    /// Bytes read from this end's socket and handed to the partner.
    std::size_t bytes_forwarded = 0;
    /// True once this end's peer has finished sending (end of file reached handle_eof()).
    bool got_eof = false;
    /// Given to the program (the tests set it): called with every piece this end reads, before
    /// the piece is forwarded. A logger or a protocol check hangs here; a check that dislikes
    /// the data throws, and the relay must end.
    std::function<void(std::string_view)> inspect;

    /// Reads only while the peer may still send. TODO
    bool readable() override;
    /// Reads what arrived, lets `inspect` see it, and sends it on through the partner. TODO
    void handle_read() override;
    /// This end's peer has finished sending: passes that on to the partner's peer, after the
    /// bytes still queued, and ends the relay if all is done. TODO
    void handle_eof() override;
    /// Sends what waits, and ends the relay if all is done. TODO
    void handle_write() override;
    /// This end's peer is gone (or this end must end): closes both ends, each once. TODO
    void handle_close() override;
    /// A handler of this end threw: reports "<name> error: <what()>", then ends the relay. TODO
    void handle_error() override;

protected:
    /// Given: appends "<name> <what>" to the log.
    void note(const std::string& what) { log_.push_back(name + " " + what); }
    /// Ends the relay once both peers have finished sending and nothing waits on either end. TODO
    void end_if_done();
    /// Yours to use: has this end closed already?
    bool ended_ = false;

private:
    relay_log& log_;
};

/// The two ends of one relay. Weak: the map owns the ends, not whoever holds this.
struct relay {
    std::weak_ptr<relay_end> a;  ///< The end called "a".
    std::weak_ptr<relay_end> b;  ///< The end called "b".
};

/// Makes a relay between `a` and `b`: two relay_end objects named "a" and "b", owned by `map`
/// (asyncore::make), each the other's partner. TODO
relay make_relay(asyncore::socket a, asyncore::socket b, asyncore::channel_map& map, relay_log& log);
