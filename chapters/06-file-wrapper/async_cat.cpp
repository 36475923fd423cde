// Chapter 06 example: `cat` through the loop. One file_dispatcher reads standard input, another
// writes standard output, and the loop moves the bytes between them, never blocking on either.
//
//   $ echo hello | ./build/bin/async_cat
//   $ ./build/bin/async_cat < big.iso | sha256sum
//   $ ./build/bin/async_cat < big.iso | head -c 10     (the reader leaves early: no SIGPIPE death)
#include <asyncore/asyncore.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <iostream>

namespace {

// [output]
// Standard output: what cannot be written now waits in a buffer until the loop says "writable".
class output : public asyncore::file_dispatcher {
public:
    explicit output(int fd) : file_dispatcher(fd) {}

    asyncore::dispatcher* source = nullptr;  // stopped too if our reader goes away

    void write_later(std::string_view data) { pending_.append(data); }
    std::size_t waiting() const { return pending_.size(); }
    void close_when_done() {
        closing_ = true;
        if (pending_.empty()) close();
    }

    bool readable() override { return false; }  // nothing ever comes in on standard output
    bool writable() override { return !pending_.empty(); }
    void handle_write() override {
        pending_.consume(send(pending_.front(65536)));  // send(): write(2), what fits
        if (closing_ && pending_.empty()) close();
    }
    void handle_close() override {  // EPIPE: whoever read our output has left (`| head`)
        close();
        if (source) source->close();
    }

private:
    asyncore::send_buffer pending_;
    bool closing_ = false;
};
// [output]

// [input]
// Standard input: read while the output keeps up (at most 1 MiB waits), forward what arrives.
class input : public asyncore::file_dispatcher {
public:
    input(int fd, output& out) : file_dispatcher(fd), out_(out) {}

    bool readable() override { return out_.waiting() < (1 << 20); }  // backpressure
    bool writable() override { return false; }
    void handle_read() override { out_.write_later(recv(65536)); }  // recv(): read(2)
    void handle_close() override {  // end of file: recv() returned nothing and called us
        close();
        out_.close_when_done();
    }

private:
    output& out_;
};
// [input]

}  // namespace

int main() {
    // [restore_flags]
    // file_dispatcher sets O_NONBLOCK, and that flag belongs to the open file, which standard input
    // and output share with the shell. Left set, it makes the shell's next reads fail with EAGAIN.
    const int stdin_flags = ::fcntl(STDIN_FILENO, F_GETFL);
    const int stdout_flags = ::fcntl(STDOUT_FILENO, F_GETFL);
    int status = 0;
    try {
        output out(STDOUT_FILENO);
        input in(STDIN_FILENO, out);
        out.source = &in;
        asyncore::loop();  // until both have closed
    } catch (const std::exception& e) {
        std::cerr << "async_cat: " << e.what() << '\n';
        status = 1;
    }
    if (stdin_flags >= 0) ::fcntl(STDIN_FILENO, F_SETFL, stdin_flags);
    if (stdout_flags >= 0) ::fcntl(STDOUT_FILENO, F_SETFL, stdout_flags);
    // [restore_flags]
    return status;
}
