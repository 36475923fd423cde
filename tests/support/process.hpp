// Runs a program as a child process, for black-box tests of the course's programs: read its
// output line by line with a deadline, talk to it over the network, stop it.
#pragma once

#include "harness.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

extern char** environ;

namespace testing {

class child_process {
public:
    // Starts `argv` with stdout (and stderr, if `merge_stderr`) on a pipe this object reads.
    explicit child_process(std::vector<std::string> argv, bool merge_stderr = false) {
        int out[2];
        if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        if (merge_stderr) posix_spawn_file_actions_adddup2(&actions, out[1], 2);
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        int rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(out[1]);
        output_ = fd_guard(out[0]);
        if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + asyncore::strerror(rc));
    }
    ~child_process() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    pid_t pid() const { return pid_; }

    // The next line of output, or nothing if none comes within `seconds` (or at end of output).
    std::optional<std::string> read_line(double seconds = patience) {
        auto deadline = clock::now() + std::chrono::duration<double>(seconds);
        for (;;) {
            auto newline = buffer_.find('\n');
            if (newline != std::string::npos) {
                std::string line = buffer_.substr(0, newline);
                buffer_.erase(0, newline + 1);
                return line;
            }
            double left = std::chrono::duration<double>(deadline - clock::now()).count();
            if (left <= 0 || !wait_fd(output_.get(), POLLIN, left)) return std::nullopt;
            char chunk[4096];
            ssize_t n = ::read(output_.get(), chunk, sizeof chunk);
            if (n <= 0) return std::nullopt;
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }

    // Everything it writes until it exits (or `seconds` pass).
    std::string read_all(double seconds = patience) {
        std::string all = std::move(buffer_);
        buffer_.clear();
        return all + read_some(output_.get(), std::string::npos, seconds);
    }

    // Waits for it to exit; its exit status, or -1 if it is still running after `seconds`.
    // A process killed by a signal gives 128 + the signal, as a shell says.
    int wait(double seconds = patience) {
        auto deadline = clock::now() + std::chrono::duration<double>(seconds);
        for (;;) {
            int status = 0;
            pid_t done = ::waitpid(pid_, &status, WNOHANG);
            if (done == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            if (clock::now() >= deadline) return -1;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }

    void signal(int sig) {
        if (pid_ > 0) ::kill(pid_, sig);
    }

    // The largest resident set the process has had, in KiB (VmHWM), or -1.
    long peak_memory_kib() const {
        std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
        std::string line;
        while (std::getline(status, line))
            if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
        return -1;
    }

private:
    pid_t pid_ = -1;
    fd_guard output_;
    std::string buffer_;
};

// "listening on 127.0.0.1:40123" -> 40123, or 0 if the line is not that.
inline std::uint16_t port_from_listening_line(const std::string& line) {
    const std::string prefix = "listening on ";
    auto colon = line.rfind(':');
    if (line.rfind(prefix, 0) != 0 || colon == std::string::npos) return 0;
    return static_cast<std::uint16_t>(std::stoul(line.substr(colon + 1)));
}

}  // namespace testing
