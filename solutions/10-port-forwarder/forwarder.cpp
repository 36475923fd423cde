// Capstone 10, a solution: the port forwarder.
#include "forwarder.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
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
    if (partner_) partner_->partner_ = nullptr;
}

void forward_end::pair(forward_end& a, forward_end& b) noexcept {
    a.partner_ = &b;
    b.partner_ = &a;
}
// [ends]

// [readable]
bool forward_end::readable() {
    // TODO 3 begin
    // Read only what the partner can send on: it must be connected, and its buffer must have room.
    return partner_ && partner_->connected && !read_done_ && partner_->out_buffer.size() < buffer_limit;
    // TODO 3 end
}
// [readable]

void forward_end::handle_connect() {
    // Nothing to do: the client's end asks readable() every pass, and now it hears yes.
}

// [read]
void forward_end::handle_read() {
    // TODO 4 begin
    static char buffer[65536];  // one loop, one thread: one buffer serves every end in turn
    if (!partner_) return;
    std::size_t room = buffer_limit - std::min(buffer_limit, partner_->out_buffer.size());
    std::size_t got = recv_into(buffer, std::min(sizeof buffer, room));
    if (got > 0 && partner_) partner_->send(std::string_view(buffer, got));
    // TODO 4 end
}
// [read]

// [eof]
void forward_end::handle_eof() {
    // TODO 5 begin
    read_done_ = true;  // our peer sends nothing more: tell the other side, after the last byte
    if (partner_) partner_->shutdown_when_done();
    close_if_finished();
    // TODO 5 end
}

void forward_end::handle_write() {
    // TODO 6 begin
    initiate_send();  // shuts our write side down after the last byte, if the partner read EOF
    close_if_finished();
    // TODO 6 end
}

void forward_end::close_if_finished() {
    // TODO 7 begin
    // Both peers said "that is all", and both buffers are empty: both half-closes went out.
    if (partner_ && read_done_ && partner_->read_done_ && out_buffer.empty() && partner_->out_buffer.empty())
        close_both();
    // TODO 7 end
}
// [eof]

// [close]
void forward_end::handle_close() {
    // TODO 8 begin
    close_both();  // a reset, or a peer that vanished: nothing more can go either way
    // TODO 8 end
}

void forward_end::handle_error() {
    // TODO 9 begin
    log_ << "closing a connection: " << current_error() << std::endl;  // a refused connect, say
    close_both();
    // TODO 9 end
}

// Closes this end and its partner, and unlinks them.
void forward_end::close_both() {
    if (forward_end* other = std::exchange(partner_, nullptr)) {
        other->partner_ = nullptr;
        other->close();
    }
    close();
}
// [close]

// [forwarder]
forwarder::forwarder(const asyncore::address& local, const asyncore::address& remote, asyncore::channel_map* map,
                     std::ostream& log)
    : dispatcher(map), remote_(remote), log_(log) {
    // TODO 1 begin
    create_socket(local.family(), SOCK_STREAM);
    set_reuse_addr();
    bind(local);
    listen(1024);
    // TODO 1 end
}

asyncore::address forwarder::local_address() { return sock().getsockname(); }

void forwarder::handle_accepted(asyncore::socket sock, const asyncore::address& peer) {
    // TODO 2 begin
    log_ << "connection from " << peer.to_string() << std::endl;
    // The remote's end first: if no descriptor is left, `sock` closes and the client sees EOF.
    auto remote = asyncore::make<forward_end>(remote_.family(), &map(), log_);
    auto client = asyncore::make<forward_end>(std::move(sock), &map(), log_);
    forward_end::pair(*client, *remote);
    try {
        remote->connect(remote_);  // finishes in the loop; a refusal comes to remote->handle_error()
    } catch (...) {
        remote->handle_error();  // failed at once (a Unix path nobody listens on, say): log it, close both
    }
    // TODO 2 end
}
// [forwarder]

// A failed accept costs one client, never the listener.
void forwarder::handle_error() { log_ << "accept failed: " << current_error() << std::endl; }
