// Exercise 13: a chat room on async_chat. Read chapters/13-async-chat/README.md first.
// Check your work with:  ./course check 13
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are. The protocol is described in chat_room.hpp.
#include "chat_room.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace {

// "N" as a paste size: a number from 0 to max_paste, or nothing.
[[maybe_unused]] std::optional<std::size_t> paste_size(const std::string& text) {
    if (text.empty() || text.size() > 8 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    std::size_t size = std::stoul(text);
    if (size > chat_member::max_paste) return std::nullopt;
    return size;
}

}  // namespace

// [protocol]
chat_member::chat_member(asyncore::socket sock, chat_room& room, asyncore::channel_map& channels)
    : async_chat(std::move(sock), &channels), room_(room) {
    // TODO 1 begin: a new client. Input comes in lines ended by "\n": say so to async_chat.
    //         Then greet the client: "welcome! your name?" and a newline.
    // TODO 1 end
}

void chat_member::collect_incoming_data(std::string_view data) {
    // TODO 2 begin: bytes of the current line (or paste) arrived: keep them in message_.
    //         A line may not grow past max_line bytes: refuse it then and there (a client that
    //         never sends "\n" must not make us hold its bytes): set refused_, drop what was
    //         kept, push "error: line too long" and a newline, and close once that is sent.
    //         After that, ignore every byte. (A paste may be up to max_paste bytes.)
    (void)data;
    // TODO 2 end
}

void chat_member::found_terminator() {
    // TODO 3 begin: the current message is complete (its terminator was consumed, and is not in
    //         message_). Take it, and empty message_ for the next one. Then:
    //         - after a refused line, nothing;
    //         - a paste (pasting_): back to lines, and pasted(bytes);
    //         - a line: drop a "\r" at its end; the first line is the name (named()), every
    //           later one goes to said().
    // TODO 3 end
}

void chat_member::said(const std::string& line) {
    // TODO 4 begin: the commands. "/quit": push "bye" and a newline, and close once it is sent.
    //         "/paste N": paste_size(the text after "/paste ") gives N, or nothing when it is no
    //         size: then push "error: bad paste size" and a newline. Otherwise the next N bytes
    //         are the paste (pasting_). A command is not said to the room: return after it.
    // TODO 4 end
    room_.broadcast(name_ + ": " + line + "\n", this);
}
// [protocol]

void chat_member::named(const std::string& name) {
    name_ = name;
    push("hello " + name_ + "\n");
    room_.broadcast("* " + name_ + " joined\n", this);
    room_.join(*this);
}

void chat_member::pasted(const std::string& bytes) {
    room_.broadcast(name_ + " pasted " + std::to_string(bytes.size()) + " bytes:\n" + bytes + "\n", this);
}

void chat_member::handle_close() {
    if (room_.leave(*this)) room_.broadcast("* " + name_ + " left\n", this);
    async_chat::handle_close();
}

chat_member::~chat_member() { room_.leave(*this); }

void chat_room::join(chat_member& member) { members_.push_back(&member); }

bool chat_room::leave(chat_member& member) {
    auto at = std::find(members_.begin(), members_.end(), &member);
    if (at == members_.end()) return false;
    members_.erase(at);
    return true;
}

void chat_room::broadcast(std::string_view text, const chat_member* except) {
    // A copy: push() may meet a peer that is gone, and that member's handle_close() leaves the room.
    std::vector<chat_member*> members = members_;
    for (chat_member* member : members)
        if (member != except) member->push(text);
}
