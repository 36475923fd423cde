// Chapter 07: close_all(), the shutdown of a whole map.
#include "close_helpers.hpp"

#include <system_error>

using testing::recorder;
using testing::trace;

namespace {

// A stream on a real pipe whose close() reports an error after closing: the kernel reports
// errors such as EIO from close() only on network file systems, so this one plays such a file.
// `failure` says what close() throws.
class failing_stream : public asyncore::stream {
public:
    failing_stream(int fd, std::function<void()> failure) : fd_(fd), failure_(std::move(failure)) {}
    ~failing_stream() override {
        if (fd_ >= 0) ::close(fd_);
    }
    int fileno() const noexcept override { return fd_; }
    void close() override {
        int fd = std::exchange(fd_, -1);
        if (fd < 0) return;
        ::close(fd);
        failure_();
    }
    ssize_t recv(void* buffer, std::size_t size) noexcept override { return ::read(fd_, buffer, size); }
    ssize_t send(const void* data, std::size_t size) noexcept override { return ::write(fd_, data, size); }
    int pending_error() override { return 0; }

private:
    int fd_;
    std::function<void()> failure_;
};

class failing_channel : public asyncore::dispatcher {
public:
    failing_channel(asyncore::channel_map& map, std::function<void()> failure) : dispatcher(&map) {
        auto p = testing::make_pipe();
        set_stream(std::make_unique<failing_stream>(p.read_end.release(), std::move(failure)));
    }
};

void eio() { throw std::system_error(EIO, std::system_category(), "close"); }
void stop() { throw asyncore::exit_now(); }

}  // namespace

TEST_CASE("close_all(map) closes every channel and empties the map without calling handle_close", "[close_all]") {
    asyncore::channel_map map;
    trace events;
    auto [s1, p1] = testing::socket_pair();
    auto [s2, p2] = testing::socket_pair();
    auto [s3, p3] = testing::socket_pair();
    recorder a(std::move(s1), map, events, "a");
    recorder b(std::move(s2), map, events, "b");
    std::weak_ptr<recorder> c = asyncore::make<recorder>(std::move(s3), map, events, "c");

    asyncore::close_all(&map);

    CHECK(map.empty());
    CHECK(a.fileno() == -1);
    CHECK(b.fileno() == -1);
    CHECK_FALSE(a.connected);
    INFO("close_all() calls close(), not handle_close()");
    CHECK(events.events.empty());
    INFO("a channel the map owned is destroyed once closed");
    CHECK(c.expired());
    for (auto* peer : {&p1, &p2, &p3}) CHECK(testing::at_eof(peer->fileno()));
}

TEST_CASE("close_all() without a map closes the channels of socket_map", "[close_all]") {
    REQUIRE(asyncore::socket_map.empty());
    trace events;
    auto [s1, p1] = testing::socket_pair();
    auto [s2, p2] = testing::socket_pair();
    recorder a(std::move(s1), asyncore::socket_map, events, "a");
    std::weak_ptr<recorder> b = asyncore::make<recorder>(std::move(s2), asyncore::socket_map, events, "b");
    REQUIRE(asyncore::socket_map.size() == 2);

    asyncore::close_all();

    CHECK(asyncore::socket_map.empty());
    CHECK(a.fileno() == -1);
    CHECK(b.expired());
}

TEST_CASE("close_all ignores a channel whose descriptor is already gone (EBADF)", "[close_all]") {
    asyncore::channel_map map;
    trace events;
    auto [s1, p1] = testing::socket_pair();
    recorder a(std::move(s1), map, events, "a");
    auto p = testing::make_pipe();
    asyncore::file_dispatcher f(p.read_end.get(), &map);
    ::close(f.fileno());  // closed behind its back; nothing opens a descriptor before close_all

    CHECK_NOTHROW(asyncore::close_all(&map));
    CHECK(map.empty());
    CHECK(a.fileno() == -1);
    CHECK(f.fileno() == -1);
}

TEST_CASE("close_all passes other close errors on and leaves the map alone unless ignore_all", "[close_all]") {
    asyncore::channel_map map;
    trace events;
    failing_channel failing(map, eio);  // the lower descriptor: closed first
    auto [s1, p1] = testing::socket_pair();
    recorder after(std::move(s1), map, events, "after");
    REQUIRE(failing.fileno() < after.fileno());

    SECTION("an EIO propagates and the channels after it stay open") {
        int reported = 0;
        try {
            asyncore::close_all(&map);
        } catch (const std::system_error& e) {
            reported = e.code().value();
        }
        CHECK(reported == EIO);
        INFO("as in Python, the map is cleared only when every close succeeded");
        CHECK(map.size() == 1);
        CHECK(after.fileno() >= 0);
    }
    SECTION("ignore_all swallows it and closes the rest") {
        CHECK_NOTHROW(asyncore::close_all(&map, true));
        CHECK(map.empty());
        CHECK(after.fileno() == -1);
    }
    CHECK(failing.fileno() == -1);
}

TEST_CASE("close_all always lets exit_now through even with ignore_all", "[close_all]") {
    asyncore::channel_map map;
    failing_channel failing(map, stop);
    CHECK_THROWS_AS(asyncore::close_all(&map, true), asyncore::exit_now);
}

TEST_CASE("close_all from inside a handler closes the whole map and the pass skips the rest", "[close_all]") {
    asyncore::channel_map map;
    trace events;
    auto [s1, p1] = testing::socket_pair();
    auto [s2, p2] = testing::socket_pair();
    auto a = asyncore::make<recorder>(std::move(s1), map, events, "a");
    std::weak_ptr<recorder> b = asyncore::make<recorder>(std::move(s2), map, events, "b");
    std::weak_ptr<recorder> a_watch = a;
    a->on_read = [&](recorder&) { asyncore::close_all(&map); };
    a.reset();  // only the map owns them now
    testing::write_all(p1.fileno(), "x");
    testing::write_all(p2.fileno(), "y");
    REQUIRE(testing::wait_fd(b.lock()->fileno(), POLLIN));

    testing::poll(testing::patience, map);

    INFO("b was ready too, but closed before its turn");
    CHECK(events.events == std::vector<std::string>{"a.read"});
    CHECK(map.empty());
    INFO("both are destroyed, after the pass: not under a's running handler");
    CHECK(a_watch.expired());
    CHECK(b.expired());
}
