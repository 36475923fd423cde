/// \file
/// \brief A dispatcher that buffers what it sends: Python's `asyncore.dispatcher_with_send`.
#pragma once

#include "asyncore/config.hpp"

#include "asyncore/dispatcher.hpp"
#include "asyncore/send_buffer.hpp"

#include <cstddef>
#include <string_view>

namespace asyncore {

/// A dispatcher whose send() never loses data: what the kernel will not take now waits in
/// `out_buffer`, and goes out as the socket becomes writable.
///
/// writable() is true only while there is something to send (or a connect to finish), so an
/// idle channel does not wake the loop. That is the whole trick of this class; a plain
/// dispatcher says "writable" always and spins.
/// \chapter{03}
class dispatcher_with_send : public dispatcher {
public:
    /// How many bytes one send() call may take: Python's 64 KiB slices.
    static constexpr std::size_t max_send_size = 65536;

    /// Like dispatcher::dispatcher(channel_map*).
    explicit dispatcher_with_send(channel_map* map = nullptr) noexcept : dispatcher(map) {}
    /// Like dispatcher::dispatcher(socket, channel_map*).
    explicit dispatcher_with_send(socket sock, channel_map* map = nullptr) : dispatcher(std::move(sock), map) {}

    /// Bytes accepted by send() and not yet taken by the kernel.
    send_buffer out_buffer;

    /// Queues `data` and tries to send at once. Returns `data.size()`: every byte is accepted.
    /// A closed channel accepts nothing: it returns 0 and queues nothing.
    std::size_t send(std::string_view data) override;
    /// Sends one slice of at most max_send_size bytes from `out_buffer`.
    void initiate_send();
    /// Room to send: initiate_send().
    void handle_write() override;
    /// True while not connected (a connect to finish) or while bytes wait.
    bool writable() override;
#if ASYNCORE_CHAPTER >= 7
    /// Half-close once everything queued is sent: `shutdown(SHUT_WR)` after the last byte. The
    /// peer reads end of file; this side can still read its reply. An extension.
    /// \chapter{07}
    void shutdown_when_done();

private:
    void shutdown_if_done();
    bool shutdown_pending_ = false;
#endif
};

}  // namespace asyncore
