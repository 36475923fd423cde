// Exercise 06, challenge: a child's two outputs. Finish the exercise first: the readers here are
// pipe_dispatchers, on your pipe_wrapper. Check your work with:
//   ./course check 06 --challenges
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
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
    // TODO 1 begin: two pipes (pipe2() with O_CLOEXEC), fork(). In the child: dup2() the write
    //         ends onto 1 and 2, signal(SIGPIPE, SIG_DFL) (the given pipe_wrapper constructor
    //         ignores it, and an ignored signal stays ignored across exec), then
    //         execl("/bin/sh", "sh", "-c", command.c_str(), nullptr), and _exit(127) if it
    //         returns. In the parent: close both write ends, make out_ and err_
    //         (std::make_unique<output_reader>(...)), close both read ends.
    (void)command;
    (void)map;
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
    // TODO 2 begin: count the outputs that have ended (open_outputs_). After the second: waitpid()
    //         the child (again on EINTR), exit_status from its status (WIFEXITED, WEXITSTATUS,
    //         WTERMSIG), and finished.
    // TODO 2 end
}
