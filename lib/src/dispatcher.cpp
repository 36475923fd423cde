// The dispatcher's life, registration, event routing, default handlers and logging.
// Its socket operations are in dispatcher_socket.cpp.
#include "asyncore/dispatcher.hpp"

#include "asyncore/errors.hpp"
#include "deliver.hpp"

#include <cxxabi.h>

#include <cerrno>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <typeinfo>

namespace asyncore {

dispatcher::dispatcher(channel_map* map) noexcept : map_(map ? map : &socket_map) {}

#if ASYNCORE_CHAPTER >= 2
// [wrap]
dispatcher::dispatcher(socket sock, channel_map* map) : dispatcher(map) {
    sock.set_blocking(false);
    address peer;
    try {
        peer = sock.getpeername();
        connected = true;
    } catch (const std::system_error& e) {
        // A socket reset before we looked has no peer: not an error, just not connected
        // (EINVAL is how macOS says it, bpo-10340). Anything else is a real failure.
        if (e.code().value() != ENOTCONN && e.code().value() != EINVAL) throw;
    }
    set_socket(std::move(sock));
    addr = peer;
}
// [wrap]
#endif

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
    // Only a channel made by make() is shared_ptr-owned; asking others would throw bad_weak_ptr.
    target.add(fileno(), *this, owned_by_map_ ? shared_from_this() : nullptr);
}

void dispatcher::del_channel(channel_map* map) {
    if (registered_in_ && (!map || map == registered_in_)) registered_in_->remove(registered_fd_, *this);
}

int dispatcher::fileno() const noexcept { return io_ ? io_->fileno() : -1; }

void dispatcher::hand_over_to_map() {
    owned_by_map_ = true;
    if (registered_in_) registered_in_->add(registered_fd_, *this, shared_from_this());
}

stream& dispatcher::io() {
    if (!io_) throw std::logic_error(repr() + " has no socket yet: call create_socket() or set_socket() first");
    return *io_;
}

socket& dispatcher::sock() {
    auto* s = dynamic_cast<socket*>(&io());
    if (!s) throw std::logic_error(repr() + " wraps a file, not a socket");
    return *s;
}

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
    if (accepting) return;  // poll() never asks, but an event can still come through readwrite()
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

#if ASYNCORE_CHAPTER >= 5
// [handle_connect_event]
void dispatcher::handle_connect_event() {
    int err = io().pending_error();
    if (err != 0) throw_errno(err, "connect to " + addr.to_string());
    handle_connect();
    if (!connecting) return;  // handle_connect() closed the channel (close() clears connecting)
    connected = true;
    connecting = false;
}
// [handle_connect_event]
#endif

// ---------------------------------------------------------------------------------------------
// Default handlers: they say what went unhandled (visible once warnings are enabled).

void dispatcher::handle_read() { log_info("unhandled read event", "warning"); }

void dispatcher::handle_write() { log_info("unhandled write event", "warning"); }

void dispatcher::handle_expt() { log_info("unhandled incoming priority event", "warning"); }

#if ASYNCORE_CHAPTER >= 4
// [handle_accept]
void dispatcher::handle_accept() {
    if (auto pair = accept()) handle_accepted(std::move(pair->first), pair->second);
}

void dispatcher::handle_accepted(socket sock, const address&) {
    sock.close();
    log_info("unhandled accepted event", "warning");
}
// [handle_accept]
#endif

#if ASYNCORE_CHAPTER >= 5
void dispatcher::handle_connect() { log_info("unhandled connect event", "warning"); }
#endif

#if ASYNCORE_CHAPTER >= 7
// [handle_eof]
void dispatcher::handle_eof() { handle_close(); }
// [handle_eof]
#endif

void dispatcher::handle_close() {
    log_info("unhandled close event", "warning");
    close();
}

namespace {

std::string demangle(const char* mangled) {
    int status = 0;
    std::unique_ptr<char, decltype(&std::free)> name(abi::__cxa_demangle(mangled, nullptr, nullptr, &status),
                                                     &std::free);
    return status == 0 && name ? name.get() : mangled;
}

// "std::runtime_error: boom": the C++ stand-in for Python's "type:value".
std::string describe_current_exception() {
    std::type_info* type = abi::__cxa_current_exception_type();
    if (!type) return "no exception";
    try {
        throw;
    } catch (const std::exception& e) {
        return demangle(type->name()) + ": " + e.what();
    } catch (...) {
        return demangle(type->name());
    }
}

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
             describe_current_exception() + ")", "error");
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
                     describe_current_exception() + ")", "error");
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
    out << '<' << demangle(typeid(*this).name());
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
