// Exercise 05: a client that greets a server. The tests use this class; you write
// greeting_client.cpp.
#pragma once

#include <asyncore/asyncore.hpp>

#include <cstddef>
#include <string>
#include <vector>

/// Connects to the first of a list of server addresses that takes the connection, sends a
/// greeting once connected, collects the reply until the server closes, and reports a connection
/// that fails everywhere instead of throwing.
class greeting_client : public asyncore::dispatcher_with_send {
public:
    /// Starts connecting to `servers[0]` (an IPv4, IPv6 or Unix-domain address) without waiting;
    /// the other addresses are tried in order, each when the one before has failed.
    greeting_client(std::vector<asyncore::address> servers, std::string greeting,
                    asyncore::channel_map* map = nullptr);

    /// Everything the server has sent so far.
    std::string reply;
    /// How many times handle_connect() has run: 1 once connected, and never more.
    int connects = 0;
    /// How many connects have been started, one per address tried.
    int tries = 0;
    /// Why the last address failed, as an errno value (`ECONNREFUSED`, `ENOENT`, ...), once every
    /// address has failed; 0 until then.
    int error = 0;
    /// The same, as text ("Connection refused"); empty until every address has failed.
    std::string failure;
    /// True once the channel has closed for good, whatever the reason.
    bool done = false;

    void handle_connect() override;
    void handle_read() override;
    void handle_close() override;
    void handle_error() override;

private:
    void try_next(int err);  // connects to the next address; with none left, fail(err)
    void fail(int err);      // records the failure and closes the channel

    std::vector<asyncore::address> servers_;
    std::size_t next_ = 0;  // the index of the next address to try
    std::string greeting_;
};
