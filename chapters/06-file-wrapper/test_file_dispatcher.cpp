// Chapter 06: file_dispatcher, pipes and files in the loop (Python's asyncore.file_dispatcher).
#include "file_helpers.hpp"

#include <csignal>

namespace {

// Reads whatever arrives and records the handlers that ran.
class file_reader : public asyncore::file_dispatcher {
public:
    file_reader(int fd, asyncore::channel_map& map, testing::trace& log) : file_dispatcher(fd, &map), log_(log) {}
    std::string received;
    bool writable() override { return false; }
    void handle_read() override {
        log_("read");
        received += recv(29);  // 29: the size test_asyncore reads with
    }
    void handle_close() override {
        log_("close");
        close();
    }

private:
    testing::trace& log_;
};

// Writes `pending` as the descriptor takes it.
class file_writer : public asyncore::file_dispatcher {
public:
    file_writer(int fd, asyncore::channel_map& map, std::string data)
        : file_dispatcher(fd, &map), pending(std::move(data)) {}
    std::string pending;
    int closes = 0;
    bool readable() override { return false; }
    bool writable() override { return !pending.empty(); }
    void handle_write() override { pending.erase(0, send(pending)); }
    void handle_close() override {
        ++closes;
        close();
    }
};

}  // namespace

TEST_CASE("a file_dispatcher starts connected and registered under its own duplicate", "[file_dispatcher]") {
    asyncore::channel_map map;
    testing::trace events;
    auto p = testing::make_pipe();

    file_reader reader(p.read_end.get(), map, events);

    CHECK(reader.connected);
    CHECK(reader.fileno() != p.read_end.get());
    CHECK(map.get(reader.fileno()) == &reader);
    CHECK(map.get(p.read_end.get()) == nullptr);
}

TEST_CASE("file_dispatcher makes the caller's descriptor non-blocking too because O_NONBLOCK is shared",
          "[file_dispatcher]") {
    asyncore::channel_map map;
    testing::trace events;
    auto p = testing::make_pipe();
    REQUIRE_FALSE(testing::is_nonblocking(p.read_end.get()));

    file_reader reader(p.read_end.get(), map, events);

    CHECK(testing::is_nonblocking(reader.fileno()));
    INFO("O_NONBLOCK belongs to the open file, which the duplicate shares: the caller's descriptor "
         "(the shell's, for standard input) is non-blocking now as well");
    CHECK(testing::is_nonblocking(p.read_end.get()));
    char c;
    errno = 0;
    CHECK(::read(p.read_end.get(), &c, 1) == -1);
    CHECK(errno == EAGAIN);
}

TEST_CASE("what a child process writes into a pipe arrives whole and in order then EOF is one handle_close",
          "[file_dispatcher]") {
    asyncore::channel_map map;
    testing::trace events;
    auto p = testing::make_pipe();
    std::string expected;
    for (int i = 0; i < 2000; ++i) expected += "line " + std::to_string(i) + " of what the child writes\n";

    testing::child_process child([&] {
        ::close(p.read_end.get());
        std::string_view rest = expected;
        for (std::size_t piece = 1; !rest.empty(); ++piece) {  // uneven pieces, 1 to 5000 bytes
            std::size_t n = std::min(rest.size(), piece * 97 % 5000 + 1);
            if (::write(p.write_end.get(), rest.data(), n) != static_cast<ssize_t>(n)) return 1;
            rest.remove_prefix(n);
        }
        return 0;
    });
    ::close(p.write_end.release());  // the child holds the only writing end: its exit is our EOF

    file_reader reader(p.read_end.get(), map, events);
    bool closed = testing::run_until(map, [&] { return map.empty(); });

    CHECK(testing::child_process::describe(child.wait()) == "exited with status 0");
    REQUIRE(closed);
    CHECK(reader.received.size() == expected.size());
    CHECK(reader.received == expected);
    INFO("end of file (read() returning 0) must become exactly one handle_close, after the last read");
    CHECK(events.count("close") == 1);
    CHECK(events.events.back() == "close");
}

TEST_CASE("the caller's descriptor stays open and usable after the channel closes its copy", "[file_dispatcher]") {
    asyncore::channel_map map;
    auto p = testing::make_pipe();
    int duplicate;
    {
        file_writer writer(p.write_end.get(), map, "through the channel\n");
        duplicate = writer.fileno();
        REQUIRE(testing::run_until(map, [&] { return writer.pending.empty(); }));
        writer.close();
        CHECK(map.empty());
    }
    CHECK_FALSE(testing::is_open(duplicate));
    REQUIRE(testing::is_open(p.write_end.get()));
    testing::write_all(p.write_end.get(), "through the original\n");
    CHECK(testing::read_some(p.read_end.get(), 41) == "through the channel\nthrough the original\n");
}

TEST_CASE("a file_dispatcher reads a 29-byte file fully within loop(count=2) and closes at EOF",
          "[file_dispatcher]") {
    const std::string data = "It's not dead, it's sleeping!";
    REQUIRE(data.size() == 29);
    testing::temp_file file(data);
    asyncore::channel_map map;
    testing::trace events;
    int fd = file.open(O_RDONLY);
    file_reader reader(fd, map, events);
    ::close(fd);  // as test_asyncore does: the channel reads through its own duplicate

    asyncore::loop(0.01, testing::use_poll, &map, 2);

    CHECK(reader.received == data);
    INFO("a regular file is always 'ready' to select(): pass 1 reads 29 bytes, pass 2 reads end of "
         "file, and recv() calls handle_close() from inside handle_read()");
    CHECK(events.events == std::vector<std::string>{"read", "read", "close"});
    CHECK(map.empty());
}

TEST_CASE("a regular file at end of file is still reported readable", "[file_dispatcher]") {
    testing::temp_file file("");
    asyncore::channel_map map;
    testing::trace events;
    testing::fd_guard fd(file.open(O_RDONLY));
    file_reader reader(fd.get(), map, events);

    testing::poll(testing::patience, map);

    INFO("select() reports regular files ready at once, always: it cannot wait for a file to grow");
    CHECK(events.events == std::vector<std::string>{"read", "close"});
}

TEST_CASE("a file_dispatcher writes into a pipe in pieces as the pipe makes room", "[file_dispatcher]") {
    asyncore::channel_map map;
    auto p = testing::make_pipe();
    std::string big(1 << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i * 7 % 26);
    file_writer writer(p.write_end.get(), map, big);
    std::string got;
    std::thread reader([&] { got = testing::read_some(p.read_end.get(), big.size()); });

    bool sent = testing::run_until(map, [&] { return writer.pending.empty(); });
    reader.join();

    INFO("a pipe holds 64 KiB: a megabyte takes many writes, each of what fits");
    REQUIRE(sent);
    CHECK(got.size() == big.size());
    CHECK(got == big);
}

TEST_CASE("writing to a pipe whose reader is gone gives handle_close and not death by SIGPIPE",
          "[file_dispatcher]") {
    // In a child process: if SIGPIPE were not handled, it would kill the child, not the tests.
    testing::child_process child([] {
        asyncore::channel_map map;
        auto p = testing::make_pipe();
        ::close(p.read_end.release());
        file_writer writer(p.write_end.get(), map, "nobody reads this");
        testing::run_until(map, [&] { return map.empty(); });
        return writer.closes == 1 && map.empty() ? 0 : 1;
    });
    int status = child.wait();
    INFO("write() to a pipe without a reader raises SIGPIPE, which terminates a process by default. "
         "file_wrapper sets SIGPIPE to ignored, so write() fails with EPIPE, a 'peer gone' error, "
         "and the dispatcher calls handle_close()");
    CHECK(testing::child_process::describe(status) == "exited with status 0");
}

TEST_CASE("after a file_wrapper exists SIGPIPE is ignored unless the program chose a handler",
          "[file_dispatcher]") {
    auto p = testing::make_pipe();
    asyncore::file_wrapper w(p.read_end.get());
    struct sigaction now {};
    REQUIRE(::sigaction(SIGPIPE, nullptr, &now) == 0);
    CHECK(now.sa_handler == SIG_IGN);
}

TEST_CASE("a file_dispatcher on a pipe's write end reports a vanished reader when it reads", "[file_dispatcher]") {
    // select() reports a write end whose reader is gone as readable (an error is pending), and
    // read() on a write-only descriptor fails with EBADF: one of the "peer gone" errors.
    // poll() reports POLLERR.
    asyncore::channel_map map;
    testing::trace events;
    auto p = testing::make_pipe();
    file_reader confused(p.write_end.get(), map, events);
    ::close(p.read_end.release());

    REQUIRE(testing::run_until(map, [&] { return map.empty(); }));
    if (testing::use_poll) {
        INFO("poll() says it plainly: POLLERR, which poll2() turns into handle_close()");
        CHECK(events.events == std::vector<std::string>{"close"});
        return;
    }
    CHECK(events.events == std::vector<std::string>{"read", "close"});
}
