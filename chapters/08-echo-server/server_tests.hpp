// What the tests of the server programs (echo_server, port_forwarder) do to them as processes:
// many clients at once, a standard output whose reader stops reading or leaves, a start with
// every low descriptor already taken, and the flags they share.
#pragma once

#include "fd_limit.hpp"
#include "process.hpp"

#include <dirent.h>
#include <limits.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace testing {

// A plain non-blocking TCP client, driven by the test.
struct echo_client {
    asyncore::socket sock;
    std::string to_send, received;
    std::size_t sent = 0;
    bool ended = false;  // end of file or an error: nothing more will come

    // `receive_buffer` > 0 sets SO_RCVBUF before connecting: a small one makes a slow reader
    // whose bytes cannot hide in the kernel's buffers.
    explicit echo_client(const asyncore::address& server, int receive_buffer = 0)
        : sock(asyncore::socket::create(server.family())) {
        if (receive_buffer > 0)
            ::setsockopt(sock.fileno(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
        int rc = sock.connect_ex(server);
        if (rc != 0 && rc != EINPROGRESS) throw std::runtime_error("connect: " + asyncore::strerror(rc));
    }
    // Sends what the kernel takes and reads what has come back (at most `read_limit` bytes).
    void pump(std::size_t read_limit = 1 << 20) {
        if (sent < to_send.size()) {
            std::size_t n_max = std::min<std::size_t>(to_send.size() - sent, 65536);
            ssize_t n = ::send(sock.fileno(), to_send.data() + sent, n_max, MSG_NOSIGNAL);
            if (n > 0) sent += static_cast<std::size_t>(n);
        }
        char buffer[65536];
        ssize_t n = ::recv(sock.fileno(), buffer, std::min(sizeof buffer, read_limit), 0);
        if (n > 0) received.append(buffer, static_cast<std::size_t>(n));
        ended = ended || n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
    }
    bool done() const { return received.size() >= to_send.size(); }
};

// How many of the sockets `fds`, each connecting without blocking, have finished connecting
// within `seconds`. Run it before the server's loop accepts anyone: the connections that finish
// are those the listener's queue (its listen() backlog) holds, a few more than the backlog.
inline std::size_t connected_within(const std::vector<int>& fds, double seconds) {
    std::vector<pollfd> polled;
    for (int fd : fds) polled.push_back({fd, POLLOUT, 0});
    auto deadline = clock::now() + std::chrono::duration<double>(seconds);
    std::size_t connected = 0;
    do {
        ::poll(polled.data(), polled.size(), 50);
        connected = 0;
        for (const auto& p : polled) {
            int error = 0;
            socklen_t size = sizeof error;
            ::getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &error, &size);
            connected += (p.revents & POLLOUT) && error == 0;
        }
    } while (connected < fds.size() && clock::now() < deadline);
    return connected;
}

// `messages.size()` clients connect to `where` at once, all of them before any sends; client i
// sends messages[i]. Pumps them all until `answered(client)` holds for each (or its connection
// ended), or `seconds` pass.
inline std::vector<std::unique_ptr<echo_client>> exchange_at_once(
    const asyncore::address& where, const std::vector<std::string>& messages,
    const std::function<bool(const echo_client&)>& answered, double seconds = 30.0) {
    std::vector<std::unique_ptr<echo_client>> clients;
    for (const auto& message : messages) {
        clients.push_back(std::make_unique<echo_client>(where));
        clients.back()->to_send = message;
    }
    std::vector<pollfd> fds;
    for (auto& c : clients) fds.push_back({c->sock.fileno(), POLLIN | POLLOUT, 0});
    auto deadline = clock::now() + std::chrono::duration<double>(seconds);
    for (std::size_t finished = 0; finished < clients.size() && clock::now() < deadline;) {
        ::poll(fds.data(), fds.size(), 100);
        finished = 0;
        for (std::size_t i = 0; i < clients.size(); ++i) {
            if (fds[i].revents && !answered(*clients[i])) clients[i]->pump();
            fds[i].events = clients[i]->sent < clients[i]->to_send.size() ? POLLIN | POLLOUT : POLLIN;
            finished += answered(*clients[i]) || clients[i]->ended;
        }
    }
    return clients;
}

// exchange_at_once() for echoes: each client is answered once it has as many bytes back as it sent.
inline std::vector<std::unique_ptr<echo_client>> echo_at_once(const asyncore::address& where,
                                                              const std::vector<std::string>& lines,
                                                              double seconds = 30.0) {
    return exchange_at_once(where, lines, [](const echo_client& c) { return c.done(); }, seconds);
}

// One client of 127.0.0.1:`port` sends `message` and gets back what comes within `seconds`.
inline std::string echo_of(std::uint16_t port, const std::string& message, double seconds = patience) {
    auto clients = echo_at_once(asyncore::address("127.0.0.1", port), {message}, seconds);
    return clients.front()->received;
}

// The target of a symbolic link such as /proc/self/fd/3 ("pipe:[1234]"), or "".
inline std::string link_target(const std::string& path) {
    char buffer[PATH_MAX];
    ssize_t n = ::readlink(path.c_str(), buffer, sizeof buffer);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

// How many descriptors `program` has open now.
inline std::size_t open_descriptors(const child_process& program) {
    std::size_t n = 0;
    if (DIR* fds = ::opendir(("/proc/" + std::to_string(program.pid()) + "/fd").c_str())) {
        while (dirent* entry = ::readdir(fds)) n += entry->d_name[0] != '.';
        ::closedir(fds);
    }
    return n;
}

// The path of `program`'s standard output, opened again through /proc.
inline std::string stdout_of(const child_process& program) {
    return "/proc/" + std::to_string(program.pid()) + "/fd/1";
}

// The reader of `program`'s standard output (this process, through child_process's pipe) goes
// away, as `| head -1` does once it has its line: that descriptor here becomes /dev/null. The
// program's next write to stdout meets a pipe nobody reads: EPIPE, and SIGPIPE.
inline void stop_reading_stdout(const child_process& program) {
    const std::string pipe = link_target(stdout_of(program));
    REQUIRE(pipe.rfind("pipe:", 0) == 0);
    fd_guard null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    int replaced = 0;
    DIR* fds = ::opendir("/proc/self/fd");
    REQUIRE(fds);
    while (dirent* entry = ::readdir(fds)) {
        int fd = std::atoi(entry->d_name);
        if (fd > 2 && link_target("/proc/self/fd/" + std::to_string(fd)) == pipe &&
            (::fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY && ::dup3(null.get(), fd, O_CLOEXEC) == fd)
            ++replaced;
    }
    ::closedir(fds);
    REQUIRE(replaced == 1);
}

// Fills `program`'s standard output pipe with "filler\n" lines until it takes no more, as a reader
// that stopped reading long ago would leave it. Returns how many lines went in. (The pipe opened
// again through /proc is a descriptor of its own: O_NONBLOCK here does not touch the program's.)
inline std::size_t fill_stdout(const child_process& program) {
    fd_guard writer(::open(stdout_of(program).c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
    REQUIRE(writer.get() >= 0);
    std::size_t lines = 0;
    while (::write(writer.get(), "filler\n", 7) == 7) ++lines;
    REQUIRE(errno == EAGAIN);
    return lines;
}

// While it lives, every descriptor from 3 to `below` - 1 is open and passed on to the programs
// this process starts (free ones hold /dev/null; taken ones lose close-on-exec meanwhile): a
// program started meanwhile gets its first descriptor at `below` or above. Raise this process's
// descriptor limit above `below` first (fd_limit.hpp); the program inherits it.
class low_descriptors_taken {
public:
    explicit low_descriptors_taken(int below) : null_(::open("/dev/null", O_RDONLY)) {
        for (int fd = 3; fd < below; ++fd) {
            int flags = ::fcntl(fd, F_GETFD);
            if (flags < 0 && ::dup2(null_, fd) == fd) {
                added_.push_back(fd);
            } else if (flags >= 0 && (flags & FD_CLOEXEC)) {
                ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
                inherited_.push_back(fd);
            }
        }
    }
    ~low_descriptors_taken() {
        for (int fd : added_) ::close(fd);
        for (int fd : inherited_) ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
        ::close(null_);
    }
    low_descriptors_taken(const low_descriptors_taken&) = delete;
    low_descriptors_taken& operator=(const low_descriptors_taken&) = delete;

private:
    int null_;
    std::vector<int> added_, inherited_;
};

// `argv` started (stdout and stderr on one pipe) with descriptors 3 to 1029 taken, and a limit
// that allows more: its first socket is fd 1030, past what select() can watch (FD_SETSIZE, 1024).
inline std::unique_ptr<child_process> start_with_low_descriptors_taken(std::vector<std::string> argv) {
    fd_limit more(fd_limit::direction::at_least, 2048);  // the program inherits it
    REQUIRE(more.ok());
    low_descriptors_taken taken(1030);
    return std::make_unique<child_process>(std::move(argv), true);
}

// A server program (`argv`) whose listening socket select() cannot watch says so in one line and
// exits 1, and never says "listening on".
inline void check_fails_before_listening(const std::vector<std::string>& argv) {
    auto server = start_with_low_descriptors_taken(argv);
    std::string output = server->read_all();
    std::string name = argv[0].substr(argv[0].rfind('/') + 1);
    INFO("output: " << output);
    CHECK(output.find("listening on") == std::string::npos);
    CHECK(output.rfind(name + ": the listening socket is fd 1030, at or above FD_SETSIZE", 0) == 0);
    CHECK(std::count(output.begin(), output.end(), '\n') == 1);
    CHECK(server->wait() == 1);
}

// A server program (`argv`) with -q, and with --quiet, prints its "listening on" line and nothing
// more while a client's line comes back through it (the echo server, or a forwarder to it).
inline void check_quiet(const std::vector<std::string>& argv) {
    for (const char* flag : {"-q", "--quiet"}) {
        std::vector<std::string> args = argv;
        args.push_back(flag);
        child_process server(args);
        auto line = server.read_line();
        REQUIRE(line);
        auto port = port_from_listening_line(*line);
        REQUIRE(port != 0);
        CHECK(echo_of(port, "quiet, please\n") == "quiet, please\n");
        server.signal(SIGTERM);
        CHECK(server.read_all() == "");
    }
}

// `program --help` names the servers' common flags, and exits 0.
inline void check_help_names_backends_and_quiet(const std::string& program) {
    child_process server({program, "--help"});
    std::string help = server.read_all();
    CHECK_THAT(help, contains("--poll"));
    CHECK_THAT(help, contains("--epoll"));
    CHECK_THAT(help, contains("-q, --quiet"));
    CHECK(server.wait() == 0);
}

// A server program (`argv`) given both --poll and --epoll says that they exclude each other,
// prints its usage, and exits 2 without listening.
inline void check_refuses_poll_and_epoll(const std::vector<std::string>& argv) {
    std::string name = argv[0].substr(argv[0].rfind('/') + 1);
    for (auto both : {std::vector<std::string>{"--poll", "--epoll"}, std::vector<std::string>{"--epoll", "--poll"}}) {
        std::vector<std::string> args = argv;
        args.insert(args.end(), both.begin(), both.end());
        child_process server(args, true);
        std::string output = server.read_all();
        INFO("arguments: " << Catch::Detail::stringify(args) << "\noutput: " << output);
        CHECK(output.rfind(name + ": --poll and --epoll each choose the backend: give one of them\n", 0) == 0);
        CHECK_THAT(output, contains("usage: " + name));
        CHECK(output.find("\nlistening on ") == std::string::npos);  // the usage says "(listening on is ...)"
        CHECK(server.wait() == 2);
    }
}

// The server program `argv` (an echo server, or a forwarder to one) serves `n` clients connected
// at once: client i sends "client i of n", and each must get exactly its own line back within
// `seconds`. The server holds them all at once: it has more than `n` descriptors open. The
// descriptor limit of this process (`n` client sockets) and of the server (which inherits it) is
// raised to `descriptors` for the test; where the hard limit is lower, the test is skipped.
inline void check_serves_at_once(const std::vector<std::string>& argv, int n, rlim_t descriptors, double seconds) {
    fd_limit more(fd_limit::direction::at_least, descriptors);  // the server inherits it
    if (!more.possible()) SKIP("the hard descriptor limit is below " << descriptors << " (ulimit -Hn)");
    REQUIRE(more.ok());
    child_process server(argv);
    auto line = server.read_line(10.0);
    INFO("first line: " << line.value_or("(none)"));
    REQUIRE(line);
    auto port = port_from_listening_line(*line);
    REQUIRE(port != 0);
    std::vector<std::string> lines;
    for (int i = 0; i < n; ++i) lines.push_back("client " + std::to_string(i) + " of " + std::to_string(n) + "\n");
    auto clients = echo_at_once(asyncore::address("127.0.0.1", port), lines, seconds);
    int served = 0;
    for (const auto& c : clients) served += c->received == c->to_send;
    INFO(served << " of " << n << " clients got their own line back");
    CHECK(served == n);
    INFO("the server holds every connection at once");
    CHECK(testing::open_descriptors(server) > static_cast<std::size_t>(n));
}

// `program` with no flag listens on 127.0.0.1:8080 (or, where the port is taken, says so in a line
// that names it, and exits 1).
inline void check_listens_by_default(const std::string& program) {
    child_process server({program}, true);
    auto line = server.read_line();
    REQUIRE(line);
    if (line->find("Address already in use") != std::string::npos) {
        INFO("port 8080 is taken on this machine; the error must still name it");
        CHECK_THAT(*line, contains("127.0.0.1:8080"));
        CHECK(server.wait() == 1);
    } else {
        CHECK(*line == "listening on 127.0.0.1:8080");
    }
}

// `program --help` names --idle-timeout and --max-connections with their defaults, and exits 0.
inline void check_help_names_limits(const std::string& program) {
    child_process server({program, "--help"});
    std::string help = server.read_all();
    CHECK_THAT(help, contains("--idle-timeout SECONDS"));
    CHECK_THAT(help, contains("--max-connections N"));
    CHECK_THAT(help, contains("(default 10000, or fewer if ulimit -n allows fewer"));
    CHECK(server.wait() == 0);
}

}  // namespace testing
