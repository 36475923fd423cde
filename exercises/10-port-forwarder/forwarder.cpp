// Capstone 10: the port forwarder. Read chapters/10-port-forwarder/README.md first.
// Check your work with:  ./course check 10
#include "forwarder.hpp"

#include <algorithm>
#include <exception>
#include <string>
#include <string_view>
#include <utility>

namespace {

// Given.
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

}  // namespace

// Given: making the two ends and linking them.
forward_end::forward_end(asyncore::socket sock, asyncore::channel_map* map, std::ostream& log)
    : dispatcher_with_send(std::move(sock), map), log_(log) {}

forward_end::forward_end(int family, asyncore::channel_map* map, std::ostream& log)
    : dispatcher_with_send(map), log_(log) {
    create_socket(family, SOCK_STREAM);
}

forward_end::~forward_end() {
    if (partner_) partner_->partner_ = nullptr;
}

void forward_end::pair(forward_end& a, forward_end& b) noexcept {
    a.partner_ = &b;
    b.partner_ = &a;
}

bool forward_end::readable() {
    // TODO 3: backpressure. Read only when there is a partner, it is connected (a connect may
    //         still be under way), this end has not read end of file yet, and the partner's
    //         out_buffer holds fewer than buffer_limit bytes.
    return true;
}

void forward_end::handle_connect() {
    // Given: nothing to do. The client's end asks readable() every pass, and now it hears yes.
}

void forward_end::handle_read() {
    // TODO 4: recv_into() a buffer at most as large as the room left in the partner's out_buffer
    //         (buffer_limit minus what waits there), and send() what arrived to the partner.
    //         recv_into() may call handle_eof() or handle_close(): the partner can be gone after.
}

void forward_end::handle_eof() {
    // TODO 5: half-close. Our peer sends nothing more: remember it (read_done_), ask the partner
    //         to shut its write side down once its out_buffer is sent (shutdown_when_done()),
    //         then close_if_finished(). Do not close now: bytes may still wait, both ways.
    close();
}

void forward_end::handle_write() {
    // TODO 6: after sending, the pair may be finished: call close_if_finished().
    initiate_send();
}

void forward_end::close_if_finished() {
    // TODO 7: when both ends have read end of file and both out_buffers are empty (so both
    //         half-closes went out), both directions are done: close_both().
}

void forward_end::handle_close() {
    // TODO 8: a reset, or a peer that vanished: nothing more can go either way. close_both().
    close();
}

void forward_end::handle_error() {
    // TODO 9: log one line with what went wrong (a refused connect arrives here: its what()
    //         says "Connection refused": current_error(), above, gives it), then close_both().
    close();
}

// Given: closes this end and its partner, and unlinks them.
void forward_end::close_both() {
    if (forward_end* other = std::exchange(partner_, nullptr)) {
        other->partner_ = nullptr;
        other->close();
    }
    close();
}

forwarder::forwarder(const asyncore::address& local, const asyncore::address& remote, asyncore::channel_map* map,
                     std::ostream& log)
    : dispatcher(map), remote_(remote), log_(log) {
    // TODO 1: create a socket of local's family, reuse the address, bind to `local`, listen
    //         (with a deep queue: many clients may connect at once).
    (void)local;
}

asyncore::address forwarder::local_address() { return sock().getsockname(); }

void forwarder::handle_accepted(asyncore::socket sock, const asyncore::address& peer) {
    // TODO 2: log "connection from HOST:PORT" (one line). Make the remote's end
    //         (asyncore::make<forward_end>(remote_.family(), &map(), log_)), then the client's
    //         end for `sock`, pair() them, and connect the remote's end to remote_. connect()
    //         can throw at once: catch it and let remote->handle_error() deal with it.
    (void)sock;
    (void)peer;
}

// Given: a failed accept costs one client, never the listener.
void forwarder::handle_error() { log_ << "accept failed: " << current_error() << std::endl; }
