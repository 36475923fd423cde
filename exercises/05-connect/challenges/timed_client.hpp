// Exercise 05, challenge: a connect timeout. The tests use these; you write
// challenges/timed_client.cpp. Leave this file as it is.
#pragma once

#include "greeting_client.hpp"

#include <chrono>
#include <string>
#include <vector>

/// Your greeting_client (from greeting_client.cpp), with a deadline for each connect. A host that
/// drops the SYNs never answers, and the kernel keeps such a connect going for about two minutes;
/// this client gives each address `timeout` seconds, then treats it as failed with `ETIMEDOUT`,
/// exactly as it treats a refusal: on to the next address, or, after the last one, `error`,
/// `failure` and `done`. The deadline is per address, not for the whole list: a dead first
/// address costs `timeout` seconds, and the next one still gets its own.
class timed_client : public greeting_client {
public:
    /// The longest pass run_for() lets the loop wait, in seconds: how late a deadline may be seen.
    static constexpr double pass = 0.05;

    /// Seconds each address may take to connect.
    const double timeout;

    /// Starts connecting to `servers[0]`, as greeting_client does, and starts its clock; each
    /// address may take `seconds` to connect. Given.
    timed_client(std::vector<asyncore::address> servers, std::string greeting, double seconds,
                 asyncore::channel_map* map = nullptr);

    /// Called between passes. While the client is `connecting`: a connect started since the last
    /// call (`tries` has changed) starts the clock again; a connect older than `timeout` seconds
    /// has failed with `ETIMEDOUT`, and goes where a refusal goes: this channel's handle_error(),
    /// called inside a `catch` of a std::system_error whose code is `ETIMEDOUT`. Does nothing
    /// once the client is connected or done. TODO 1
    void check_deadline();

private:
    using clock = std::chrono::steady_clock;  ///< monotonic: a change of the wall clock moves no deadline
    clock::time_point started_;  ///< when the connect being timed started (as first seen)
    int seen_;                   ///< `tries` when started_ was set: a change means a new connect
};

/// Runs one-pass loops over `map` (each waiting at most timed_client::pass seconds), calling
/// `client.check_deadline()` after each pass, until `client.done` or `seconds` have passed.
/// Returns `client.done`. TODO 2
bool run_for(timed_client& client, asyncore::channel_map& map, double seconds);
