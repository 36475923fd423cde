// Exercise 12, a solution: an idle timeout for a line server.
#include "line_channel.hpp"

#include <utility>

// [timer_parts]
line_channel::line_channel(asyncore::socket sock, asyncore::channel_map& channels, double idle_timeout)
    : dispatcher_with_send(std::move(sock), &channels), idle_timeout_(idle_timeout) {
    // TODO 1 begin
    idle_timer_ = asyncore::call_later(idle_timeout_, [this] { handle_idle(); }, &map());
    // TODO 1 end
}

line_channel::~line_channel() {
    // TODO 4 begin
    idle_timer_.cancel();
    // TODO 4 end
}

void line_channel::handle_read() {
    std::string data = recv(4096);
    if (data.empty()) return;  // end of file: recv() has called handle_close()
    // TODO 2 begin
    idle_timer_.cancel();
    idle_timer_ = asyncore::call_later(idle_timeout_, [this] { handle_idle(); }, &map());
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
    // TODO 3 begin
    idle_timer_.cancel();
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
