// Capstone 08, a solution: the echo server.
#include "echo_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>

// [handler_read]
echo_handler::echo_handler(asyncore::socket sock, asyncore::channel_map* map)
    : dispatcher_with_send(std::move(sock), map) {
    // Echo small messages at once. With Nagle's algorithm on, a reply may wait for the ACK of
    // the previous one, and the client delays that ACK: 40 ms stalls (see chapter 11's bench).
    int on = 1;
    ::setsockopt(fileno(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

bool echo_handler::readable() {
    // TODO 1 begin
    return !finishing_ && out_buffer.size() < high_water;
    // TODO 1 end
}

void echo_handler::handle_read() {
    // TODO 2 begin
    static char buffer[65536];  // one loop, one thread: one buffer serves every client in turn
    std::size_t got = recv_into(buffer, sizeof buffer);
    if (got > 0) send(std::string_view(buffer, got));
    // TODO 2 end
}
// [handler_read]

// [handler_finish]
void echo_handler::handle_write() {
    // TODO 3 begin
    initiate_send();
    if (finishing_ && out_buffer.empty()) close();
    // TODO 3 end
}

void echo_handler::handle_eof() {
    // TODO 4 begin
    finishing_ = true;  // the client may have only half-closed: it still wants its echo
    if (out_buffer.empty()) close();
    // TODO 4 end
}

void echo_handler::handle_close() { close(); }
// [handler_finish]

// [server]
echo_server::echo_server(const asyncore::address& where, asyncore::channel_map* map, std::ostream& log)
    : dispatcher(map), log_(log) {
    // TODO 5 begin
    create_socket(where.family(), SOCK_STREAM);
    set_reuse_addr();
    bind(where);
    listen(1024);  // hundreds of clients may connect at once: a deep queue turns none away
    // TODO 5 end
}

asyncore::address echo_server::local_address() { return sock().getsockname(); }

void echo_server::handle_accepted(asyncore::socket sock, const asyncore::address& peer) {
    // TODO 6 begin
    log_ << "connection from " << peer.to_string() << std::endl;
    asyncore::make<echo_handler>(std::move(sock), &map());
    // TODO 6 end
}
// [server]
