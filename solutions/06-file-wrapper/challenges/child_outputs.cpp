// Exercise 06, challenge, a solution: a child's two outputs, read in the loop, and the child reaped.
#include "child_outputs.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

// Your pipe_wrapper, built into the challenge's test program with the line below.
#include "../pipe_stream.cpp"

output_reader::output_reader(int fd, std::string prefix, child_outputs& owner, asyncore::channel_map* map)
    : pipe_dispatcher(fd, map), prefix_(std::move(prefix)), owner_(owner) {}

void output_reader::handle_read() {
    partial_ += recv(65536);  // at end of file, recv() returns "" and has called handle_close()
    std::size_t start = 0, end;
    while ((end = partial_.find('\n', start)) != std::string::npos) {
        owner_.add_line(prefix_ + partial_.substr(start, end - start));
        start = end + 1;
    }
    partial_.erase(0, start);  // once per read: erasing line by line would copy the rest each time
}

void output_reader::handle_close() {
    if (!partial_.empty()) owner_.add_line(prefix_ + std::exchange(partial_, ""));
    close();
    owner_.output_ended();
}

child_outputs::child_outputs(const std::string& command, asyncore::channel_map& map) {
    // TODO 1 begin
    // [spawn]
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
    if (::pipe2(err, O_CLOEXEC) != 0) {
        int saved = errno;
        ::close(out[0]);
        ::close(out[1]);
        throw std::system_error(saved, std::generic_category(), "pipe2");
    }
    pid_ = ::fork();
    if (pid_ == 0) {  // the child: only dup2, exec and _exit here, nothing that allocates
        ::dup2(out[1], STDOUT_FILENO);  // the copies on 1 and 2 lose close-on-exec: sh keeps them
        ::dup2(err[1], STDERR_FILENO);
        ::signal(SIGPIPE, SIG_DFL);  // the given pipe_wrapper may have ignored it in the parent
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);  // no shell to run: as a shell says "not found"
    }
    int fork_error = errno;
    ::close(out[1]);  // the child's copies are now the only write ends: its exit is our end of file
    ::close(err[1]);
    if (pid_ < 0) {
        ::close(out[0]);
        ::close(err[0]);
        throw std::system_error(fork_error, std::generic_category(), "fork");
    }
    try {
        out_ = std::make_unique<output_reader>(out[0], "out: ", *this, &map);
        err_ = std::make_unique<output_reader>(err[0], "err: ", *this, &map);
    } catch (...) {  // no destructor runs for a constructor that throws: stop the child here
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        ::close(out[0]);
        ::close(err[0]);
        throw;
    }
    ::close(out[0]);  // each reader works on a duplicate of its own
    ::close(err[0]);
    // [spawn]
    // TODO 1 end
}

child_outputs::~child_outputs() {
    // Not reaped yet (0: running; a zombie is reaped right here): stop it, so no test leaves one.
    if (pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

void child_outputs::output_ended() {
    // TODO 2 begin
    // [reap]
    if (--open_outputs_ > 0) return;  // the other output may still have lines on their way
    int status = 0;
    pid_t got;
    do got = ::waitpid(pid_, &status, 0);  // both ends closed: the child has exited, or is about to
    while (got < 0 && errno == EINTR);
    if (got == pid_) exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    finished = true;
    // [reap]
    // TODO 2 end
}
