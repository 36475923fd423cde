/// \file
/// \brief The dispatcher: one channel of the loop, the class every handler derives from.
#pragma once

#include "asyncore/channel_map.hpp"
#include "asyncore/config.hpp"
#include "asyncore/socket.hpp"
#include "asyncore/stream.hpp"

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#if ASYNCORE_CHAPTER >= 2
#include "asyncore/address.hpp"
#endif

namespace asyncore {

/// One channel of the event loop: a descriptor, and the handlers that react to it.
///
/// The loop asks each channel two questions before it waits, readable() and writable(), and
/// after the wait calls handle_read_event(), handle_write_event() or handle_expt_event() for the
/// channels the kernel reported ready. Those route the event to the handlers you override:
/// handle_read(), handle_write(), handle_accept(), handle_connect(), handle_close(), ...
/// This is Python's `asyncore.dispatcher`, member for member.
///
/// **Who owns a dispatcher.** Whoever made it. Make one with asyncore::make() and its map owns
/// it: it stays alive while registered, and is destroyed after the loop pass in which it closed.
/// That is Python's "create a handler and forget it". Make one yourself (on the stack, in a
/// `unique_ptr`) and you own it: it leaves its map when destroyed, so the map never holds a
/// dangling pointer. Either way, never `delete this`; call close().
///
/// A dispatcher is neither copyable nor movable: its map holds its address.
/// \chapter{01}
class dispatcher {
public:
    /// A channel without a descriptor yet, registered later in `map` (nullptr: socket_map).
    explicit dispatcher(channel_map* map = nullptr) noexcept;
    dispatcher(const dispatcher&) = delete;
    dispatcher& operator=(const dispatcher&) = delete;
    /// Leaves the map and closes the descriptor.
    virtual ~dispatcher();

    /// \name State, as in Python: public flags the handlers read and the loop relies on.
    /// @{

    /// log_info() types that are not printed. Warnings are hidden by default, as in Python;
    /// clear the set to see the "unhandled ... event" messages of the default handlers.
    std::set<std::string, std::less<>> ignore_log_types{"warning"};
    /// @}

    /// \name Registration
    /// @{

    /// Takes `sock` as this channel's socket and registers it in `map` (nullptr: this channel's map).
    void set_socket(socket sock, channel_map* map = nullptr);
    /// Files this channel in `map` (nullptr: the map given to the constructor) under fileno().
    void add_channel(channel_map* map = nullptr);
    /// Takes this channel out of the map it is in. Safe to call when it is in none.
    void del_channel(channel_map* map = nullptr);
    /// The descriptor, or -1 when there is none.
    int fileno() const noexcept;
    /// The map this channel registers in (what Python keeps in `_map`).
    channel_map& map() const noexcept { return *map_; }
    /// @}

    /// \name Readiness: asked once per channel, every loop pass, before the wait
    /// @{

    /// Should the loop watch for incoming data? The default says yes.
    virtual bool readable();
    /// Should the loop watch for room to write? The default says yes, which makes an idle
    /// channel wake the loop at once, every pass: override it (dispatcher_with_send does).
    virtual bool writable();
    /// @}

    /// \name Events: called by the loop, they route to the handlers below
    /// @{

    /// The descriptor is readable: a connection waits (accepting), a connect finished
    /// (connecting), or data or end of file arrived.
    virtual void handle_read_event();
    /// The descriptor is writable: a connect finished (connecting), or there is room to send.
    /// From chapter 07 on, a channel that is neither connected nor connecting and has a socket
    /// error pending (a socket accepted after its peer reset) gets handle_close() instead: such a
    /// socket is writable forever, and Python's dispatcher_with_send spins on it.
    virtual void handle_write_event();
    /// The descriptor has an exceptional condition: urgent (out-of-band) data, or an error.
    virtual void handle_expt_event();
    /// @}

    /// \name Handlers: override the ones your channel needs
    /// @{

    /// Data (or end of file) can be read. Default: a warning.
    virtual void handle_read();
    /// There is room to send. Default: a warning.
    virtual void handle_write();
    /// Urgent data arrived. Default: a warning.
    virtual void handle_expt();
    /// A handler threw. Called inside the `catch`, so compact_traceback() describes the exception
    /// (and `throw;` rethrows it). Default: logs the exception's type and `what()` as an error,
    /// then handle_close(), and the loop goes on with the other channels.
    virtual void handle_error();
    /// The peer closed the connection, or the channel must end. Default: a warning, then close().
    virtual void handle_close();
    /// @}

    /// \name Socket operations
    /// @{

    /// Leaves the map and closes the descriptor; clears the state flags. Idempotent.
    void close();
    /// @}

    /// \name Logging
    /// @{

    /// Writes `log: message` to standard error (Python's `dispatcher.log`).
    virtual void log(std::string_view message);
    /// Writes `type: message` to standard output unless `type` is in ignore_log_types.
    virtual void log_info(std::string_view message, std::string_view type = "info");
    /// `<class [listening|connected] [host:port] at 0x...>`, like Python's `repr()`.
    std::string repr() const;
    /// @}

protected:
    /// Takes `io` as this channel's descriptor and registers it: what set_socket() does for a
    /// socket, and file_dispatcher for a file.
    void set_stream(std::unique_ptr<stream> io, channel_map* map = nullptr);
    /// The socket, for operations only sockets have. \throws std::logic_error if there is none.
    socket& sock();

private:
    friend class channel_map;

    stream& io();

    std::unique_ptr<stream> io_;
    channel_map* map_;
    channel_map* registered_in_ = nullptr;  // kept by channel_map::add/remove
    int registered_fd_ = -1;

#if ASYNCORE_CHAPTER >= 2
public:
    /// \name A socket of its own (chapter 02)
    /// @{

    /// Wraps a socket that is already open, typically one from accept(): makes it non-blocking,
    /// registers it, and sets `connected` and `addr` from its peer. A socket with no peer gives
    /// `connected == false` rather than an error.
    /// \chapter{02}
    explicit dispatcher(socket sock, channel_map* map = nullptr);

    /// True once the socket has a peer. \chapter{02}
    bool connected = false;
    /// The peer address, or the address given to bind() or connect(); empty until then. \chapter{02}
    address addr;

    /// Makes a non-blocking, close-on-exec socket of `family` and `type`, and registers it.
    /// \chapter{02}
    void create_socket(int family = AF_INET, int type = SOCK_STREAM);
    /// Sends what the kernel will take now. Returns the byte count: 0 if the socket buffer is
    /// full (would block), or if the peer is gone, in which case handle_close() was called.
    /// On a closed channel it does nothing and returns 0 (Python's send() fails with `EBADF` and
    /// calls handle_close() again).
    /// \throws std::system_error for any other error. \chapter{02}
    virtual std::size_t send(std::string_view data);
    /// Reads up to `buffer_size` bytes. An empty result means one of three things: end of file
    /// or a vanished peer (handle_close() was called; the default closes the channel), or no
    /// data after all (a spurious wake-up; asyncore raises here and loses the channel, bpo-16133).
    /// \throws std::system_error for any other error. \chapter{02}
    std::string recv(std::size_t buffer_size);
    /// recv() into a buffer of yours, saving an allocation per read. Returns the byte count.
    /// \chapter{02}
    std::size_t recv_into(char* buffer, std::size_t size);
    /// @}

private:
    template <class T, class... Args>
    friend std::shared_ptr<T> make(Args&&... args);

    void hand_over_to_map(std::shared_ptr<dispatcher> self);
    std::weak_ptr<dispatcher> self_;  // the map's own reference, for a channel made by make()
#endif
#if ASYNCORE_CHAPTER >= 3

public:
    /// \name Sending (chapter 03)
    /// @{

    /// When true, dispatcher_with_send logs every send. \chapter{03}
    bool debug = false;
    /// @}
#endif
#if ASYNCORE_CHAPTER >= 4

public:
    /// \name Accepting connections (chapter 04)
    /// @{

    /// True after listen(): read events mean "a connection waits", and the channel is never
    /// asked to write. \chapter{04}
    bool accepting = false;
    /// A listening socket has a connection waiting. Default: accept() it and pass it on to
    /// handle_accepted(). \chapter{04}
    virtual void handle_accept();
    /// A connection was accepted. Override it to make a handler for `sock`. Default: a warning,
    /// and the socket is closed (the client sees end of file). \chapter{04}
    virtual void handle_accepted(socket sock, const address& addr);
    /// Lets a server bind a port that still has connections in `TIME_WAIT` (`SO_REUSEADDR`);
    /// failure is ignored, as in Python. \chapter{04}
    void set_reuse_addr();
    /// Binds the socket to `where` and remembers it in `addr`.
    /// \throws std::system_error (`EADDRINUSE`: the port is taken). \chapter{04}
    void bind(const address& where);
    /// Starts listening; from now on a read event means a connection waits. \chapter{04}
    void listen(int backlog);
    /// Takes one waiting connection, or nothing if it went away (see socket::accept()).
    ///
    /// From chapter 07 on, a process out of descriptors (`EMFILE`, `ENFILE`) does not lose its
    /// server: the waiting connection is accepted into a descriptor kept in reserve and closed
    /// at once, an error is logged, and the result is empty. (Python raises, and the default
    /// handle_error() closes the listening socket.) \chapter{04}
    std::optional<std::pair<socket, address>> accept();
    /// @}
#endif
#if ASYNCORE_CHAPTER >= 5

public:
    /// \name Connecting (chapter 05)
    /// @{

    /// True between connect() and the event that completes it. \chapter{05}
    bool connecting = false;
    /// An outgoing connection is established. Default: a warning. \chapter{05}
    virtual void handle_connect();
    /// Completes connect(): reads `SO_ERROR`; on success calls handle_connect(), then sets
    /// `connected` and clears `connecting`, unless handle_connect() closed the channel: then the
    /// event ends there, with no handle_read() or handle_write() after it (Python goes on, and
    /// marks the closed channel connected). \throws std::system_error with the connect error
    /// (a refused connection, say), which the loop hands to handle_error(). \chapter{05}
    void handle_connect_event();
    /// Starts connecting to `where` without waiting. Sets `connecting`; the loop finishes the
    /// job in handle_connect_event(). A connect that succeeds at once (a Unix socket, say) calls
    /// handle_connect() before returning.
    /// \throws std::system_error if the connect fails at once; the channel then stays registered
    /// with `connecting` set, as in Python, and the caller should close() it. Unlike Python,
    /// `EAGAIN` (a Unix socket whose listener's queue is full) is such a failure: nothing is in
    /// progress, so there is nothing for the loop to wait for. \chapter{05}
    void connect(const address& where);
    /// Resolves `host` (blocking, see address::resolve()) for this socket's family, then connects.
    /// \chapter{05}
    void connect(std::string_view host, std::uint16_t port);
    /// @}
#endif
#if ASYNCORE_CHAPTER >= 7

public:
    /// \name Half-closed connections (chapter 07)
    /// @{

    /// recv() met end of file: the peer will send nothing more. Default: handle_close(), as in
    /// asyncore. Override it to keep the channel half-open and finish sending first (asyncio's
    /// `Protocol.eof_received` plays the same role); an extension Python's asyncore lacks.
    /// \chapter{07}
    virtual void handle_eof();
    /// Shuts down one direction of the connection (`SHUT_WR`: "I will send no more") or both,
    /// keeping the channel registered. An extension; the port forwarder needs it. \chapter{07}
    void shutdown(int how);
    /// @}
#endif
};

#if ASYNCORE_CHAPTER >= 2
// [make]
/// Makes a dispatcher of type `T` that its map owns: Python's "create a handler and forget it".
///
///     void handle_accepted(asyncore::socket sock, const asyncore::address&) override {
///         asyncore::make<echo_handler>(std::move(sock));   // no need to keep it
///     }
///
/// The map keeps the channel alive while it is registered and destroys it after the loop pass in
/// which it closes. The returned pointer may be kept or dropped.
/// \chapter{02}
template <class T, class... Args>
std::shared_ptr<T> make(Args&&... args) {
    static_assert(std::is_base_of_v<dispatcher, T>, "asyncore::make makes dispatchers");
    auto channel = std::make_shared<T>(std::forward<Args>(args)...);
    channel->hand_over_to_map(channel);
    return channel;
}
// [make]
#endif

}  // namespace asyncore
