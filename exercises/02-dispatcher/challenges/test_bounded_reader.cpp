// Exercise 02, challenge: the checks your bounded_reader must pass. Each test writes to the other
// end of a real socketpair and runs the real loop until the reader has taken everything or closed.
#include "bounded_reader.hpp"
#include "harness.hpp"

#include <poll.h>

#include <memory>

namespace {

using lines_t = std::vector<std::string>;
constexpr std::size_t max_line = bounded_reader::max_line;

struct fixture {
    asyncore::channel_map map;
    asyncore::socket peer;
    std::unique_ptr<bounded_reader> reader;

    fixture() {
        auto [mine, theirs] = testing::socket_pair();
        peer = std::move(theirs);
        reader = std::make_unique<bounded_reader>(std::move(mine), &map);
    }
    void send(const std::string& text) { testing::write_all(peer.fileno(), text); }
    bool closed() const { return reader->fileno() < 0; }
    // Runs the loop until the reader has read every byte sent so far, or has closed.
    void settle() {
        testing::run_until(map, [&] { return closed() || !testing::wait_fd(reader->fileno(), POLLIN, 0); });
    }
};

}  // namespace

TEST_CASE("a line longer than max_line closes the reader with an error", "[ex02][challenge]") {
    fixture f;
    f.send(std::string(100 * 1024, 'x'));
    f.settle();
    INFO("error: \"" << f.reader->error << "\"");
    {
        INFO("hint: handle_read() must call line_reader::handle_read() first (it reads and cuts out the complete lines), then if unfinished() > max_line set error and close()");
        CHECK_FALSE(f.reader->error.empty());
        CHECK(f.closed());
        CHECK(f.map.empty());
    }
    {
        INFO("hint: a refused line is not a line: do not put it in `lines`");
        CHECK(f.reader->lines.empty());
    }
}

TEST_CASE("a line of exactly max_line bytes is still delivered", "[ex02][challenge]") {
    fixture f;
    // The line's bytes first, its "\n" later: the unfinished line is exactly max_line bytes for a while.
    f.send(std::string(max_line, 'x'));
    f.settle();
    INFO("hint: refuse only more than max_line bytes (>, not >=), and count only the unfinished line (unfinished()), after the complete lines are cut out");
    REQUIRE_FALSE(f.closed());
    f.send("\nafter\n");
    f.settle();
    INFO("error: \"" << f.reader->error << "\"; " << f.reader->lines.size() << " lines");
    CHECK(f.reader->error.empty());
    CHECK_FALSE(f.closed());
    CHECK(f.reader->lines == lines_t{std::string(max_line, 'x'), "after"});
}

TEST_CASE("lines before the long one are still delivered", "[ex02][challenge]") {
    fixture f;
    f.send("one\ntwo\r\n" + std::string(100 * 1024, 'x'));
    f.settle();
    INFO("error: \"" << f.reader->error << "\"");
    {
        INFO("hint: the complete lines that came before the long one are good lines: keep them in `lines` when you refuse");
        CHECK(f.reader->lines == lines_t{"one", "two"});
    }
    {
        INFO("hint: the long line must still be refused: set error and close()");
        CHECK_FALSE(f.reader->error.empty());
        CHECK(f.closed());
    }
}

TEST_CASE("a long line that arrives in small pieces is refused as soon as it is too long", "[ex02][challenge]") {
    fixture f;
    const std::string piece(1024, 'x');
    std::size_t sent = 0;
    // Each piece is read before the next is sent, so no single read is ever long.
    while (!f.closed() && sent < 100 * 1024) {
        f.send(piece);
        sent += piece.size();
        f.settle();
    }
    INFO("sent " << sent << " bytes; error: \"" << f.reader->error << "\"");
    INFO("hint: check the whole unfinished line (unfinished() after each read), not the size of one read");
    CHECK_FALSE(f.reader->error.empty());
    CHECK(f.closed());
    CHECK(sent <= max_line + 2 * piece.size());
}
