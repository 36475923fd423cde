// Exercise 12: one client of a line server, closed after a time of silence. The tests use this
// class; you write the timer parts of line_channel.cpp.
#pragma once

#include <asyncore/asyncore.hpp>

#include <cstddef>
#include <string>

/// One client of a line server: answers each line "you said: LINE", and closes the connection
/// when the client has sent nothing at all for `idle_timeout` seconds.
class line_channel : public asyncore::dispatcher_with_send {
public:
    /// Wraps a connected socket, registered in `channels`; the client has `idle_timeout` seconds to
    /// say something.
    line_channel(asyncore::socket sock, asyncore::channel_map& channels, double idle_timeout);
    /// Leaves the map; no timer of this channel may run after it is gone.
    ~line_channel() override;

    /// How many lines were answered.
    std::size_t answered = 0;
    /// True once the idle timeout closed the connection.
    bool timed_out = false;

    void handle_read() override;
    void handle_close() override;

private:
    void answer(const std::string& line);  // sends "you said: LINE"
    void handle_idle();                    // the idle timer's callback: the client was silent too long

    double idle_timeout_;
    std::string partial_;       // the start of a line whose "\n" has not arrived yet
    asyncore::timer idle_timer_;  // the pending idle timeout
};
