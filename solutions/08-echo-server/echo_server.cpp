// Capstone 08, a solution: the echo server.
#include "echo_server.hpp"
#include "server_program.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <chrono>

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

void echo_handler::handle_close() {
    idle_timer_.cancel();
    close();
}
// [handler_finish]

// [server]
echo_server::echo_server(const asyncore::address& where, asyncore::channel_map* map, std::ostream& log,
                         client_limits limits)
    : dispatcher(map), log_(log), limits_(limits) {
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

// [idle]
// The idle timeout and the connection limit (given; chapter 12 is about timers). One timer per
// client, set once: an event only notes the time, and the timer, when it fires, either closes
// the client or sets itself again for the moment the client will have been idle long enough.
echo_handler::~echo_handler() { idle_timer_.cancel(); }

void echo_handler::close_when_idle(double seconds, std::ostream& log) {
    idle_timeout_ = seconds;
    idle_log_ = &log;
    idle_timer_.cancel();
    if (seconds > 0) idle_timer_ = asyncore::call_later(seconds, [this] { check_idle(); }, &map());
}

void echo_handler::check_idle() {
    if (fileno() < 0) return;  // closed already: close() is not virtual and does not cancel it
    auto idle_until = last_active_ + std::chrono::duration_cast<asyncore::timer_clock::duration>(
                                         std::chrono::duration<double>(idle_timeout_));
    if (asyncore::timer_clock::now() < idle_until) {  // heard from meanwhile: look again then
        idle_timer_ = asyncore::call_at(idle_until, [this] { check_idle(); }, &map());
        return;
    }
    *idle_log_ << "closing " << addr.to_string() << ": idle for " << idle_timeout_ << " s" << std::endl;
    close();
}

void echo_handler::handle_read_event() {
    last_active_ = asyncore::timer_clock::now();
    dispatcher_with_send::handle_read_event();
}

void echo_handler::handle_write_event() {
    last_active_ = asyncore::timer_clock::now();
    dispatcher_with_send::handle_write_event();
}

void echo_server::handle_accept() {
    auto clients = [this] { return map().size() - 1; };  // every channel of the map but this one
    auto serve = [this](asyncore::socket sock, const asyncore::address& peer) {
        int fd = sock.fileno();
        handle_accepted(std::move(sock), peer);
        if (auto* client = dynamic_cast<echo_handler*>(map().get(fd)))
            client->close_when_idle(limits_.idle_timeout, log_);
    };
    server_program::accept_waiting(*this, clients, limits_.max_connections, log_, serve);
}
// [idle]
