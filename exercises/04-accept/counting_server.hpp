// Exercise 04: a server that counts its visitors and greets at most max_greeters of them at
// once. The tests use these two classes; you write counting_server.cpp.
#pragma once

#include <asyncore/asyncore.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

/// Talks to one visitor: sends "hello, visitor N\n" and the message of the day, then closes the
/// connection once every byte of it has left. While it exists it holds one of its server's places.
class greeter : public asyncore::dispatcher_with_send {
public:
    /// Takes over an accepted socket (registered in `map`, or socket_map when null). `busy` is the
    /// server's count of greeters at work, shared so that a greeter may outlive its server.
    greeter(asyncore::socket sock, int number, const std::string& motd, std::shared_ptr<int> busy,
            asyncore::channel_map* map = nullptr);
    /// Gives the place back, however the greeter ended.
    ~greeter() override;

    void handle_write() override;

private:
    void close_if_done();  // closes the channel once out_buffer is empty

    int number_;
    std::shared_ptr<int> busy_;
};

/// Listens on an address, numbers each connection it accepts, and hands it to a greeter; while
/// max_greeters greeters are at work, newcomers wait in the accept queue.
class counting_server : public asyncore::dispatcher {
public:
    /// Starts listening on `where` (port 0: the kernel picks one; see port()).
    explicit counting_server(const asyncore::address& where, asyncore::channel_map* map = nullptr);

    /// Connections accepted so far: the number the last visitor was given.
    int visitors = 0;
    /// The address of every visitor, in the order they were accepted.
    std::vector<asyncore::address> seen;
    /// Sent to every visitor after the hello line (empty by default). Set it before visitors come.
    std::string motd;
    /// How many greeters may be at work at once. Set it before visitors come.
    int max_greeters = 64;

    bool readable() override;
    void handle_accepted(asyncore::socket sock, const asyncore::address& peer) override;

    /// The port the server listens on (0 if it has no socket yet). Given: nothing to do here.
    std::uint16_t port() { return fileno() < 0 ? 0 : sock().getsockname().port(); }
    /// Greeters at work now (each one counts from its constructor to its destructor). Given.
    int greeters() const { return *busy_; }

private:
    std::shared_ptr<int> busy_ = std::make_shared<int>(0);
};
