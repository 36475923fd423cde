// Exercise 06: the checks your pipe_wrapper must pass: on its own, and under the given
// pipe_source and pipe_feeder, which stream through it.
#include "file_helpers.hpp"
#include "pipe_stream.hpp"

#include <cerrno>
#include <system_error>
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

// The error code of a std::system_error that `call` throws, or 0 if it throws none.
int error_thrown(const std::function<void()>& call) {
    try {
        call();
    } catch (const std::system_error& e) {
        return e.code().value();
    }
    return 0;
}

// What a wrapper's close() should leave: a flag check for the test's own descriptor.
bool nonblocking(int fd) { return testing::is_nonblocking(fd); }

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
// pipe_wrapper on its own

TEST_CASE("the wrapper works on its own duplicate and leaves the caller's descriptor open", "[ex06][wrapper]") {
    auto pipe = testing::make_pipe();
    pipe_wrapper w(pipe.write_end.get());
    const int duplicate = w.fileno();
    {
        INFO("hint: the constructor must duplicate the descriptor (fcntl F_DUPFD_CLOEXEC), not keep the caller's");
        CHECK(duplicate >= 0);
        CHECK(duplicate != pipe.write_end.get());
        CHECK((::fcntl(duplicate, F_GETFD) & FD_CLOEXEC) != 0);
    }
    {
        INFO("hint: send() is write(2) on the duplicate");
        set_nonblocking(pipe.read_end.get());  // the test's reader never blocks
        const ssize_t sent = w.send("to the reader", 13);
        CHECK(sent == 13);
        if (sent == 13) CHECK(testing::read_some(pipe.read_end.get(), 13, patience) == "to the reader");
    }
    w.close();
    INFO("hint: close() closes the duplicate, and fileno() says -1 from then on; the caller's descriptor "
         "stays open");
    CHECK(w.fileno() == -1);
    CHECK_FALSE(testing::is_open(duplicate));
    CHECK(testing::is_open(pipe.write_end.get()));
}

TEST_CASE("a descriptor that is not open fails in the constructor with EBADF", "[ex06][wrapper]") {
    auto pipe = testing::make_pipe();
    const int closed = pipe.read_end.release();
    ::close(closed);
    INFO("hint: when the duplicate cannot be made, throw std::system_error(errno, std::generic_category(), ...)");
    CHECK(error_thrown([] { pipe_wrapper w(-1); }) == EBADF);
    CHECK(error_thrown([&] { pipe_wrapper w(closed); }) == EBADF);
}

TEST_CASE("a second close does nothing even when the number was reused", "[ex06][wrapper]") {
    auto pipe = testing::make_pipe();
    pipe_wrapper w(pipe.read_end.get());
    const int number = w.fileno();
    REQUIRE(number >= 0);
    w.close();
    // Somebody else gets the same number at once: the lowest free one at or above `number`.
    const int reused = ::fcntl(pipe.write_end.get(), F_DUPFD_CLOEXEC, number);
    REQUIRE(reused == number);
    testing::fd_guard theirs(reused);
    INFO("hint: close() must forget the number (fd_ = -1) before it closes it; a second close() then finds "
         "nothing to close. Here the number already belonged to a new descriptor, and your second close() "
         "closed it");
    CHECK(error_thrown([&] { w.close(); }) == 0);
    CHECK(testing::is_open(reused));
}

TEST_CASE("a close that fails still counts as closed", "[ex06][wrapper]") {
    auto pipe = testing::make_pipe();
    pipe_wrapper w(pipe.read_end.get());
    REQUIRE(w.fileno() >= 0);
    ::close(w.fileno());  // behind the wrapper's back
    {
        INFO("hint: a ::close() that fails (here with EBADF) must throw std::system_error with its errno");
        CHECK(error_thrown([&] { w.close(); }) == EBADF);
    }
    INFO("hint: forget the number before closing, whatever ::close() says: a failed close() counts as "
         "closed, so fileno() is -1 and a second close() does nothing");
    CHECK(w.fileno() == -1);
    CHECK(error_thrown([&] { w.close(); }) == 0);
}

TEST_CASE("the file's flags are back as they were once the wrapper closes", "[ex06][wrapper]") {
    auto pipe = testing::make_pipe();
    const int fd = pipe.read_end.get();
    bool was_nonblocking = false;
    SECTION("a blocking pipe is blocking again") {}
    SECTION("a pipe that was non-blocking stays non-blocking") {
        set_nonblocking(fd);
        was_nonblocking = true;
    }
    pipe_wrapper w(fd);
    {
        INFO("hint: the constructor must make the file non-blocking (F_SETFL with O_NONBLOCK); the flag is "
             "the open file's, so the caller's descriptor shows it too");
        CHECK(nonblocking(fd));
    }
    w.close();
    INFO("hint: close() must put back the flags saved in the constructor (F_GETFL), not just clear O_NONBLOCK");
    CHECK(nonblocking(fd) == was_nonblocking);
}

TEST_CASE("the flags are put back through the duplicate when the caller has closed its descriptor",
          "[ex06][wrapper]") {
    auto pipe = testing::make_pipe();
    testing::fd_guard other_copy(::dup(pipe.read_end.get()));  // the same open file, kept by the test
    pipe_wrapper w(pipe.read_end.get());
    ::close(pipe.read_end.release());  // as pipe_to_tcp does, right after making the channel
    {
        INFO("hint: the constructor must make the file non-blocking");
        CHECK(nonblocking(other_copy.get()));
    }
    w.close();
    INFO("hint: the caller's number is closed (or may be someone else's by now): put the flags back "
         "through your duplicate, before you close it");
    CHECK_FALSE(nonblocking(other_copy.get()));
}

TEST_CASE("the destructor closes the duplicate and puts the flags back", "[ex06][wrapper]") {
    auto pipe = testing::make_pipe();
    int duplicate = -1;
    {
        pipe_wrapper w(pipe.read_end.get());
        duplicate = w.fileno();
        INFO("hint: the constructor must duplicate the descriptor and make the file non-blocking");
        REQUIRE(duplicate >= 0);
        CHECK(nonblocking(pipe.read_end.get()));
    }
    INFO("hint: the destructor must close(), catching whatever close() throws");
    CHECK_FALSE(testing::is_open(duplicate));
    CHECK_FALSE(nonblocking(pipe.read_end.get()));
}

TEST_CASE("recv and send return what read and write return with errno kept", "[ex06][wrapper]") {
    auto pipe = testing::make_pipe();
    pipe_wrapper reader(pipe.read_end.get());
    pipe_wrapper writer(pipe.write_end.get());
    char buffer[16];
    {
        INFO("hint: the constructor must make the file non-blocking (a blocking read would wait here for ever)");
        REQUIRE(nonblocking(pipe.read_end.get()));
    }
    {
        INFO("hint: recv() on an empty non-blocking pipe: read() returns -1 with errno EAGAIN; return both as they are");
        errno = 0;
        CHECK(reader.recv(buffer, sizeof buffer) == -1);
        CHECK(errno == EAGAIN);
    }
    {
        INFO("hint: send() is write(): it returns the count; recv() is read()");
        CHECK(writer.send("abc", 3) == 3);
        CHECK(reader.recv(buffer, sizeof buffer) == 3);
        CHECK(std::string(buffer, 3) == "abc");
    }
    ::close(pipe.write_end.release());
    writer.close();  // now no write end is left
    {
        INFO("hint: at end of file read() returns 0, and so must recv()");
        CHECK(reader.recv(buffer, sizeof buffer) == 0);
    }
    auto other = testing::make_pipe();
    pipe_wrapper lonely(other.write_end.get());
    ::close(other.read_end.release());  // the reader is gone
    INFO("hint: send() to a pipe whose reader has gone: write() returns -1 with errno EPIPE (SIGPIPE is "
         "ignored by the given code)");
    errno = 0;
    CHECK(lonely.send("x", 1) == -1);
    CHECK(errno == EPIPE);
}

TEST_CASE("pending_error answers 0 for a pipe", "[ex06][wrapper]") {
    auto pipe = testing::make_pipe();
    pipe_wrapper w(pipe.write_end.get());
    INFO("hint: a pipe has no socket error to report, and getsockopt() on it fails (ENOTSOCK): the answer "
         "that lets the dispatcher's SO_ERROR checks pass is 0, \"no error\"");
    CHECK(w.pending_error() == 0);
}

// ---------------------------------------------------------------------------------------------
// The given pipe_source and pipe_feeder, streaming through your wrapper

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
    INFO("hint: the given pipe_source reads with your recv(): it must return what read() returned, "
         "a count, 0 at end of file, -1 with errno EAGAIN when nothing waits");
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
    INFO("hint: end of file reaches the source only when recv() returns 0 for read()'s 0, and the map "
         "empties only when your close() closes the duplicates");
    REQUIRE(ended);
    CHECK(f.arrived == text);
    CHECK(f.source->finished);
    CHECK(f.sink->finished);
    CHECK(f.map.empty());
}

TEST_CASE("pipe_feeder writes a megabyte through a pipe that holds 64 KiB", "[ex06][feeder]") {
    const std::string text = numbered_text(1 << 20);
    feeder_fixture f(text);
    {
        INFO("hint: the constructor must make the file non-blocking: a blocking write of a full pipe "
             "waits for ever, and the loop with it");
        REQUIRE(f.feeder->fileno() >= 0);
        REQUIRE(nonblocking(f.feeder->fileno()));
    }
    INFO("hint: send() must return what write() returned: the count of what fit, or -1 with errno "
         "EAGAIN when the pipe is full");
    REQUIRE(f.run_until([&] { return f.reader_eof; }, 2 * patience));
    CHECK(f.arrived.size() == text.size());
    CHECK(f.arrived == text);
}

TEST_CASE("pipe_feeder whose reader is gone ends in handle_close and does not die of SIGPIPE",
          "[ex06][feeder]") {
    feeder_fixture f(numbered_text(200 * 1024));
    ::close(f.pipe.read_end.release());
    testing::captured_output output;  // where the default handle_error() would print its line
    INFO("hint: a write to a pipe without a reader fails with EPIPE: your send() must return -1 and leave "
         "errno as write() set it, so that the dispatcher calls the feeder's handle_close()");
    REQUIRE(f.run_until([&] { return f.feeder->finished; }));
    CHECK(f.feeder->reader_gone);
    CHECK(f.map.empty());
    INFO("what the loop printed: " << output.out());
    INFO("hint: the feeder must end through handle_close(), not through an error (an exception from your "
         "wrapper, or a descriptor the loop cannot watch, goes to handle_error())");
    CHECK(output.out().find("error:") == std::string::npos);
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
    INFO("hint: feeder -> pipe -> source -> sink -> socket, every pipe end through your wrapper; the source "
         "sees end of file only once the feeder's close() has closed its duplicate");
    REQUIRE(done);
    CHECK(arrived == text);
    CHECK(feeder.finished);
    CHECK(source.finished);
    CHECK(sink.finished);
}
