// Exercise 13: a chat room on async_chat. The tests use these classes; you write the protocol
// parts of chat_room.cpp.
#pragma once

#include <asyncore/asyncore.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

class chat_member;

/// The members of one chat room: who is in it, and how to tell them all something.
class chat_room {
public:
    /// Adds `member`; from now on it hears what the others say.
    void join(chat_member& member);
    /// Takes `member` out. Returns whether it was in.
    bool leave(chat_member& member);
    /// Pushes `text` to every member but `except` (nullptr: to all).
    void broadcast(std::string_view text, const chat_member* except);
    /// How many members are in the room.
    std::size_t size() const noexcept { return members_.size(); }

private:
    std::vector<chat_member*> members_;
};

/// One client of the chat room. The protocol, one line at a time ("\n", a "\r" before it dropped):
///
/// - the server greets: `welcome! your name?`
/// - the first line is the client's name: it gets `hello NAME`, the others `* NAME joined`;
/// - `/paste N`: the next N bytes (newlines and all) go to the others as `NAME pasted N bytes:`,
///   a newline, the N bytes, a newline; N is a number from 0 to max_paste, else the client gets
///   `error: bad paste size` and nothing else happens;
/// - `/quit`: the client gets `bye`, and the connection closes once everything queued for it
///   is sent; the others get `* NAME left` (as when a client hangs up);
/// - any other line goes to the others as `NAME: LINE`;
/// - a line longer than max_line bytes: the client gets `error: line too long` and the connection
///   closes once it is sent; nothing of that line is kept or sent to anyone.
class chat_member : public asyncore::async_chat {
public:
    /// The longest line a client may send, "\n" not counted.
    static constexpr std::size_t max_line = 1024;
    /// The largest paste.
    static constexpr std::size_t max_paste = 1 << 20;

    /// Wraps a connected client socket, registered in `channels`, in `room`.
    chat_member(asyncore::socket sock, chat_room& room, asyncore::channel_map& channels);
    ~chat_member() override;

    void collect_incoming_data(std::string_view data) override;
    void found_terminator() override;
    void handle_close() override;

    /// The client's name; empty until its first line.
    const std::string& name() const noexcept { return name_; }
    /// How many bytes of the current line (or paste) are held.
    std::size_t held() const noexcept { return message_.size(); }

private:
    void named(const std::string& name);  // the first line: join the room and say so
    void said(const std::string& line);   // any later line: a command or a message
    void pasted(const std::string& bytes);

    chat_room& room_;
    std::string name_;
    std::string message_;   // the line (or paste) being collected
    bool pasting_ = false;  // the current message is a paste, ended by a count
    bool refused_ = false;  // a line was too long: the connection is closing, input is ignored
};
