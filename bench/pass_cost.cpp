// pass_cost: what one loop pass costs, with 1 busy channel and N idle ones, on select(), poll()
// and epoll (chapter 15).
//   pass_cost [MAX_N]     (default 10000; select() stops at 1000, FD_SETSIZE being 1024)
//   pass_cost --timers T  (1 busy and 100 idle channels, with no timer and then with T pending)
// The busy channel is one end of a socket pair: each pass it reads one byte and writes one back
// through the other end, so every pass has exactly one event. The idle channels are unconnected
// UDP sockets nobody sends to: watched for reading, never ready. Each pass still asks every
// channel readable() and writable(); select() and poll() hand all N + 1 descriptors to the kernel,
// epoll only the changes (none, once the idle channels are registered) and hears of the one ready.
// That is what this measures. One line per backend and N: "pass_cost backend=select idle=N
// ns_per_pass=X" (backend: select, poll, epoll). The passes of one N run on one map: the epoll
// instance and its interest list are made in the warm-up.
// With --timers, the map also holds T pending timers (chapter 12), due in an hour, so none runs:
// what they cost a pass is wait_bound() and run_due() looking at the nearest one. Five runs with
// and five without, alternating; the median of each. One line per backend and T:
// "pass_cost_timers backend=select idle=100 timers=T ns_per_pass=X".
#include <asyncore/asyncore.hpp>

#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace {

class busy_channel : public asyncore::dispatcher {
public:
    busy_channel(asyncore::socket sock, int peer, asyncore::channel_map* map)
        : dispatcher(std::move(sock), map), peer_(peer) {}
    bool writable() override { return false; }
    void handle_read() override {
        char byte = 0;
        recv_into(&byte, 1);
        ++events;
        if (::send(peer_, &byte, 1, MSG_NOSIGNAL) != 1) std::abort();
    }
    long events = 0;

private:
    int peer_;
};

class idle_channel : public asyncore::dispatcher {
public:
    using dispatcher::dispatcher;
    bool writable() override { return false; }
};

double ns_per_pass(asyncore::backend_choice backend, int idle, int timers = 0) {
    asyncore::channel_map map;
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) != 0) std::abort();
    auto busy = asyncore::make<busy_channel>(asyncore::socket(pair[0]), pair[1], &map);
    for (int i = 0; i < idle; ++i) {
        int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            std::perror("pass_cost: socket");
            std::exit(1);
        }
        asyncore::make<idle_channel>(asyncore::socket(fd), &map);
    }
    for (int i = 0; i < timers; ++i)  // far away and all different: the heap is a real one
        asyncore::call_later(3600.0 + i * 1e-3, [] { std::abort(); }, &map);
    char byte = 'x';
    if (::send(pair[1], &byte, 1, MSG_NOSIGNAL) != 1) std::abort();
    asyncore::loop(1.0, backend, &map, 200L);  // warm up
    // Enough passes for about a quarter of a second at 1 us per descriptor, at most 200000.
    long passes = std::min(200000L, std::max(200L, 250000L / (idle + 1)));
    long before = busy->events;
    auto start = std::chrono::steady_clock::now();
    asyncore::loop(1.0, backend, &map, passes);
    double elapsed = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    if (busy->events - before != passes) {
        std::fprintf(stderr, "pass_cost: %ld passes but %ld events\n", passes, busy->events - before);
        std::exit(1);
    }
    if (map.timers().size() != static_cast<std::size_t>(timers)) std::abort();
    asyncore::close_all(&map);
    map.timers().clear();
    ::close(pair[1]);
    return elapsed / static_cast<double>(passes);
}

const char* name_of(asyncore::backend_choice backend) {
    switch (backend.which()) {
        case asyncore::backend::select: return "select";
        case asyncore::backend::poll: return "poll";
        case asyncore::backend::epoll: return "epoll";
    }
    return "?";
}

}  // namespace

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// --timers T: the same pass with no timer and with T pending, on both backends.
void timer_cost(int timers) {
    const int idle = 100;
    for (bool use_poll : {false, true}) {
        std::vector<double> without, with;
        for (int run = 0; run < 5; ++run) {
            without.push_back(ns_per_pass(use_poll, idle));
            with.push_back(ns_per_pass(use_poll, idle, timers));
        }
        for (int t : {0, timers})
            std::printf("pass_cost_timers backend=%s idle=%d timers=%d ns_per_pass=%.0f\n", use_poll ? "poll" : "select",
                        idle, t, median(t == 0 ? without : with));
        std::fflush(stdout);
    }
}

int main(int argc, char* argv[]) {
    if (argc > 2 && std::strcmp(argv[1], "--timers") == 0) {
        timer_cost(static_cast<int>(std::strtol(argv[2], nullptr, 10)));
        return 0;
    }
    long max_n = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 10000;
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    rlim_t want = static_cast<rlim_t>(max_n) + 64;
    if (limit.rlim_cur < want) {
        limit.rlim_cur = std::min(want, limit.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    const int counts[] = {10, 100, 1000, 3000, 10000};
    for (asyncore::backend_choice backend :
         {asyncore::backend_choice(false), asyncore::backend_choice(true), asyncore::backend_choice(asyncore::backend::epoll)}) {
        for (int n : counts) {
            if (n > max_n || (backend.which() == asyncore::backend::select && n > 1000)) continue;
            if (static_cast<rlim_t>(n) + 64 > limit.rlim_cur) {
                std::fprintf(stderr, "pass_cost: skipping %d idle: RLIMIT_NOFILE is %ld\n", n,
                             static_cast<long>(limit.rlim_cur));
                continue;
            }
            std::printf("pass_cost backend=%s idle=%d ns_per_pass=%.0f\n", name_of(backend), n, ns_per_pass(backend, n));
            std::fflush(stdout);
        }
    }
}
