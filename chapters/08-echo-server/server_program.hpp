// What the course's server programs (echo_server, port_forwarder) share around their classes
// (given): a standard output that can never stop or stall them, and a "listening on" line that
// is printed only when the loop can really serve the listening socket.
#pragma once

#include <asyncore/asyncore.hpp>

#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <streambuf>
#include <string>

namespace server_program {

/// The --poll and -q lines of a server's --help, the text starting at `column`.
inline std::string common_usage(std::size_t column) {
    auto option = [column](std::string flag, const char* text) {
        flag.resize(column, ' ');
        return flag + text + "\n";
    };
    return option("  --poll", "use poll(), not select(): serve more than 1,016 clients, as many as") +
           option("", "ulimit -n allows (without it, clients past FD_SETSIZE are refused)") +
           option("  -q, --quiet", "no line per connection (listening on is still printed)");
}

/// "8080" -> 8080; false for anything but a number from 0 to 65535.
inline bool parse_port(const char* text, std::uint16_t& port) {
    char* end = nullptr;
    long value = std::strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value < 0 || value > 65535) return false;
    port = static_cast<std::uint16_t>(value);
    return true;
}

// [stdout_lines]
/// A stream buffer that writes whole lines to `fd` without ever waiting for it. Each line goes
/// out in one write() of at most PIPE_BUF bytes, and only when poll() says the descriptor takes
/// it now: a pipe takes such a write whole or not at all. A line that cannot go out now (the
/// reader stopped reading and the pipe is full, or the reader left) is dropped and counted; the
/// next line that goes out is preceded by one that says how many were lost. The descriptor is
/// not changed: O_NONBLOCK would belong to everyone who shares it, the user's shell included.
class stdout_lines : public std::streambuf {
public:
    explicit stdout_lines(int fd = STDOUT_FILENO) : fd_(fd) {}
    ~stdout_lines() override {
        sync();
        if (dropped_ > 0) write_now(dropped_note());  // the last word, if it can be said
    }

protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        line_ += traits_type::to_char_type(c);
        if (line_.back() == '\n' || line_.size() == PIPE_BUF) emit();  // a longer line goes in pieces
        return c;
    }
    int sync() override {  // std::flush: what there is of the line goes now
        if (!line_.empty()) emit();
        return 0;
    }

private:
    // [write_now]
    void emit() {
        if (dropped_ > 0 && write_now(dropped_note())) dropped_ = 0;
        if (dropped_ > 0 || !write_now(line_)) ++dropped_;  // after a loss, only once it is told
        line_.clear();
    }

    std::string dropped_note() const {
        return "(" + std::to_string(dropped_) + (dropped_ == 1 ? " line" : " lines") +
               " of output dropped: stdout was full or closed)\n";
    }

    bool write_now(const std::string& bytes) {
        pollfd p{fd_, POLLOUT, 0};
        if (::poll(&p, 1, 0) != 1 || p.revents != POLLOUT) return false;  // full, closed, or no stdout
        return ::write(fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    }
    // [write_now]

    int fd_;
    std::string line_;
    unsigned long dropped_ = 0;
};
// [stdout_lines]

// [server_output]
/// For the life of a server's main(): std::cout writes through stdout_lines, and SIGPIPE is
/// ignored, so a reader that leaves between poll() and write() gives EPIPE, not death. Ignoring
/// SIGPIPE is safe in these programs: the library sends with MSG_NOSIGNAL already, so standard
/// output and standard error are the only pipes they write, and they start no other program.
class server_output {
public:
    server_output() : old_buffer_(std::cout.rdbuf(&lines_)), old_sigpipe_(::signal(SIGPIPE, SIG_IGN)) {}
    ~server_output() {
        std::cout.rdbuf(old_buffer_);
        ::signal(SIGPIPE, old_sigpipe_);
    }
    server_output(const server_output&) = delete;
    server_output& operator=(const server_output&) = delete;

    /// Where a server writes its line per connection: std::cout, or nowhere with -q.
    std::ostream& log(bool quiet) { return quiet ? nowhere_ : std::cout; }

private:
    stdout_lines lines_;
    std::streambuf* old_buffer_;
    void (*old_sigpipe_)(int);
    std::ostream nowhere_{nullptr};  // no buffer: every write is dropped
};
// [server_output]

// [serve]
/// Says `listening on ADDRESS` and runs the loop until the map is empty, with poll() if
/// `use_poll`, else select(). First it makes sure that the loop can watch `listener`: select()
/// cannot watch a descriptor at or above FD_SETSIZE, and the line must not promise a server that
/// would give up at once.
/// \throws std::runtime_error (before the line) if it cannot.
inline void serve(asyncore::dispatcher& listener, const asyncore::address& where, bool use_poll) {
    if (!use_poll && listener.fileno() >= FD_SETSIZE)
        throw std::runtime_error("the listening socket is fd " + std::to_string(listener.fileno()) +
                                 ", at or above FD_SETSIZE (" + std::to_string(FD_SETSIZE) +
                                 "): select() cannot watch it (try --poll)");
    std::cout << "listening on " << where.to_string() << std::endl;
    asyncore::loop(30.0, use_poll);
}
// [serve]

}  // namespace server_program
