// Exercise 10, challenge: a forwarder with several remotes, as a load balancer. The tests use
// these; you write challenges/balancer.cpp. Leave this file as it is.
#pragma once

#include "forwarder.hpp"

#include <cstddef>
#include <iostream>
#include <vector>

/// The remote's side of a pair (your forward_end, from forwarder.cpp) that knows every remote.
/// When its connect fails, it hands its client over to a new retrying_end that connects to the
/// next remote, until each remote has been tried once.
class retrying_end : public forward_end {
public:
    /// A socket of the family of `remotes[index]`, not connected yet: call start(). Up to
    /// `tries_left` remotes, this one included, may still be tried for the client.
    retrying_end(std::vector<asyncore::address> remotes, std::size_t index, std::size_t tries_left,
                 asyncore::channel_map* map, std::ostream& log);

    /// Connects to `remotes[index]`. A connect that fails at once goes to handle_error() too.
    void start();

    /// A connect that failed (so no byte went through yet): one line on the log, "cannot reach
    /// HOST:PORT: WHAT". Then, while another remote is left to try, a new retrying_end for the
    /// next remote (after the last one comes the first) takes the client, this end closes alone,
    /// and the new one starts; once every remote has failed, both ends close. Any other error
    /// (the pair was connected): as forward_end::handle_error() does. TODO 2
    void handle_error() override;

private:
    std::vector<asyncore::address> remotes_;  ///< every remote, in the balancer's order
    std::size_t index_;                       ///< the one this end connects to
    std::size_t tries_left_;                  ///< remotes still to try, this one included (1: the last)
};

/// A forwarder that sends each new client to the next remote in turn (round robin), and on to
/// the next one after that when a remote refuses.
class balancer : public forwarder {
public:
    /// Listens on `local` (port 0: any free port) and forwards to `remotes` (at least one), in
    /// `map`; logs a line per connection, and one per failure, to `log`.
    /// \throws std::system_error if it cannot listen; std::invalid_argument if `remotes` is empty.
    balancer(const asyncore::address& local, std::vector<asyncore::address> remotes,
             asyncore::channel_map* map = nullptr, std::ostream& log = std::cout);

    /// Logs "connection from HOST:PORT", pairs the client's end with a retrying_end for the
    /// next remote in turn (the first client gets the first remote, the next the second, ...),
    /// and starts it. TODO 1
    void handle_accepted(asyncore::socket sock, const asyncore::address& peer) override;

private:
    std::vector<asyncore::address> remotes_;  ///< every remote, in turn
    std::size_t next_ = 0;                    ///< the remote the next client goes to
    std::ostream& log_;                       ///< where each connection and failure is logged
};
