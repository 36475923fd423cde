// Exercise 13, a solution: a chat room on async_chat.
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
    // TODO 1 begin
    set_terminator("\n");
    push("welcome! your name?\n");
    // TODO 1 end
}

void chat_member::collect_incoming_data(std::string_view data) {
    // TODO 2 begin
    if (refused_) return;
    if (!pasting_ && message_.size() + data.size() > max_line) {
        refused_ = true;
        message_.clear();
        push("error: line too long\n");
        close_when_done();
        return;
    }
    message_ += data;
    // TODO 2 end
}

void chat_member::found_terminator() {
    // TODO 3 begin
    if (refused_) return;
    std::string message = std::exchange(message_, {});
    if (pasting_) {
        pasting_ = false;
        set_terminator("\n");
        pasted(message);
        return;
    }
    if (!message.empty() && message.back() == '\r') message.pop_back();
    if (name_.empty())
        named(message);
    else
        said(message);
    // TODO 3 end
}

void chat_member::said(const std::string& line) {
    // TODO 4 begin
    if (line == "/quit") {
        push("bye\n");
        close_when_done();
        return;
    }
    if (line.rfind("/paste ", 0) == 0) {
        std::optional<std::size_t> size = paste_size(line.substr(7));
        if (!size) {
            push("error: bad paste size\n");
        } else if (*size == 0) {
            pasted("");  // a count of 0 would be no terminator at all
        } else {
            pasting_ = true;
            set_terminator(*size);
        }
        return;
    }
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
