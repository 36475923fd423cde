// Challenge 15 (optional): splice_end, forwarding without copying a byte through user space.
// You write splice_end.cpp; check it with ./course check 15 --challenges.
#pragma once

#include <asyncore/asyncore.hpp>

#include <fcntl.h>

#include <cstddef>

/// One side of a forwarded connection, as chapter 10's forward_end, that never copies a byte into
/// user space: what its socket receives is moved with `splice(2)` into a pipe of its own (socket
/// -> pipe), and its partner moves it from that pipe into its socket (pipe -> socket). The kernel
/// passes references to its pages; the process only counts.
///
/// The pipe is the bounded buffer of its direction: an end reads (readable()) only while its pipe
/// has room, so a slow reader on one side stops the other side's sender, with at most one pipe of
/// bytes held per direction. End of file is passed on as a half-close once the pipe has drained;
/// a reset, or any error, closes both ends.
/// \chapter{15}
class splice_end : public asyncore::dispatcher {
public:
    /// What each end asks for its pipe (`F_SETPIPE_SZ`); the kernel may round it up.
    static constexpr std::size_t requested_pipe_size = 64 * 1024;

    /// Takes a connected socket (one from accept(), or a connected client), registers it in `map`,
    /// and makes the pipe its reads go into. Sets `SIGPIPE` to ignored when it is still at its
    /// default, as file_dispatcher does: splicing into a socket whose peer is gone raises it.
    /// \throws std::system_error if the pipe cannot be made.
    splice_end(asyncore::socket sock, asyncore::channel_map* map = nullptr);
    /// Unlinks the partner, so that it never points at a destroyed end, and closes the pipe.
    ~splice_end() override;

    /// Links two ends: what one reads, the other sends.
    static void pair(splice_end& a, splice_end& b) noexcept;
    /// The other end, or nullptr once the pair is closed.
    splice_end* partner() const noexcept { return partner_; }
    /// Bytes this end has read from its socket that wait in its pipe for the partner to send.
    std::size_t in_pipe() const noexcept { return in_pipe_; }
    /// What this end's pipe holds at most, in bytes (`F_GETPIPE_SZ`).
    std::size_t pipe_capacity() const noexcept { return capacity_; }
    /// True once this end has read end of file: its peer sends nothing more.
    bool read_done() const noexcept { return read_done_; }
    /// True once this end has shut its socket's write side down (the half-close passed on).
    bool write_done() const noexcept { return write_done_; }

    /// Yes while paired, before end of file, and while this end's pipe has room.
    bool readable() override;
    /// Yes while paired and the partner's pipe holds bytes, or when it is drained after the
    /// partner read end of file and the half-close has still to be passed on.
    bool writable() override;
    /// Splices what the socket has into this end's pipe, as much as the pipe takes.
    void handle_read() override;
    /// Splices the partner's pipe into the socket; passes the half-close on once it is drained.
    void handle_write() override;
    /// A reset, or a peer that vanished: closes both ends.
    void handle_close() override;
    /// Any other failure: closes both ends (given).
    void handle_error() override;

protected:  // not private: a subclass may log or close the pair too
    /// Closes the pair when both directions are done: both ends read end of file, both shut
    /// their write side down.
    void close_if_finished();
    /// Closes this end and its partner, and unlinks them (given).
    void close_both();

    /// splice(2) without waiting on the pipe, moving pages rather than copying them where it can.
    static constexpr unsigned splice_flags = SPLICE_F_NONBLOCK | SPLICE_F_MOVE;

    splice_end* partner_ = nullptr;
    int pipe_read_ = -1;   ///< the pipe's read end: the partner splices from it
    int pipe_write_ = -1;  ///< the pipe's write end: this end splices into it
    std::size_t capacity_ = 0;
    std::size_t in_pipe_ = 0;
    /// The last splice into the pipe found no room while it held fewer than capacity_ bytes (the
    /// kernel counts a pipe in pages, one per piece of a packet): set by handle_read(), cleared
    /// when the partner drains some.
    bool pipe_full_ = false;
    bool read_done_ = false;
    bool write_done_ = false;
};
