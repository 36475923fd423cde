#include "asyncore/dispatcher_with_send.hpp"

#include <string>

namespace asyncore {

namespace {

// Python's repr() of bytes, shortened: enough to see what is being sent in a debug log.
std::string preview(std::string_view data) {
    constexpr std::size_t most = 60;
    static const char hex[] = "0123456789abcdef";
    std::string text = "b'";
    for (unsigned char c : data.substr(0, most)) {
        if (c == '\\' || c == '\'') {
            text += '\\';
            text += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7f) {
            text += static_cast<char>(c);
        } else {
            text += "\\x";
            text += hex[c >> 4];
            text += hex[c & 15];
        }
    }
    text += '\'';
    if (data.size() > most) text += "... (" + std::to_string(data.size()) + " bytes)";
    return text;
}

}  // namespace

// [initiate_send]
void dispatcher_with_send::initiate_send() {
    if (!out_buffer.empty()) out_buffer.consume(dispatcher::send(out_buffer.front(max_send_size)));
#if ASYNCORE_CHAPTER >= 7
    shutdown_if_done();
#endif
}
// [initiate_send]

// [handle_write]
void dispatcher_with_send::handle_write() { initiate_send(); }
// [handle_write]

// [writable]
bool dispatcher_with_send::writable() { return !connected || !out_buffer.empty(); }
// [writable]

// [send]
std::size_t dispatcher_with_send::send(std::string_view data) {
    if (fileno() < 0) return dispatcher::send(data);  // closed: 0, nothing queued (no socket yet: it throws)
    if (debug) log_info("sending " + preview(data));
    out_buffer.append(data);
    initiate_send();
    return data.size();
}
// [send]

}  // namespace asyncore
