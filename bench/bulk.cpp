// bulk: the forwarding benchmark's bulk transfer, verified end to end.
//   bulk --serve BYTES          listen on a free loopback port, print "listening on HOST:PORT",
//                               and send BYTES bytes of a fixed pattern to each client, then close
//   bulk --port P --bytes BYTES connect, read to end of file, check every byte and the count,
//                               print "bulk bytes=N seconds=S mb_per_s=X"; exit 1 if wrong
// The same pattern as loadgen's (period 251), so a lost, doubled or reordered chunk shows.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr std::size_t period = 251;
constexpr std::size_t chunk = 256 * 1024;

int fail(const char* what) {
    std::perror(what);
    return 1;
}

}  // namespace

int main(int argc, char* argv[]) {
    std::vector<unsigned char> pattern(period + chunk);
    for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<unsigned char>(i % period);
    sockaddr_in where{};
    where.sin_family = AF_INET;
    where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (argc == 3 && std::string(argv[1]) == "--serve") {
        unsigned long long total = std::strtoull(argv[2], nullptr, 10);
        int listener = ::socket(AF_INET, SOCK_STREAM, 0);
        int on = 1;
        ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        socklen_t len = sizeof where;
        if (::bind(listener, reinterpret_cast<sockaddr*>(&where), sizeof where) < 0 || ::listen(listener, 16) < 0)
            return fail("bulk: listen");
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&where), &len);
        std::printf("listening on 127.0.0.1:%u\n", static_cast<unsigned>(ntohs(where.sin_port)));
        std::fflush(stdout);
        for (;;) {  // one client at a time: the benchmark runs one transfer at a time
            int fd = ::accept(listener, nullptr, nullptr);
            if (fd < 0) continue;
            unsigned long long sent = 0;
            while (sent < total) {
                std::size_t n = static_cast<std::size_t>(std::min<unsigned long long>(total - sent, chunk));
                ssize_t w = ::send(fd, pattern.data() + sent % period, n, MSG_NOSIGNAL);
                if (w <= 0) break;
                sent += static_cast<unsigned long long>(w);
            }
            ::close(fd);
        }
    }
    if (argc == 5 && std::string(argv[1]) == "--port" && std::string(argv[3]) == "--bytes") {
        where.sin_port = htons(static_cast<std::uint16_t>(std::strtol(argv[2], nullptr, 10)));
        unsigned long long total = std::strtoull(argv[4], nullptr, 10);
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        auto start = std::chrono::steady_clock::now();
        if (::connect(fd, reinterpret_cast<sockaddr*>(&where), sizeof where) < 0) return fail("bulk: connect");
        std::vector<unsigned char> in(chunk);
        unsigned long long got = 0;
        for (;;) {
            ssize_t n = ::recv(fd, in.data(), in.size(), 0);
            if (n < 0) return fail("bulk: recv");
            if (n == 0) break;
            auto count = static_cast<std::size_t>(n);
            if (got + count > total || std::memcmp(in.data(), pattern.data() + got % period, count) != 0) {
                std::fprintf(stderr, "bulk: wrong bytes near offset %llu\n", got);
                return 1;
            }
            got += count;
        }
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (got != total) {
            std::fprintf(stderr, "bulk: got %llu bytes of %llu\n", got, total);
            return 1;
        }
        std::printf("bulk bytes=%llu seconds=%.3f mb_per_s=%.1f\n", got, seconds,
                    static_cast<double>(got) / seconds / 1e6);
        return 0;
    }
    std::fprintf(stderr, "usage: bulk --serve BYTES | bulk --port P --bytes BYTES\n");
    return 2;
}
