// Capstone 10: the port forwarder. You write forwarder.cpp; this header and main.cpp are given.
#pragma once

#include <asyncore/asyncore.hpp>

#include <cstddef>
#include <iostream>

/// What the forwarder allows its clients (given; chapter 12 explains the timers behind it).
struct forward_limits {
    /// Close a client whose remote has not answered the connect within this many seconds; 0: never
    /// (the kernel gives up after about two minutes).
    double connect_timeout = 10;
    /// Close a pair after this many seconds with no byte read or written on either end; 0: never.
    double idle_timeout = 0;
    /// Clients served at once (each costs two descriptors); one more is accepted and closed at
    /// once, with a log line.
    std::size_t max_connections = 10000;
};

/// One side of a forwarded connection: the client's socket, or the socket to the remote. Two of
/// them make a pair; what one reads, its partner sends.
///
/// Each direction has one bounded buffer: the `out_buffer` of the end that sends. An end stops
/// reading while its partner's `out_buffer` is full (backpressure), passes end of file on as a
/// half-close once its partner has sent everything, and closes the pair when both directions
/// are done or when either side fails.
class forward_end : public asyncore::dispatcher_with_send {
public:
    /// At most this many bytes wait in an end's `out_buffer`: the bound of each direction.
    static constexpr std::size_t buffer_limit = 256 * 1024;

    /// The client's side: a socket from accept(), registered in `map`; problems go to `log`.
    forward_end(asyncore::socket sock, asyncore::channel_map* map, std::ostream& log);
    /// The remote's side: a new socket of `family`, not connected yet (call connect()).
    forward_end(int family, asyncore::channel_map* map, std::ostream& log);
    /// Unlinks the partner, so that it never points at a destroyed end, and cancels the timer.
    ~forward_end() override;

    /// Links two ends: what one reads, the other sends.
    static void pair(forward_end& a, forward_end& b) noexcept;
    /// The other end, or nullptr once the pair is closed.
    forward_end* partner() const noexcept { return partner_; }
    /// True once this end has read end of file: its peer sends nothing more.
    bool read_done() const noexcept { return read_done_; }

    bool readable() override;
    void handle_connect() override;
    void handle_read() override;
    void handle_write() override;
    void handle_eof() override;
    void handle_close() override;
    void handle_error() override;

    /// Watches the pair of this client's end (given: the forwarder calls it for every client).
    /// Closes both ends when the remote has not answered within `limits.connect_timeout`, at
    /// once when the client leaves while the connect is pending, and when nothing has moved
    /// either way for `limits.idle_timeout`.
    void watch(const forward_limits& limits);
    /// Every event notes the time on both ends, then goes on as usual (given).
    void handle_read_event() override;
    void handle_write_event() override;

protected:  // not private: a subclass may log or close the pair too
    void close_if_finished();
    void close_both();

    forward_end* partner_ = nullptr;
    std::ostream& log_;
    bool read_done_ = false;

private:
    // The timeouts (given): one timer per pair, on the client's end, which looks at the state of
    // the pair when it fires.
    void check_pair();
    forward_limits limits_;
    asyncore::timer_clock::time_point connect_deadline_{};
    asyncore::timer_clock::time_point last_active_ = asyncore::timer_clock::now();
    asyncore::timer timer_;
};

/// The listening socket: for every client it accepts, it connects to the remote and pairs the
/// two sockets with two forward_end objects.
class forwarder : public asyncore::dispatcher {
public:
    /// Listens on `local` (port 0: any free port) and forwards to `remote`, in `map`; logs a line
    /// per connection, and one per failure, to `log`.
    /// \throws std::system_error if it cannot listen (the port is in use, say).
    /// Holds its clients to `limits`.
    forwarder(const asyncore::address& local, const asyncore::address& remote, asyncore::channel_map* map = nullptr,
              std::ostream& log = std::cout, forward_limits limits = {});

    /// The address it listens on, with the port the kernel picked for port 0.
    asyncore::address local_address();

    /// Accepts a connection and hands it to handle_accepted(), unless max_connections clients are
    /// already served: then it closes it at once and logs a line. Has the new pair watched (given).
    void handle_accept() override;
    void handle_accepted(asyncore::socket sock, const asyncore::address& peer) override;
    /// A failed accept (no descriptor left, say) costs one client, never the listener: logs it
    /// and goes on listening.
    void handle_error() override;

private:
    asyncore::address remote_;
    std::ostream& log_;
    forward_limits limits_;
};
