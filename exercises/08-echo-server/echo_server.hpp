// Capstone 08: the echo server. You write echo_server.cpp; this header and main.cpp are given.
#pragma once

#include <asyncore/asyncore.hpp>

#include <cstddef>
#include <iostream>

/// One client: every byte it sends goes straight back to it.
class echo_handler : public asyncore::dispatcher_with_send {
public:
    /// Stop reading a client that sends faster than it reads once this much waits to go back.
    static constexpr std::size_t high_water = 256 * 1024;

    /// Serves the connected socket `sock`, registered in `map`.
    echo_handler(asyncore::socket sock, asyncore::channel_map* map);

    bool readable() override;
    void handle_read() override;
    void handle_write() override;
    void handle_eof() override;
    void handle_close() override;

private:
    bool finishing_ = false;  // the client has sent everything: close once it has it all back
};

/// The listening socket: makes an echo_handler for every connection.
class echo_server : public asyncore::dispatcher {
public:
    /// Listens on `where` (port 0: any free port), in `map`; logs a line per connection to `log`.
    /// \throws std::system_error if it cannot (the port is in use, say).
    echo_server(const asyncore::address& where, asyncore::channel_map* map = nullptr, std::ostream& log = std::cout);

    /// The address it listens on, with the port the kernel picked for port 0.
    asyncore::address local_address();

    void handle_accepted(asyncore::socket sock, const asyncore::address& peer) override;

private:
    std::ostream& log_;
};
