// Exercise 07, challenge: a relay that holds back no more than it must. The tests use these; you
// write challenges/capped_relay.cpp. Leave this file as it is.
#pragma once

#include "relay.hpp"

#include <cstddef>

/// An end of a relay (your relay_end, from relay.cpp) that stops reading while its partner still
/// holds `cap` bytes or more that the partner's peer has not taken. A fast sender and a slow
/// reader then fill the kernel's buffers, not the relay's memory: the sender waits.
class capped_end : public relay_end {
public:
    /// The most a partner may hold unsent before this end pauses.
    static constexpr std::size_t cap = 256 * 1024;

    using relay_end::relay_end;

    /// Reads when relay_end would, and only while the partner holds less than `cap`. TODO
    bool readable() override;
};

/// make_relay() with two capped_end objects. TODO
relay make_capped_relay(asyncore::socket a, asyncore::socket b, asyncore::channel_map& map, relay_log& log);
