// Capstone 10: the port forwarder. Read chapters/10-port-forwarder/README.md first.
// Check your work with:  ./course check 10
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "forwarder.hpp"
#include "server_program.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <exception>
#include <string>
#include <string_view>
#include <utility>

namespace {

// What the exception being handled says: call it inside a catch block, or in handle_error().
std::string current_error() {
    try {
        throw;
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown error";
    }
}

// Pass small writes on at once. With Nagle's algorithm, a piece the forwarder read after an
// earlier one waits for that one's ACK, which the peer may delay by 40 ms (see the Performance
// page): the forwarder would add stalls the two peers never had between them.
void send_at_once(int fd) {
    int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

}  // namespace

// [ends]
forward_end::forward_end(asyncore::socket sock, asyncore::channel_map* map, std::ostream& log)
    : dispatcher_with_send(std::move(sock), map), log_(log) {
    send_at_once(fileno());
}

forward_end::forward_end(int family, asyncore::channel_map* map, std::ostream& log)
    : dispatcher_with_send(map), log_(log) {
    create_socket(family, SOCK_STREAM);
    send_at_once(fileno());
}

forward_end::~forward_end() {
    timer_.cancel();
    if (partner_) partner_->partner_ = nullptr;
}

void forward_end::pair(forward_end& a, forward_end& b) noexcept {
    a.partner_ = &b;
    b.partner_ = &a;
}
// [ends]

// [readable]
bool forward_end::readable() {
    // TODO 3 begin: backpressure. Read only when there is a partner, it is connected (a connect
    //         may still be under way), this end has not read end of file yet, and the partner's
    //         out_buffer holds fewer than buffer_limit bytes.
    return true;
    // TODO 3 end
}
// [readable]

void forward_end::handle_connect() {
    // Nothing to do: the client's end asks readable() every pass, and now it hears yes.
}

// [read]
void forward_end::handle_read() {
    // TODO 4 begin: recv_into() a buffer at most as large as the room left in the partner's
    //         out_buffer (buffer_limit minus what waits there), and send() what arrived to the
    //         partner. recv_into() may call handle_eof() or handle_close(), which can close the
    //         pair: the partner can be gone after it returns.
    // TODO 4 end
}
// [read]

// [eof]
void forward_end::handle_eof() {
    // TODO 5 begin: half-close. Our peer sends nothing more: remember it (read_done_), ask the
    //         partner to shut its write side down once its out_buffer is sent
    //         (shutdown_when_done()), then close_if_finished(). Do not close now: bytes may still
    //         wait, both ways.
    close();
    // TODO 5 end
}

void forward_end::handle_write() {
    // TODO 6 begin: after sending, the pair may be finished: call close_if_finished().
    initiate_send();
    // TODO 6 end
}

void forward_end::close_if_finished() {
    // TODO 7 begin: when both ends have read end of file and both out_buffers are empty (so both
    //         half-closes went out), both directions are done: close_both().
    // TODO 7 end
}
// [eof]

// [close]
void forward_end::handle_close() {
    // TODO 8 begin: a reset, or a peer that vanished: nothing more can go either way. close_both().
    close();
    // TODO 8 end
}

void forward_end::handle_error() {
    // TODO 9 begin: log one line with what went wrong (a refused connect arrives here: its what()
    //         says "Connection refused": current_error(), above, gives it), then close_both().
    close();
    // TODO 9 end
}

// Closes this end and its partner, and unlinks them.
void forward_end::close_both() {
    timer_.cancel();
    if (forward_end* other = std::exchange(partner_, nullptr)) {
        other->partner_ = nullptr;
        other->timer_.cancel();
        other->close();
    }
    close();
}
// [close]

// [forwarder]
forwarder::forwarder(const asyncore::address& local, const asyncore::address& remote, asyncore::channel_map* map,
                     std::ostream& log, forward_limits limits)
    : dispatcher(map), remote_(remote), log_(log), limits_(limits) {
    // TODO 1 begin: create a socket of local's family, reuse the address, bind to `local`, listen
    //         (with a deep queue: many clients may connect at once).
    (void)local;
    // TODO 1 end
}

asyncore::address forwarder::local_address() { return sock().getsockname(); }

void forwarder::handle_accepted(asyncore::socket sock, const asyncore::address& peer) {
    // TODO 2 begin: log "connection from HOST:PORT" (one line). Make the remote's end
    //         (asyncore::make<forward_end>(remote_.family(), &map(), log_)), then the client's
    //         end for `sock`, pair() them, and connect the remote's end to remote_. connect()
    //         can throw at once (a Unix socket path where nobody listens, say): catch it and let
    //         remote->handle_error() log it and close both ends.
    (void)sock;
    (void)peer;
    // TODO 2 end
}
// [forwarder]

// A failed accept costs one client, never the listener.
void forwarder::handle_error() { log_ << "accept failed: " << current_error() << std::endl; }

// [watch]
// The timeouts and the connection limit (given; chapter 12 is about timers). One timer per pair,
// on the client's end. While the remote's connect is pending, it looks every 0.1 s whether the
// client has left (the client's end is not readable meanwhile, so no event would say so), and
// closes the pair at the connect deadline. Then it watches for idleness: an event only notes the
// time, and the timer, when it fires, closes the pair or sets itself again.
namespace {

constexpr double client_left_check = 0.1;  // seconds between looks while the connect is pending

asyncore::timer_clock::duration seconds(double s) {
    return std::chrono::duration_cast<asyncore::timer_clock::duration>(std::chrono::duration<double>(s));
}

// True if the peer of `fd` has closed (end of file with no byte before it) or reset: a look with
// MSG_PEEK, which takes nothing. A client that sent bytes before its end of file may only have
// half-closed and wait for the reply: it keeps its pair until the connect ends, or times out.
bool peer_left(int fd) {
    char byte;
    ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

}  // namespace

void forward_end::watch(const forward_limits& limits) {
    limits_ = limits;
    connect_deadline_ = asyncore::timer_clock::now() + seconds(limits.connect_timeout);
    timer_.cancel();
    timer_ = asyncore::call_later(client_left_check, [this] { check_pair(); }, &map());
}

void forward_end::check_pair() {
    if (!partner_) return;  // the pair is closed (close() is not virtual: the timer may outlive it)
    auto now = asyncore::timer_clock::now();
    if (partner_->connecting) {
        if (limits_.connect_timeout > 0 && now >= connect_deadline_) {
            log_ << "closing a connection: the remote did not answer within " << limits_.connect_timeout << " s"
                 << std::endl;
            close_both();
        } else if (peer_left(fileno())) {
            log_ << "closing a connection: the client left before the remote answered" << std::endl;
            close_both();
        } else {
            auto next = now + seconds(client_left_check);
            if (limits_.connect_timeout > 0 && connect_deadline_ < next) next = connect_deadline_;
            timer_ = asyncore::call_at(next, [this] { check_pair(); }, &map());
        }
        return;
    }
    if (limits_.idle_timeout <= 0) return;
    auto idle_until = last_active_ + seconds(limits_.idle_timeout);
    if (now >= idle_until) {
        log_ << "closing a connection: idle for " << limits_.idle_timeout << " s" << std::endl;
        close_both();
        return;
    }
    timer_ = asyncore::call_at(idle_until, [this] { check_pair(); }, &map());
}

void forward_end::handle_read_event() {
    last_active_ = asyncore::timer_clock::now();
    if (partner_) partner_->last_active_ = last_active_;
    dispatcher_with_send::handle_read_event();
}

void forward_end::handle_write_event() {
    last_active_ = asyncore::timer_clock::now();
    if (partner_) partner_->last_active_ = last_active_;
    dispatcher_with_send::handle_write_event();
}

void forwarder::handle_accept() {
    auto clients = [this] { return (map().size() - 1) / 2; };  // two ends per client in the map, and this one
    auto serve = [this](asyncore::socket sock, const asyncore::address& peer) {
        int fd = sock.fileno();
        handle_accepted(std::move(sock), peer);
        auto* client = dynamic_cast<forward_end*>(map().get(fd));
        if (client && client->partner()) client->watch(limits_);
    };
    server_program::accept_waiting(*this, clients, limits_.max_connections, log_, serve);
}
// [watch]
