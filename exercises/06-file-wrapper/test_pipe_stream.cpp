// Exercise 06: the checks your pipe_source and pipe_feeder must pass.
#include "file_helpers.hpp"
#include "pipe_stream.hpp"

#include <thread>

namespace {

constexpr double patience = 2.0;  // seconds: plenty on one machine

// `n` bytes of text that show where a byte went missing or came twice.
std::string numbered_text(std::size_t n) {
    std::string text;
    for (int i = 0; text.size() < n; ++i) text += "line " + std::to_string(i) + "\n";
    text.resize(n);
    return text;
}

// Takes what has arrived on a non-blocking descriptor, without waiting; sets `eof` at its end.
void drain(int fd, std::string& into, bool& eof) {
    char buffer[65536];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            into.append(buffer, static_cast<std::size_t>(n));
        } else {
            if (n == 0) eof = true;
            return;
        }
    }
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// A pipe, a pipe_source on its read end, and a socket_sink whose peer the test reads.
struct stream_fixture {
    asyncore::channel_map map;
    testing::pipe_fds pipe = testing::make_pipe();
    asyncore::socket peer;
    std::unique_ptr<socket_sink> sink;
    std::unique_ptr<pipe_source> source;
    std::string arrived;
    bool peer_eof = false;

    stream_fixture() {
        auto [mine, theirs] = testing::socket_pair();
        peer = std::move(theirs);
        sink = std::make_unique<socket_sink>(std::move(mine), &map);
        source = std::make_unique<pipe_source>(pipe.read_end.get(), *sink, &map);
    }
    // Runs the loop, reading the peer as it goes, until `done()` or `seconds` pass.
    bool run_until(const std::function<bool()>& done, double seconds = patience) {
        return testing::run_until(map, [&] {
            drain(peer.fileno(), arrived, peer_eof);
            return done();
        }, seconds);
    }
};

// The read end of a pipe, read by the test, and a pipe_feeder on the write end.
struct feeder_fixture {
    asyncore::channel_map map;
    testing::pipe_fds pipe = testing::make_pipe();
    std::unique_ptr<pipe_feeder> feeder;
    std::string arrived;
    bool reader_eof = false;

    explicit feeder_fixture(std::string text) {
        set_nonblocking(pipe.read_end.get());
        feeder = std::make_unique<pipe_feeder>(pipe.write_end.get(), std::move(text), &map);
        ::close(pipe.write_end.release());  // the feeder's duplicate is now the only write end
    }
    bool run_until(const std::function<bool()>& done, double seconds = patience) {
        return testing::run_until(map, [&] {
            drain(pipe.read_end.get(), arrived, reader_eof);
            return done();
        }, seconds);
    }
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// pipe_source

TEST_CASE("what is written into the pipe arrives at the socket's peer in order", "[ex06][source]") {
    stream_fixture f;
    testing::write_all(f.pipe.write_end.get(), "hello\nworld\n");
    INFO("hint: handle_read() must recv() from the pipe and sink_.send() what it got; "
         "and readable() must say yes while the sink is connected and not backed up");
    REQUIRE(f.run_until([&] { return f.arrived.size() >= 12; }));
    CHECK(f.arrived == "hello\nworld\n");
    CHECK(f.source->bytes_streamed == 12);
}

TEST_CASE("a child process's output streams through completely", "[ex06][source]") {
    stream_fixture f;
    const std::string text = numbered_text(600 * 1024);
    testing::child_process child([&] {
        ::close(f.pipe.read_end.get());
        testing::write_all(f.pipe.write_end.get(), text, patience);
        return 0;
    });
    ::close(f.pipe.write_end.release());

    bool complete = f.run_until([&] { return f.arrived.size() >= text.size(); }, 2 * patience);
    INFO("the child " << testing::child_process::describe(child.wait(patience)));
    INFO("hint: read every time handle_read() runs, and let readable() say yes again as soon as "
         "the sink has sent enough (its out_buffer shrinks below high_water)");
    REQUIRE(complete);
    CHECK(f.arrived.size() == text.size());
    CHECK(f.arrived == text);
}

TEST_CASE("at end of the pipe the source closes and the sink closes after the last byte", "[ex06][source]") {
    stream_fixture f;
    const std::string text = numbered_text(300 * 1024);
    set_nonblocking(f.pipe.write_end.get());
    int write_end = f.pipe.write_end.release();
    std::thread writer([&] {
        try {
            testing::write_all(write_end, text, 2 * patience);
        } catch (const std::exception&) {
            // nobody read the pipe: the checks below say so
        }
        ::close(write_end);
    });
    bool ended = f.run_until([&] { return f.peer_eof; }, 2 * patience);
    writer.join();
    INFO("hint: end of file calls handle_close(): close() the source, set finished, and call "
         "sink_.close_when_done(), so that the bytes the sink still holds go out first");
    REQUIRE(ended);
    CHECK(f.arrived == text);
    CHECK(f.source->finished);
    CHECK(f.sink->finished);
    CHECK(f.map.empty());
}

TEST_CASE("the source stops reading while the sink holds high_water bytes", "[ex06][source]") {
    asyncore::channel_map map;
    auto pipe = testing::make_pipe();
    set_nonblocking(pipe.write_end.get());
    auto [mine, peer] = testing::socket_pair();  // the test never reads `peer`
    socket_sink sink(std::move(mine), &map);
    pipe_source source(pipe.read_end.get(), sink, &map);

    std::size_t most_waiting = 0;
    std::thread writer([&] {
        try {
            testing::write_all(pipe.write_end.get(), numbered_text(8 << 20), 1.0);
        } catch (const std::exception&) {
            // the pipe stayed full for a second: the source stopped reading, as it should
        }
    });
    testing::run_until(map, [&] {
        most_waiting = std::max(most_waiting, sink.out_buffer.size());
        return false;
    }, 1.5);
    writer.join();

    INFO("hint: readable() must say no while sink_.out_buffer.size() >= high_water");
    INFO("bytes streamed: " << source.bytes_streamed << ", most bytes waiting in the sink: " << most_waiting);
    REQUIRE(source.bytes_streamed >= pipe_source::high_water);
    CHECK(most_waiting < pipe_source::high_water + pipe_source::chunk);
}

TEST_CASE("the source asks to read only while the sink can take more and never asks to write",
          "[ex06][source]") {
    stream_fixture f;
    {
        INFO("hint: a read end has nothing to write; a channel that says writable() for nothing wakes "
             "the loop at once, every pass");
        CHECK_FALSE(f.source->writable());
    }
    {
        INFO("hint: with an empty sink, the source should read");
        CHECK(f.source->readable());
    }
    f.sink->out_buffer.append(std::string(pipe_source::high_water, 'x'));
    {
        INFO("hint: with high_water bytes waiting in the sink, the source should not read");
        CHECK_FALSE(f.source->readable());
    }
    f.sink->out_buffer.clear();
    f.sink->close();
    {
        INFO("hint: a closed sink (not connected) can take nothing");
        CHECK_FALSE(f.source->readable());
    }
}

TEST_CASE("the caller's descriptor stays open after the source closes its duplicate", "[ex06][source]") {
    stream_fixture f;
    int duplicate = f.source->fileno();
    REQUIRE(duplicate != f.pipe.read_end.get());
    testing::write_all(f.pipe.write_end.get(), "bye\n");
    ::close(f.pipe.write_end.release());
    INFO("hint: handle_close() must close() the source");
    REQUIRE(f.run_until([&] { return f.source->finished; }));
    CHECK_FALSE(testing::is_open(duplicate));
    INFO("file_dispatcher works on a duplicate (dup): closing it leaves the caller's descriptor alone");
    CHECK(testing::is_open(f.pipe.read_end.get()));
}

TEST_CASE("bytes the sink still holds at end of the pipe go out before it closes", "[ex06][source]") {
    stream_fixture f;
    // A small socket buffer and a peer that reads nothing until the pipe has ended: at end of
    // file most of the text still waits in the sink's out_buffer.
    int small = 4096;
    REQUIRE(::setsockopt(f.sink->fileno(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
    const std::string text = numbered_text(60 * 1024);  // fits in the pipe: written at once
    testing::write_all(f.pipe.write_end.get(), text);
    ::close(f.pipe.write_end.release());
    bool source_ended = testing::run_until(f.map, [&] { return f.source->finished; });
    std::size_t waiting = f.sink->connected ? f.sink->out_buffer.size() : 0;
    bool ended = f.run_until([&] { return f.peer_eof; });
    INFO("bytes waiting in the sink when the source ended: " << waiting << "; the peer received "
         << f.arrived.size() << " of " << text.size());
    INFO("hint: handle_close() of the source must ask the sink to close when done "
         "(sink_.close_when_done()); sink_.close() drops what it still holds");
    CHECK(source_ended);
    CHECK(ended);
    CHECK(f.arrived == text);
    CHECK(f.map.empty());
}

// ---------------------------------------------------------------------------------------------
// pipe_feeder

TEST_CASE("pipe_feeder writes its text and closes so the reader sees end of file", "[ex06][feeder]") {
    feeder_fixture f("to the other end of the pipe\n");
    INFO("hint: writable() while something is pending; handle_write() send()s it; once nothing is "
         "pending, close(): the reader sees end of file when every write end is closed");
    REQUIRE(f.run_until([&] { return f.reader_eof; }));
    CHECK(f.arrived == "to the other end of the pipe\n");
    CHECK(f.feeder->finished);
    CHECK_FALSE(f.feeder->reader_gone);
    CHECK(f.map.empty());
}

TEST_CASE("pipe_feeder writes a megabyte through a pipe that holds 64 KiB", "[ex06][feeder]") {
    const std::string text = numbered_text(1 << 20);
    feeder_fixture f(text);
    INFO("hint: send() writes only what fits; keep the rest pending for the next handle_write()");
    REQUIRE(f.run_until([&] { return f.reader_eof; }, 2 * patience));
    CHECK(f.arrived.size() == text.size());
    CHECK(f.arrived == text);
}

TEST_CASE("pipe_feeder whose reader is gone ends in handle_close and does not die of SIGPIPE",
          "[ex06][feeder]") {
    feeder_fixture f(numbered_text(200 * 1024));
    ::close(f.pipe.read_end.release());
    INFO("hint: a write to a pipe without a reader fails with EPIPE; send() turns that into "
         "handle_close(): set reader_gone, close() and set finished");
    REQUIRE(f.run_until([&] { return f.feeder->finished; }));
    CHECK(f.feeder->reader_gone);
    CHECK(f.map.empty());
}

TEST_CASE("pipe_feeder and pipe_source together move text from a string to a socket", "[ex06][feeder][source]") {
    asyncore::channel_map map;
    auto pipe = testing::make_pipe();
    auto [mine, peer] = testing::socket_pair();
    socket_sink sink(std::move(mine), &map);
    const std::string text = numbered_text(300 * 1024);
    pipe_feeder feeder(pipe.write_end.get(), text, &map);
    pipe_source source(pipe.read_end.get(), sink, &map);
    ::close(pipe.write_end.release());
    ::close(pipe.read_end.release());  // only the channels' duplicates are left

    std::string arrived;
    bool eof = false;
    bool done = testing::run_until(map, [&] {
        drain(peer.fileno(), arrived, eof);
        return eof;
    }, 2 * patience);
    INFO("hint: feeder -> pipe -> source -> sink -> socket; each end closes when it is done");
    REQUIRE(done);
    CHECK(arrived == text);
    CHECK(feeder.finished);
    CHECK(source.finished);
    CHECK(sink.finished);
}

TEST_CASE("pipe_feeder with an empty text closes so the reader sees end of file", "[ex06][feeder]") {
    feeder_fixture f("");
    bool eof = f.run_until([&] { return f.reader_eof; });
    INFO("hint: an empty text has nothing to write, but the write end must still be closed: while "
         "the feeder holds it open the reader waits for ever. writable() must say yes until the "
         "feeder has closed, not only while bytes are pending");
    CHECK(eof);
    CHECK(f.arrived.empty());
    CHECK(f.feeder->finished);
    CHECK(f.map.empty());
}
