// Chapter 06: file_wrapper, a plain descriptor dressed up as a socket (Python's asyncore.file_wrapper).
#include "file_helpers.hpp"

#include <system_error>

namespace {

std::string read_from(asyncore::file_wrapper& w, std::size_t most) {
    std::string data(most, '\0');
    ssize_t n = w.recv(data.data(), data.size());
    if (n < 0) throw std::system_error(errno, std::system_category(), "recv");
    data.resize(static_cast<std::size_t>(n));
    return data;
}

}  // namespace

TEST_CASE("file_wrapper(fd) works on its own duplicate so the original can be closed", "[file_wrapper]") {
    auto p = testing::make_pipe();
    int original = p.read_end.get();

    asyncore::file_wrapper w(original);

    CHECK(w.fileno() >= 0);
    INFO("the wrapper must own a duplicate (dup), never the caller's descriptor itself");
    CHECK(w.fileno() != original);
    ::close(p.read_end.release());
    testing::write_all(p.write_end.get(), "still works");
    CHECK(read_from(w, 64) == "still works");
}

TEST_CASE("the duplicate is close-on-exec like Python's non-inheritable descriptors", "[file_wrapper]") {
    auto p = testing::make_pipe();
    asyncore::file_wrapper w(p.read_end.get());
    CHECK((::fcntl(w.fileno(), F_GETFD) & FD_CLOEXEC) != 0);
}

TEST_CASE("closing the wrapper leaves the caller's descriptor open and usable", "[file_wrapper]") {
    auto p = testing::make_pipe();
    asyncore::file_wrapper w(p.write_end.get());
    int duplicate = w.fileno();

    w.close();

    CHECK(w.fileno() == -1);
    CHECK_FALSE(testing::is_open(duplicate));
    CHECK(testing::is_open(p.write_end.get()));
    testing::write_all(p.write_end.get(), "after");
    CHECK(testing::read_some(p.read_end.get(), 5) == "after");
}

TEST_CASE("recv and read read the file while send and write append to it", "[file_wrapper]") {
    testing::temp_file file("abc");
    {
        testing::fd_guard appending(file.open(O_WRONLY | O_APPEND));
        asyncore::file_wrapper w(appending.get());
        CHECK(w.send("def", 3) == 3);
        CHECK(w.write("ghi", 3) == 3);
    }
    CHECK(file.content() == "abcdefghi");

    testing::fd_guard reading(file.open(O_RDONLY));
    asyncore::file_wrapper r(reading.get());
    CHECK(read_from(r, 3) == "abc");
    char rest[16];
    ssize_t n = r.read(rest, sizeof rest);
    REQUIRE(n == 6);
    CHECK(std::string(rest, 6) == "defghi");
    INFO("end of file reads as 0 bytes, as on a socket whose peer closed");
    CHECK(read_from(r, 16).empty());
}

TEST_CASE("reading after close fails with EBADF", "[file_wrapper]") {
    testing::temp_file file("data");
    testing::fd_guard fd(file.open(O_RDONLY));
    asyncore::file_wrapper w(fd.get());
    w.close();

    char c;
    errno = 0;
    CHECK(w.recv(&c, 1) == -1);
    CHECK(errno == EBADF);
    errno = 0;
    CHECK(w.read(&c, 1) == -1);
    CHECK(errno == EBADF);
}

TEST_CASE("close() twice is safe", "[file_wrapper]") {
    auto p = testing::make_pipe();
    asyncore::file_wrapper w(p.read_end.get());
    w.close();
    CHECK_NOTHROW(w.close());
    CHECK(w.fileno() == -1);
}

TEST_CASE("a duplicate closed behind the wrapper's back makes close() report EBADF and still count as closed",
          "[file_wrapper]") {
    auto p = testing::make_pipe();
    asyncore::file_wrapper w(p.read_end.get());
    ::close(w.fileno());  // someone else closed it; no descriptor is opened until w.close() below

    int reported = 0;
    try {
        w.close();
    } catch (const std::system_error& e) {
        reported = e.code().value();
    }

    INFO("the kernel's complaint is passed on");
    CHECK(reported == EBADF);
    INFO("but the wrapper forgot the number before closing it: a second close cannot hit a reused one");
    CHECK(w.fileno() == -1);
    CHECK_NOTHROW(w.close());
}

TEST_CASE("getsockopt(SOL_SOCKET, SO_ERROR) answers 0 and every other option is refused", "[file_wrapper]") {
    auto p = testing::make_pipe();
    asyncore::file_wrapper w(p.read_end.get());

    CHECK(w.getsockopt(SOL_SOCKET, SO_ERROR) == 0);
    CHECK(w.pending_error() == 0);
    int refused = 0;
    try {
        w.getsockopt(SOL_SOCKET, SO_RCVBUF);
    } catch (const std::system_error& e) {
        refused = e.code().value();
    }
    CHECK(refused == ENOPROTOOPT);
    CHECK_THROWS_AS(w.getsockopt(IPPROTO_TCP, SO_ERROR), std::system_error);
}

TEST_CASE("file_wrapper of a descriptor that is not open throws", "[file_wrapper]") {
    int closed_fd;
    {
        auto p = testing::make_pipe();
        closed_fd = p.read_end.get();
    }
    CHECK_THROWS_AS(asyncore::file_wrapper(closed_fd), std::system_error);
    CHECK_THROWS_AS(asyncore::file_wrapper(-1), std::system_error);
}

TEST_CASE("destroying an open wrapper closes its duplicate", "[file_wrapper]") {
    auto p = testing::make_pipe();
    int duplicate;
    {
        asyncore::file_wrapper w(p.read_end.get());
        duplicate = w.fileno();
        REQUIRE(testing::is_open(duplicate));
    }
    INFO("Python warns (ResourceWarning) and closes; C++ closes when the owner goes away");
    CHECK_FALSE(testing::is_open(duplicate));
    CHECK(testing::is_open(p.read_end.get()));
}
