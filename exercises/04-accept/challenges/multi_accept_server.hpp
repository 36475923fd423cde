// Exercise 04, challenge: a server that takes several waiting visitors per wake-up. The tests use
// this class; you write challenges/multi_accept_server.cpp. Leave this file as it is.
#pragma once

#include "counting_server.hpp"

/// Your counting_server (from counting_server.cpp) that accepts up to `per_wakeup` waiting
/// connections per read event, instead of one. nginx's multi_accept takes them all; the cap is
/// ours (Netty's server channel has the same, 16). A burst of clients then needs a few passes of
/// the loop instead of one pass per client, and cannot starve the clients already served.
class multi_accept_server : public counting_server {
public:
    /// The most connections one read event accepts: a flood of clients must not keep the loop
    /// from its other channels for long.
    static constexpr int per_wakeup = 16;

    using counting_server::counting_server;  ///< counting_server's constructors, unchanged

    /// Calls accept() and hands each connection it returns to handle_accepted(), until accept()
    /// returns nothing (no one waits any more), `per_wakeup` connections have been accepted, or
    /// max_greeters greeters are at work. TODO
    void handle_accept() override;
};
