// Chapter 07: a server that runs out of file descriptors keeps its listening socket, does not
// spin, and serves again once descriptors free up.
#include "fd_limit.hpp"
#include "harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>

#include <vector>

namespace {

// Keeps every connection it accepts, so that descriptors run out.
class hoarder : public asyncore::dispatcher {
public:
    explicit hoarder(asyncore::channel_map& map) : dispatcher(&map) {
        create_socket(AF_INET, SOCK_STREAM);
        bind(asyncore::address("127.0.0.1", 0));
        listen(16);
    }
    std::vector<asyncore::socket> kept;
    int errors = 0;
    void handle_accepted(asyncore::socket sock, const asyncore::address&) override { kept.push_back(std::move(sock)); }
    void handle_error() override {
        ++errors;
        dispatcher::handle_error();
    }
};

std::uint16_t port_of(int fd) {
    sockaddr_in where{};
    socklen_t size = sizeof where;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&where), &size) != 0) throw std::runtime_error("getsockname");
    return ntohs(where.sin_port);
}

// A client socket connected (the kernel completes it in the listen queue) to `port`.
testing::fd_guard connect_to(std::uint16_t port) {
    testing::fd_guard fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in where{};
    where.sin_family = AF_INET;
    where.sin_port = htons(port);
    where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd.get() < 0 || ::connect(fd.get(), reinterpret_cast<sockaddr*>(&where), sizeof where) != 0)
        throw std::runtime_error("connect failed: " + asyncore::strerror(errno));
    return fd;
}

}  // namespace

TEST_CASE("a server out of file descriptors closes waiting connections and keeps listening", "[close][limits]") {
#ifdef __SANITIZE_ADDRESS__
    // UndefinedBehaviorSanitizer's vptr check opens a pipe to probe memory: with no descriptor
    // left it reports every virtual call as invalid. The Release build runs this test.
    SKIP("the sanitizers' runtime needs file descriptors of its own");
#endif
    asyncore::channel_map map;
    hoarder server(map);
    std::uint16_t port = port_of(server.fileno());
    std::vector<testing::fd_guard> clients;
    for (int i = 0; i < 3; ++i) clients.push_back(connect_to(port));

    // While every descriptor is taken, nothing but the loop runs: no assertion, no output (the
    // test framework and the sanitizers' runtimes may need a descriptor of their own).
    int fill_error = 0;
    std::string log;
    {
        testing::fd_limit limit(testing::fd_limit::direction::at_most, 512);
        std::vector<testing::fd_guard> fillers;
        for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) fillers.emplace_back(fd);
        fill_error = errno;
        testing::captured_output output;
        for (int pass = 0; pass < 3; ++pass) asyncore::loop(0.05, testing::use_poll, &map, 1);
        log = output.out();
    }  // descriptors free again
    REQUIRE(fill_error == EMFILE);

    INFO("log: " << log);
    INFO("hint: accept() failed with EMFILE; the library must shed the connection, not throw");
    CHECK(server.errors == 0);
    CHECK(server.accepting);
    CHECK(map.size() == 1);
    CHECK(server.kept.empty());
    CHECK_THAT(log, testing::contains("Too many open files"));
    INFO("each waiting client was accepted into the reserve descriptor and closed: it sees the end");
    for (auto& client : clients) CHECK(testing::peer_gone(client.get(), 1.0));

    auto late = connect_to(port);
    REQUIRE(testing::run_until(map, [&] { return !server.kept.empty(); }));
    INFO("with descriptors to spare the same server accepts as before");
    CHECK(server.kept.size() == 1);
}
