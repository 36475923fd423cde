// Chapter 06 test helpers: temporary files, child processes, descriptor checks.
// Shared by the chapter's library tests and by exercise 06 (the chapter folder is on its path).
#pragma once

#include "harness.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

namespace testing {

// True while `fd` names an open descriptor.
inline bool is_open(int fd) { return fd >= 0 && ::fcntl(fd, F_GETFD) != -1; }

// True if the open file behind `fd` is in non-blocking mode.
inline bool is_nonblocking(int fd) { return (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }

// A file in the temporary directory holding `content`, removed when this goes away.
class temp_file {
public:
    explicit temp_file(const std::string& content = "") {
        const char* dir = std::getenv("TMPDIR");
        path_ = std::string(dir && *dir ? dir : "/tmp") + "/asyncore-ch06-XXXXXX";
        int fd = ::mkstemp(path_.data());
        if (fd < 0) throw std::runtime_error("mkstemp failed: " + asyncore::strerror(errno));
        fd_guard closer(fd);
        write_all(fd, content);
    }
    ~temp_file() { ::unlink(path_.c_str()); }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;

    const std::string& path() const { return path_; }
    // Opens the file with `flags` (O_RDONLY, O_WRONLY | O_APPEND, ...); the caller closes it.
    int open(int flags) const {
        int fd = ::open(path_.c_str(), flags | O_CLOEXEC);
        if (fd < 0) throw std::runtime_error("open " + path_ + " failed: " + asyncore::strerror(errno));
        return fd;
    }
    // Everything the file holds now.
    std::string content() const {
        fd_guard fd(open(O_RDONLY));
        return read_some(fd.get(), 1 << 24, 1.0);
    }

private:
    std::string path_;
};

// A child process running `work` (its return value is the exit status). The child never
// returns into the test framework: it leaves with _exit.
class child_process {
public:
    explicit child_process(const std::function<int()>& work) {
        std::cout.flush();
        std::cerr.flush();
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed: " + asyncore::strerror(errno));
        if (pid_ == 0) {
            int status = 99;
            try {
                status = work();
            } catch (...) {
                status = 98;
            }
            ::_exit(status);
        }
    }
    ~child_process() {
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    // Waits at most `seconds` for the child to end and returns its waitpid() status; a child
    // still running then is killed (SIGKILL), so a hang shows as a kill, never as a hung test.
    int wait(double seconds = patience) {
        auto deadline = clock::now() + std::chrono::duration<double>(seconds);
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (clock::now() >= deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        reaped_ = true;
        return status;
    }

    // "exited with status 0", "killed by signal 13 (Broken pipe)": for failure messages.
    static std::string describe(int status) {
        if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
        if (WIFSIGNALED(status))
            return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" + ::strsignal(WTERMSIG(status)) + ")";
        return "status " + std::to_string(status);
    }

private:
    pid_t pid_ = -1;
    bool reaped_ = false;
};

}  // namespace testing
