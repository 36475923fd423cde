// Exercise 05: a client that greets a server. The tests use this class; you write
// greeting_client.cpp.
#pragma once

#include <asyncore/asyncore.hpp>

#include <string>

/// Connects to a server, sends a greeting once connected, collects the reply until the server
/// closes, and reports a connection that fails instead of throwing.
class greeting_client : public asyncore::dispatcher_with_send {
public:
    /// Starts connecting to `server` (an IPv4, IPv6 or Unix-domain address) without waiting.
    greeting_client(const asyncore::address& server, std::string greeting, asyncore::channel_map* map = nullptr);

    /// Everything the server has sent so far.
    std::string reply;
    /// How many times handle_connect() has run: 1 once connected, and never more.
    int connects = 0;
    /// Why the connection failed, as an errno value (`ECONNREFUSED`, `ENOENT`, ...); 0 if it has not.
    int error = 0;
    /// The same, as text ("Connection refused"); empty if it has not failed.
    std::string failure;
    /// True once the channel has closed, whatever the reason.
    bool done = false;

    void handle_connect() override;
    void handle_read() override;
    void handle_close() override;
    void handle_error() override;

private:
    void fail(int err);  // records a failed connection and closes the channel

    std::string greeting_;
};
