// Chapter 07: a handler that throws. The exception goes to that channel's handle_error(), whose
// default logs it and closes the channel; the loop goes on with the others. exit_now escapes.
#include "close_helpers.hpp"

#include <stdexcept>
#include <system_error>

using testing::recorder;
using testing::trace;
using strings = std::vector<std::string>;

TEST_CASE("a handler that throws goes to the default handle_error which logs and closes and the pass goes on",
          "[error]") {
    asyncore::channel_map map;
    trace events;
    auto [s1, p1] = testing::socket_pair();
    auto [s2, p2] = testing::socket_pair();
    recorder a(std::move(s1), map, events, "a");
    recorder b(std::move(s2), map, events, "b");
    REQUIRE(a.fileno() < b.fileno());
    a.on_read = [](recorder&) { throw std::runtime_error("bad request"); };
    testing::write_all(p1.fileno(), "x");
    testing::write_all(p2.fileno(), "y");
    REQUIRE(testing::wait_fd(b.fileno(), POLLIN));

    testing::captured_output output;
    testing::poll(testing::patience, map);

    CHECK_THAT(output.out(), testing::contains("error: uncaptured exception, closing channel <testing::recorder"));
    INFO("Python logs type:value and a traceback; C++ has no traceback, so the type and what()");
    CHECK_THAT(output.out(), testing::contains("(std::runtime_error: bad request)"));
    CHECK(events.events == strings{"a.read", "a.close", "b.read"});
    CHECK(a.fileno() == -1);
    INFO("b was ready in the same pass: the error in a did not stop the loop");
    CHECK(b.received == "y");
}

TEST_CASE("the default handle_error names the type of an exception that is not a std::exception", "[error]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    recorder a(std::move(mine), map, events, "a");
    a.wants_write = true;
    a.on_write = [](recorder&) { throw 42; };

    testing::captured_output output;
    testing::poll(testing::patience, map);

    CHECK_THAT(output.out(), testing::contains("(int)"));
    CHECK(events.events == strings{"a.write", "a.close"});
}

TEST_CASE("the error log line can be hidden with ignore_log_types and the channel still closes", "[error]") {
    asyncore::channel_map map;
    trace events;
    auto [client, server] = testing::tcp_pair();
    recorder a(std::move(client), map, events, "a");
    a.ignore_log_types.insert("error");
    a.on_expt = [](recorder&) { throw std::logic_error("urgent data is not for us"); };
    char urgent = '!';
    REQUIRE(::send(server.fileno(), &urgent, 1, MSG_OOB) == 1);

    testing::captured_output output;
    REQUIRE(testing::run_until(map, [&] { return map.empty(); }));

    CHECK(output.out().empty());
    CHECK(events.events == strings{"a.expt", "a.close"});
}

namespace {

// Looks at the exception from inside handle_error(), as Python's compact_traceback() does.
class inspector : public testing::recorder {
public:
    using recorder::recorder;
    int code = 0;
    void handle_error() override {
        try {
            throw;  // handle_error() runs inside the catch: the exception is still current
        } catch (const std::system_error& e) {
            code = e.code().value();
        } catch (...) {
            code = -1;
        }
        recorder::handle_error();
    }
};

}  // namespace

TEST_CASE("handle_error runs inside the catch so it can rethrow and inspect the exception", "[error]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    inspector a(std::move(mine), map, events, "a");
    a.ignore_log_types.insert("error");
    a.on_read = [](recorder&) { throw std::system_error(ETIMEDOUT, std::system_category(), "reply"); };
    testing::write_all(peer.fileno(), "x");

    testing::poll(testing::patience, map);

    CHECK(a.code == ETIMEDOUT);
    CHECK(events.events == strings{"a.read", "a.close"});
}

TEST_CASE("exit_now from a handler leaves loop() and the channel is left as it was", "[error]") {
    asyncore::channel_map map;
    trace events;
    auto [mine, peer] = testing::socket_pair();
    recorder a(std::move(mine), map, events, "a");
    a.on_read = [](recorder&) { throw asyncore::exit_now(); };
    testing::write_all(peer.fileno(), "stop");

    CHECK_THROWS_AS(asyncore::loop(testing::patience, testing::use_poll, &map), asyncore::exit_now);

    CHECK(events.events == strings{"a.read"});
    CHECK(a.connected);
    CHECK(map.get(a.fileno()) == &a);
}
