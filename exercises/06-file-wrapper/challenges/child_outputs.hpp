// Exercise 06, challenge: a child's two outputs. The tests use these; you write
// challenges/child_outputs.cpp. Leave this file as it is.
#pragma once

#include "pipe_stream.hpp"

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

class child_outputs;

/// One of a child's two outputs: a pipe_dispatcher (your pipe_wrapper) on the read end of a pipe.
/// It cuts what arrives into lines and hands each to its child_outputs with its prefix in front.
/// Given.
class output_reader : public pipe_dispatcher {
public:
    /// Reads (its own duplicate of) `fd`; every line it hands on starts with `prefix`.
    output_reader(int fd, std::string prefix, child_outputs& owner, asyncore::channel_map* map);

    /// Always: the pipe decides when there is something to read.
    bool readable() override { return true; }
    /// Never: nothing is written to a read end.
    bool writable() override { return false; }
    /// Reads what has arrived and hands on every line it completes (without its '\n').
    void handle_read() override;
    /// End of file: hands on a last line that had no '\n', closes, and tells the owner.
    void handle_close() override;

private:
    std::string prefix_;    ///< put in front of every line: "out: " or "err: "
    std::string partial_;   ///< the start of a line whose '\n' has not arrived yet
    child_outputs& owner_;  ///< gets the lines and the end of file
};

/// Runs `sh -c command` with its standard output and its standard error on two pipes, reads both
/// in the loop with two output_readers, and collects the lines, "out: " or "err: " in front, in
/// the order they arrive. When both pipes have reached end of file, it reaps the child with
/// `waitpid()` (no zombie is left) and reports how it ended.
class child_outputs {
public:
    /// Makes two pipes, forks, and in the child puts the pipes' write ends on descriptors 1 and 2
    /// and runs `/bin/sh -c command`. In the parent: closes its copies of the write ends (the
    /// readers see end of file when the child's copies close), makes the two readers on the read
    /// ends in `map`, "out: " for standard output and "err: " for standard error, and closes its
    /// own copies of the read ends (each reader has its duplicate). TODO 1
    /// \throws std::system_error if a pipe or the fork cannot be made.
    child_outputs(const std::string& command, asyncore::channel_map& map);
    /// Kills and reaps the child if it has not been reaped yet (a test that failed). Given.
    ~child_outputs();
    child_outputs(const child_outputs&) = delete;             ///< one owner per child: not copied
    child_outputs& operator=(const child_outputs&) = delete;  ///< nor assigned

    /// Every line of both outputs, with its prefix, in arrival order.
    std::vector<std::string> lines;
    /// True once both outputs have ended and the child has been reaped.
    bool finished = false;
    /// How the child ended, as a shell says it: its exit code, or 128 + the signal that killed
    /// it; -1 until it has been reaped.
    int exit_status = -1;

    /// The child's process id, or -1 before the fork.
    pid_t pid() const { return pid_; }
    /// Called by a reader for each line. Given.
    void add_line(std::string line) { lines.push_back(std::move(line)); }
    /// Called by each reader once, at its end of file. After the second call (not before: the
    /// other output may still hold lines), waits for the child with `waitpid()`, sets
    /// `exit_status` from its status, and sets `finished`. TODO 2
    void output_ended();

private:
    pid_t pid_ = -1;                      ///< the child's process id; -1 before the fork
    int open_outputs_ = 2;                ///< outputs that have not reached end of file yet
    std::unique_ptr<output_reader> out_;  ///< reads the child's standard output ("out: ")
    std::unique_ptr<output_reader> err_;  ///< reads the child's standard error ("err: ")
};
