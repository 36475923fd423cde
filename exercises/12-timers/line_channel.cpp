// Exercise 12: an idle timeout for a line server. Read chapters/12-timers/README.md first.
// Check your work with:  ./course check 12
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "line_channel.hpp"

#include <utility>

// [timer_parts]
line_channel::line_channel(asyncore::socket sock, asyncore::channel_map& channels, double idle_timeout)
    : dispatcher_with_send(std::move(sock), &channels), idle_timeout_(idle_timeout) {
    // TODO 1 begin: arm the idle timer: in idle_timeout_ seconds, in the loop over this
    //         channel's map, call handle_idle(). Keep the handle in idle_timer_.
    // TODO 1 end
}

line_channel::~line_channel() {
    // TODO 4 begin: the channel is going away: its timer must never call it again.
    // TODO 4 end
}

void line_channel::handle_read() {
    std::string data = recv(4096);
    if (data.empty()) return;  // end of file: recv() has called handle_close()
    // TODO 2 begin: the client spoke: it gets idle_timeout_ seconds from now, not from before.
    //         Re-arm the idle timer, so that one timer, and only one, is pending.
    // TODO 2 end
    partial_ += data;
    std::size_t start = 0;
    for (auto end = partial_.find('\n'); end != std::string::npos; end = partial_.find('\n', start)) {
        answer(partial_.substr(start, end - start));
        start = end + 1;
    }
    partial_.erase(0, start);
}

void line_channel::handle_close() {
    // TODO 3 begin: the client left: call its idle timeout off.
    // TODO 3 end
    close();
}
// [timer_parts]

void line_channel::answer(const std::string& line) {
    send("you said: " + line + "\n");
    ++answered;
}

void line_channel::handle_idle() {
    timed_out = true;
    close();
}
