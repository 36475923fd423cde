// loadgen: the echo benchmark's client. Uses epoll directly (not the course's library), so the
// client is never the bottleneck being measured.
//
//   loadgen --host 127.0.0.1 --port P [--conns N] [--size S] [--depth K] [--seconds T] [--trips M]
//
// Each of N connections sends messages of S bytes and keeps K of them in flight (K = 1 is
// ping-pong: send one, wait for all of its echo, send the next). Every echoed byte is checked
// against what was sent. It stops after T seconds or M round trips in all, whichever comes first,
// and prints one line of key=value pairs: trips, trips_per_s, mb_per_s (echoed payload), and the
// latency of a round trip (first byte sent to last byte back) at p50 and p99, in microseconds.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

constexpr std::size_t pattern_period = 251;  // a prime: a shifted or lost byte shows at once
constexpr std::size_t max_chunk = 256 * 1024;

struct connection {
    int fd = -1;
    std::size_t shift = 0;            // this connection's offset into the pattern
    unsigned long long sent = 0;      // bytes written so far
    unsigned long long received = 0;  // bytes echoed back and checked so far
    unsigned long long messages_sent = 0;
    std::vector<clock_type::time_point> started;  // ring of K: when each message in flight began
    bool want_out = false;
};

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "loadgen: %s: %s\n", what.c_str(), errno ? std::strerror(errno) : "");
    std::exit(1);
}

long number(const char* text, const char* name) {
    char* end = nullptr;
    long value = std::strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value < 0) {
        std::fprintf(stderr, "loadgen: %s: not a number: %s\n", name, text);
        std::exit(2);
    }
    return value;
}

}  // namespace

int main(int argc, char* argv[]) {
    std::string host = "127.0.0.1";
    long port = 0, conns = 1, size = 64, depth = 1, trips_max = 1000000000L;
    double seconds = 3.0;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string opt = argv[i];
        const char* val = argv[i + 1];
        if (opt == "--host") host = val;
        else if (opt == "--port") port = number(val, "--port");
        else if (opt == "--conns") conns = number(val, "--conns");
        else if (opt == "--size") size = number(val, "--size");
        else if (opt == "--depth") depth = number(val, "--depth");
        else if (opt == "--trips") trips_max = number(val, "--trips");
        else if (opt == "--seconds") seconds = std::atof(val);
        else {
            std::fprintf(stderr, "loadgen: unknown option %s\n", opt.c_str());
            return 2;
        }
    }
    if (port <= 0 || port > 65535 || conns < 1 || size < 1 || depth < 1 || seconds <= 0 || seconds > 600) {
        std::fprintf(stderr,
                     "usage: loadgen --host H --port P [--conns N] [--size S] [--depth K] [--seconds T] "
                     "[--trips M]\n");
        return 2;
    }
    const auto S = static_cast<std::size_t>(size);
    const auto K = static_cast<std::size_t>(depth);

    std::vector<unsigned char> pattern(pattern_period + max_chunk);
    for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<unsigned char>(i % pattern_period);

    sockaddr_in where{};
    where.sin_family = AF_INET;
    where.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::inet_pton(AF_INET, host.c_str(), &where.sin_addr) != 1) fail("not an IPv4 address: " + host);

    int ep = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) fail("epoll_create1");
    std::vector<connection> cs(static_cast<std::size_t>(conns));
    for (std::size_t i = 0; i < cs.size(); ++i) {
        connection& c = cs[i];
        c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (c.fd < 0) fail("socket");
        int on = 1;
        ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        if (::connect(c.fd, reinterpret_cast<sockaddr*>(&where), sizeof where) < 0) fail("connect");
        ::fcntl(c.fd, F_SETFL, ::fcntl(c.fd, F_GETFL) | O_NONBLOCK);
        c.shift = (i * 7) % pattern_period;
        c.started.resize(K);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        if (::epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev) < 0) fail("epoll_ctl");
    }

    std::vector<float> latencies;  // microseconds, one per round trip
    latencies.reserve(1 << 20);
    unsigned long long trips = 0;
    bool stopping = false;
    std::vector<unsigned char> in(max_chunk);
    const auto begin = clock_type::now();
    const auto deadline = begin + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds));
    auto last_progress = begin;

    // Writes what connection c may send now: up to K messages beyond the last one fully echoed.
    auto pump = [&](std::size_t i) {
        connection& c = cs[i];
        for (;;) {
            unsigned long long done = c.received / S;
            if (!stopping) {
                while (c.messages_sent < done + K && c.messages_sent * S <= c.sent) {
                    c.started[c.messages_sent % K] = clock_type::now();
                    ++c.messages_sent;
                }
            }
            unsigned long long target = c.messages_sent * S;
            if (c.sent >= target) break;
            std::size_t len = static_cast<std::size_t>(std::min<unsigned long long>(target - c.sent, max_chunk));
            ssize_t n = ::send(c.fd, pattern.data() + (c.sent + c.shift) % pattern_period, len, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                fail("send");
            }
            c.sent += static_cast<unsigned long long>(n);
        }
        bool want = c.sent < c.messages_sent * S;
        if (want != c.want_out) {
            epoll_event ev{};
            ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
            ev.data.u64 = i;
            ::epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
            c.want_out = want;
        }
    };

    for (std::size_t i = 0; i < cs.size(); ++i) pump(i);
    std::vector<epoll_event> events(cs.size());
    for (;;) {
        auto now = clock_type::now();
        if (!stopping && (now >= deadline || trips >= static_cast<unsigned long long>(trips_max))) stopping = true;
        if (stopping) break;
        if (now - last_progress > std::chrono::seconds(10)) {
            errno = 0;
            fail("no echo for 10 s (the server stalled or died)");
        }
        int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("epoll_wait");
        }
        for (int e = 0; e < n; ++e) {
            std::size_t i = events[static_cast<std::size_t>(e)].data.u64;
            connection& c = cs[i];
            if (events[static_cast<std::size_t>(e)].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
                ssize_t got = ::recv(c.fd, in.data(), in.size(), 0);
                if (got == 0) {
                    errno = 0;
                    fail("the server closed connection " + std::to_string(i));
                }
                if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK) fail("recv");
                if (got > 0) {
                    auto count = static_cast<std::size_t>(got);
                    if (c.received + count > c.sent) {
                        errno = 0;
                        fail("more bytes echoed than were sent");
                    }
                    if (std::memcmp(in.data(), pattern.data() + (c.received + c.shift) % pattern_period, count) != 0) {
                        errno = 0;
                        fail("echoed bytes differ from those sent, near offset " + std::to_string(c.received));
                    }
                    unsigned long long before = c.received / S;
                    c.received += count;
                    unsigned long long after = c.received / S;
                    if (after > before) {
                        auto t = clock_type::now();
                        for (unsigned long long m = before; m < after; ++m) {
                            latencies.push_back(std::chrono::duration<float, std::micro>(t - c.started[m % K]).count());
                        }
                        trips += after - before;
                        last_progress = t;
                    }
                }
            }
            pump(i);
        }
    }
    double elapsed = std::chrono::duration<double>(clock_type::now() - begin).count();
    for (auto& c : cs) ::close(c.fd);
    ::close(ep);

    float p50 = 0, p99 = 0;
    if (!latencies.empty()) {
        auto at = [&](double q) {
            auto k = static_cast<std::size_t>(q * static_cast<double>(latencies.size() - 1));
            std::nth_element(latencies.begin(), latencies.begin() + static_cast<long>(k), latencies.end());
            return latencies[k];
        };
        p50 = at(0.50);
        p99 = at(0.99);
    }
    std::printf("loadgen conns=%ld size=%ld depth=%ld trips=%llu seconds=%.3f trips_per_s=%.0f mb_per_s=%.2f "
                "p50_us=%.1f p99_us=%.1f\n",
                conns, size, depth, trips, elapsed, static_cast<double>(trips) / elapsed,
                static_cast<double>(trips) * static_cast<double>(S) / elapsed / 1e6, static_cast<double>(p50),
                static_cast<double>(p99));
    return trips > 0 ? 0 : 1;
}
