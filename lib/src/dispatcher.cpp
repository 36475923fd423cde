// The dispatcher's life, registration, event routing, default handlers and logging. What later
// chapters add has files of its own: dispatcher_socket.cpp (02), dispatcher_accept.cpp (04),
// dispatcher_connect.cpp (05), half_close.cpp (07).
#include "asyncore/dispatcher.hpp"

#include "asyncore/errors.hpp"
#include "deliver.hpp"
#include "type_name.hpp"

#include <cerrno>
#include <cstdint>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace asyncore {

dispatcher::dispatcher(channel_map* map) noexcept : map_(map ? map : &socket_map) {}

// [destructor]
dispatcher::~dispatcher() {
    del_channel();
    // io_ closes the descriptor as it goes.
}
// [destructor]

// ---------------------------------------------------------------------------------------------
// Registration

void dispatcher::set_socket(socket sock, channel_map* map) {
    set_stream(std::make_unique<socket>(std::move(sock)), map);
}

void dispatcher::set_stream(std::unique_ptr<stream> io, channel_map* map) {
    del_channel();  // a channel has one descriptor; a new one replaces the old registration
    io_ = std::move(io);
    add_channel(map);
}

void dispatcher::add_channel(channel_map* map) {
    channel_map& target = map ? *map : *map_;
    if (registered_in_ && registered_in_ != &target) del_channel();
#if ASYNCORE_CHAPTER >= 2
    if (auto owner = self_.lock()) return target.add(fileno(), *this, std::move(owner));  // made by make()
#endif
    target.add(fileno(), *this);
}

void dispatcher::del_channel(channel_map* map) {
    if (registered_in_ && (!map || map == registered_in_)) registered_in_->remove(registered_fd_, *this);
}

int dispatcher::fileno() const noexcept { return io_ ? io_->fileno() : -1; }

stream& dispatcher::io() {
    if (!io_) throw std::logic_error(repr() + " has no socket yet: call create_socket() or set_socket() first");
    return *io_;
}

socket& dispatcher::sock() {
    auto* s = dynamic_cast<socket*>(&io());
    if (!s) throw std::logic_error(repr() + " wraps a file, not a socket");
    return *s;
}

// [close]
void dispatcher::close() {
#if ASYNCORE_CHAPTER >= 2
    connected = false;
#endif
#if ASYNCORE_CHAPTER >= 4
    accepting = false;
#endif
#if ASYNCORE_CHAPTER >= 5
    connecting = false;
#endif
    del_channel();
    if (!io_) return;
    try {
        io_->close();
    } catch (const std::system_error& e) {
        // Already gone is as good as closed; anything else is worth hearing about.
        if (e.code().value() != ENOTCONN && e.code().value() != EBADF) throw;
    }
}
// [close]

// ---------------------------------------------------------------------------------------------
// Readiness and events

bool dispatcher::readable() { return true; }

bool dispatcher::writable() { return true; }

// [handle_read_event]
void dispatcher::handle_read_event() {
#if ASYNCORE_CHAPTER >= 4
    if (accepting) {  // on a listening socket, "readable" means "a connection waits"
        handle_accept();
        return;
    }
#endif
#if ASYNCORE_CHAPTER >= 5
    if (!connected && connecting) {  // a failed connect also reads as ready
        handle_connect_event();
        if (!connected) return;  // handle_connect() closed the channel: that was its end
    }
#endif
    handle_read();
}
// [handle_read_event]

// [handle_write_event]
void dispatcher::handle_write_event() {
#if ASYNCORE_CHAPTER >= 4
    if (accepting) return;  // the pass never watches it for writing, but readwrite() may be told so
#endif
#if ASYNCORE_CHAPTER >= 5
    if (!connected && connecting) {  // writable means "connect finished"
        handle_connect_event();
        if (!connected) return;  // handle_connect() closed the channel: no handle_write() after it
    }
#endif
#if ASYNCORE_CHAPTER >= 7
    // No peer and no connect under way, yet an error waits: a socket accepted after its peer
    // reset. Such a socket is writable at once and forever; dispatcher_with_send, which says
    // "writable" while not connected, would spin on it. It is over.
    if (!connected && !connecting && io_ && io_->pending_error() != 0) {
        handle_close();
        return;
    }
#endif
    handle_write();
}
// [handle_write_event]

// [handle_expt_event]
void dispatcher::handle_expt_event() {
#if ASYNCORE_CHAPTER >= 7
    // Some systems report a failed connect or a reset as an exceptional condition; only urgent
    // data is worth a handler, an error ends the channel.
    if (io_ && io_->pending_error() != 0) {
        handle_close();
        return;
    }
#endif
    handle_expt();
}
// [handle_expt_event]

// ---------------------------------------------------------------------------------------------
// Default handlers: they say what went unhandled (visible once warnings are enabled).

void dispatcher::handle_read() { log_info("unhandled read event", "warning"); }

void dispatcher::handle_write() { log_info("unhandled write event", "warning"); }

void dispatcher::handle_expt() { log_info("unhandled incoming priority event", "warning"); }

void dispatcher::handle_close() {
    log_info("unhandled close event", "warning");
    close();
}

namespace {

// repr(), or a plain stand-in if it throws: a broken repr() must not hide the error being reported.
std::string repr_for_error_log(const dispatcher& obj) {
    try {
        return obj.repr();
    } catch (...) {
        return "<dispatcher at " + std::to_string(reinterpret_cast<std::uintptr_t>(&obj)) + ">";
    }
}

}  // namespace

// [handle_error]
void dispatcher::handle_error() {
    log_info("uncaptured exception, closing channel " + repr_for_error_log(*this) + " (" +
             compact_traceback().to_string() + ")", "error");
    handle_close();
}
// [handle_error]

// [handle_error_safely]
void detail::handle_error_safely(dispatcher& obj) {
    try {
        obj.handle_error();
    } catch (const exit_now&) {
        throw;
    } catch (...) {  // the channel's last resort failed: say so, and end it ourselves
        obj.log_info("uncaptured exception in handle_error(), closing channel " + repr_for_error_log(obj) + " (" +
                     compact_traceback().to_string() + ")", "error");
        obj.close();
    }
}
// [handle_error_safely]

// ---------------------------------------------------------------------------------------------
// Logging

void dispatcher::log(std::string_view message) { std::cerr << "log: " << message << std::endl; }

void dispatcher::log_info(std::string_view message, std::string_view type) {
    if (ignore_log_types.find(type) == ignore_log_types.end()) std::cout << type << ": " << message << std::endl;
}

std::string dispatcher::repr() const {
    std::ostringstream out;
    out << '<' << detail::type_name(typeid(*this));
#if ASYNCORE_CHAPTER >= 2
    std::string_view state = connected ? " connected" : "";
#if ASYNCORE_CHAPTER >= 4
    if (accepting && !addr.empty()) state = " listening";
#endif
    out << state;
    if (!addr.empty()) out << ' ' << addr.to_string();
#endif
    out << " at " << static_cast<const void*>(this) << '>';
    return out.str();
}

}  // namespace asyncore
