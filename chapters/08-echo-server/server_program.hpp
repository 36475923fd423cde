// What the course's server programs (echo_server, port_forwarder) share around their classes
// (given): a standard output that can never stop or stall them, a "listening on" line that is
// printed only when the loop can really serve the listening socket, and the flags that limit
// their clients (--idle-timeout, --max-connections: chapter 12), and the backend the loop waits in
// (--poll: chapter 11, --epoll: chapter 15).
#pragma once

#include <asyncore/asyncore.hpp>

#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/select.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <streambuf>
#include <string>

namespace server_program {

/// The --poll, --epoll and -q lines of a server's --help, the text starting at `column`.
inline std::string common_usage(std::size_t column) {
    auto option = [column](std::string flag, const char* text) {
        flag.resize(column, ' ');
        return flag + text + "\n";
    };
    return option("  --poll", "use poll(), not select(): serve more clients than select()'s 1024") +
           option("", "descriptors allow, as many as ulimit -n allows") +
           option("  --epoll", "use Linux's epoll: as many clients as --poll, and a pass costs what") +
           option("", "the ready clients cost, not all of them (not with --poll)") +
           option("  -q, --quiet", "no line per connection (listening on is still printed)");
}

/// The backend that --poll and --epoll ask for (neither: select()). Both at once is a mistake:
/// false, after a line to std::cerr that starts with `program`; the caller prints the usage and
/// exits 2.
inline bool backend_from_flags(const char* program, bool poll_flag, bool epoll_flag, asyncore::backend_choice& chosen) {
    if (poll_flag && epoll_flag) {
        std::cerr << program << ": --poll and --epoll each choose the backend: give one of them\n";
        return false;
    }
    chosen = epoll_flag ? asyncore::backend_choice(asyncore::backend::epoll) : asyncore::backend_choice(poll_flag);
    return true;
}

/// A line of a server's --help: `flag` padded to `column`, then `text`.
inline std::string usage_line(std::string flag, const std::string& text, std::size_t column) {
    flag.resize(std::max(column, flag.size() + 1), ' ');
    return flag + text + "\n";
}

/// "2.5" -> 2.5 seconds; false for anything but a number from 0 to 10^9 (0: no limit).
inline bool parse_seconds(const char* text, double& seconds) {
    char* end = nullptr;
    double value = std::strtod(text, &end);
    if (*text == '\0' || *end != '\0' || !std::isfinite(value) || value < 0 || value > 1e9) return false;
    seconds = value;
    return true;
}

/// "100" -> 100; false for anything but a whole number from 1 to 10^9.
inline bool parse_count(const char* text, std::size_t& count) {
    char* end = nullptr;
    long long value = std::strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value < 1 || value > 1000000000) return false;
    count = static_cast<std::size_t>(value);
    return true;
}

// [max_connections]
/// How many descriptors below `below` are open now (standard input, output and error, and any a
/// parent left open), from /proc/self/fd; 3 where there is no /proc.
inline std::size_t open_descriptors_below(rlim_t below) {
    DIR* fds = ::opendir("/proc/self/fd");
    if (!fds) return 3;
    std::size_t open = 0;
    while (dirent* entry = ::readdir(fds)) {
        if (entry->d_name[0] == '.') continue;
        long fd = std::strtol(entry->d_name, nullptr, 10);
        open += fd != ::dirfd(fds) && static_cast<rlim_t>(fd) < below;
    }
    ::closedir(fds);
    return open;
}

/// The default of --max-connections: 10,000 clients, or fewer if the descriptors do not allow
/// that many. Call it before the server opens its listening socket. A client costs
/// `descriptors_per_client` (the forwarder's two: the client's and the remote's). The limit is
/// the process's (ulimit -n, RLIMIT_NOFILE), and under select() FD_SETSIZE too: past it select()
/// cannot watch a socket. Taken from it: the descriptors open now (0, 1 and 2 at least), and
/// three more: the listening socket, the library's spare one (chapter 07), and one to accept a
/// client past the limit and close it; under epoll a fourth, the epoll instance (made by the
/// first pass, chapter 15). So under select() with 1024 descriptors and 0 to 2 open:
/// 1018 clients of echo_server (fds 5 to 1022), 509 of port_forwarder; under --poll with 4096,
/// 4090 of echo_server, and 4089 under --epoll. A client past the default is refused with a log
/// line; past a larger --max-connections it meets EMFILE (the spare descriptor's "closed a
/// waiting connection") or select()'s refusal.
inline std::size_t default_max_connections(std::size_t descriptors_per_client, asyncore::backend_choice backend) {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    rlim_t usable = limit.rlim_cur;
    if (backend.which() == asyncore::backend::select) usable = std::min<rlim_t>(usable, FD_SETSIZE);
    const rlim_t own = backend.which() == asyncore::backend::epoll ? 4 : 3;
    const rlim_t taken = open_descriptors_below(usable) + own;
    if (usable < taken + descriptors_per_client) return 1;
    return static_cast<std::size_t>(std::min<rlim_t>(10000, (usable - taken) / descriptors_per_client));
}
// [max_connections]

/// How many waiting connections a server's handle_accept() takes per read event on its listening
/// socket: as many as the servers' listen(1024) lets the kernel queue, so one event can empty a
/// full queue. asyncore's default takes one. A pass that also serves thousands of busy clients
/// then accepts one client per pass: the queue overflows, and the kernel drops the handshakes of
/// new clients, who retry a second or more later. With one per event, wrk opening 10,000
/// keep-alive connections to http_server --epoll found 3,000 of them served after 6 s; with this
/// bound, over 9,000 (docs/performance.md). nginx's `multi_accept on` takes every waiting one.
inline constexpr int accepts_per_event = 1024;

/// For a server's handle_accept(): true when `clients` already reach `max_connections`. Then it
/// logs "refused HOST:PORT: N clients already, the most allowed (--max-connections)" to `log`,
/// and the caller lets the accepted socket close: the client sees end of file at once.
inline bool at_connection_limit(std::size_t clients, std::size_t max_connections, const asyncore::address& peer,
                                std::ostream& log) {
    if (clients < max_connections) return false;
    log << "refused " << peer.to_string() << ": " << clients << (clients == 1 ? " client" : " clients")
        << " already, the most allowed (--max-connections)" << std::endl;
    return true;
}

/// For a server's handle_accept(): takes the connections waiting on `listener`, up to
/// accepts_per_event of them. One past the limit (`clients()` already reaches `max_connections`)
/// is turned away at once with a log line (at_connection_limit()); each other one goes to
/// `take(sock, peer)`.
template <class Clients, class Take>
void accept_waiting(asyncore::dispatcher& listener, Clients clients, std::size_t max_connections, std::ostream& log,
                    Take take) {
    for (int i = 0; i < accepts_per_event; ++i) {
        auto accepted = listener.accept();
        if (!accepted) return;  // none is waiting any more
        auto& [sock, peer] = *accepted;
        if (at_connection_limit(clients(), max_connections, peer, log)) continue;  // `sock` closes
        take(std::move(sock), peer);
    }
}

/// The --idle-timeout and --max-connections lines of a server's --help, the text at `column`.
inline std::string limits_usage(std::size_t column, const std::string& idle_default, std::size_t descriptors_per_client) {
    return usage_line("  --idle-timeout SECONDS", "close a client idle that long (no byte either way); 0: never", column) +
           usage_line("", "(default " + idle_default + ")", column) +
           usage_line("  --max-connections N", "serve at most N clients at once; one more is closed at once,", column) +
           usage_line("", "with a log line (default 10000, or fewer if ulimit -n allows fewer:", column) +
           usage_line("", "here " + std::to_string(default_max_connections(descriptors_per_client, false)) +
                              " under select(), " + std::to_string(default_max_connections(descriptors_per_client, true)) +
                              " with --poll, " +
                              std::to_string(default_max_connections(descriptors_per_client, asyncore::backend::epoll)) +
                              " with --epoll)", column);
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
/// Says `listening on ADDRESS` and runs the loop until the map is empty, in the backend chosen:
/// select() (`false`), poll() (`true`) or epoll (`backend::epoll`). First it makes sure that the
/// loop can watch `listener`: select() cannot watch a descriptor at or above FD_SETSIZE, and the
/// line must not promise a server that would give up at once.
/// \throws std::runtime_error (before the line) if it cannot.
inline void serve(asyncore::dispatcher& listener, const asyncore::address& where, asyncore::backend_choice backend) {
    if (backend.which() == asyncore::backend::select && listener.fileno() >= FD_SETSIZE)
        throw std::runtime_error("the listening socket is fd " + std::to_string(listener.fileno()) +
                                 ", at or above FD_SETSIZE (" + std::to_string(FD_SETSIZE) +
                                 "): select() cannot watch it (try --poll or --epoll)");
    std::cout << "listening on " << where.to_string() << std::endl;
    asyncore::loop(30.0, backend);
}
// [serve]

}  // namespace server_program
