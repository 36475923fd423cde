// Capstone 08: the echo server. You write echo_server.cpp; this header and main.cpp are given.
#pragma once

#include <asyncore/asyncore.hpp>

#include <cstddef>
#include <iostream>

/// What the server allows its clients (given; chapter 12 explains the timers behind it).
struct client_limits {
    /// Close a client after this many seconds with no byte read from it or written to it; 0: never.
    double idle_timeout = 300;
    /// Clients served at once; one more is accepted and closed at once, with a log line.
    std::size_t max_connections = 10000;
};

/// One client: every byte it sends goes straight back to it.
class echo_handler : public asyncore::dispatcher_with_send {
public:
    /// Stop reading a client that sends faster than it reads once this much waits to go back.
    static constexpr std::size_t high_water = 256 * 1024;

    /// Serves the connected socket `sock`, registered in `map`.
    echo_handler(asyncore::socket sock, asyncore::channel_map* map);
    /// Cancels the idle timer (given).
    ~echo_handler() override;

    bool readable() override;
    void handle_read() override;
    void handle_write() override;
    void handle_eof() override;
    void handle_close() override;

    /// Closes this client once it has been idle for `seconds` (0: never), and says so on `log`
    /// (given: the server calls it for every client it accepts).
    void close_when_idle(double seconds, std::ostream& log);
    /// Every event notes the time, then goes on as usual (given).
    void handle_read_event() override;
    void handle_write_event() override;

private:
    bool finishing_ = false;  // the client has sent everything: close once it has it all back

    // The idle timeout (given): one timer per client, which looks at last_active_ when it fires.
    void check_idle();
    double idle_timeout_ = 0;
    std::ostream* idle_log_ = nullptr;
    asyncore::timer_clock::time_point last_active_ = asyncore::timer_clock::now();
    asyncore::timer idle_timer_;
};

/// The listening socket: makes an echo_handler for every connection.
class echo_server : public asyncore::dispatcher {
public:
    /// Listens on `where` (port 0: any free port), in `map`; logs a line per connection to `log`;
    /// holds its clients to `limits`.
    /// \throws std::system_error if it cannot (the port is in use, say).
    echo_server(const asyncore::address& where, asyncore::channel_map* map = nullptr, std::ostream& log = std::cout,
                client_limits limits = {});

    /// The address it listens on, with the port the kernel picked for port 0.
    asyncore::address local_address();

    /// Accepts a connection and hands it to handle_accepted(), unless max_connections clients are
    /// already served: then it closes it at once and logs a line. Arms the new client's idle
    /// timeout (given).
    void handle_accept() override;
    void handle_accepted(asyncore::socket sock, const asyncore::address& peer) override;

private:
    std::ostream& log_;
    client_limits limits_;
};
