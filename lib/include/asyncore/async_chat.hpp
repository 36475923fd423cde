/// \file
/// \brief A channel that speaks a protocol: Python's `asynchat.async_chat`, and the producers
/// it sends from.
#pragma once

#include "asyncore/config.hpp"

#include "asyncore/dispatcher.hpp"

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace asyncore {

/// A source of bytes to send, pulled by async_chat only when the socket has taken everything
/// pulled before: Python's producer protocol (any object with a `more()` method).
///
/// A response too large to hold in memory (a file, a generated report) is sent through a
/// producer: the channel asks for the next chunk only when the previous one is gone, so at most
/// one chunk per channel is in memory at a time.
/// \chapter{13}
class producer {
public:
    /// Producers are used through a pointer and destroyed through one.
    virtual ~producer() = default;
    /// The next chunk of bytes, or an empty string at the end: after that, more() is not called
    /// again and the producer is destroyed. An exception goes to whoever asked: push() and
    /// push_with_producer() let it through, and in the loop it reaches handle_error().
    virtual std::string more() = 0;
};

/// A producer of bytes held in memory, handed out `buffer_size` bytes at a time: Python's
/// `asynchat.simple_producer`.
///
/// Python's version copies the rest of its data on every more() (`data = data[512:]`), so
/// sending n bytes costs O(n²/512); this one keeps an offset.
/// \chapter{13}
class simple_producer : public producer {
public:
    /// Hands out `data` in chunks of `buffer_size` bytes (512, as in Python; 0 counts as 1).
    explicit simple_producer(std::string data, std::size_t buffer_size = 512);
    /// The next `buffer_size` bytes (fewer at the end), then an empty string.
    std::string more() override;

private:
    std::string data_;
    std::size_t offset_ = 0;
    std::size_t buffer_size_;
};

/// What ends one message of the input, as async_chat::get_terminator() reports it:
///
/// - `std::nullopt`: nothing; every byte goes to collect_incoming_data(), found_terminator() is
///   never called (Python's `None`);
/// - a string: a delimiter such as `"\r\n"`, of any length; it is consumed, not collected;
/// - a count: that many bytes more, then found_terminator(). The count goes down as bytes
///   arrive and is 0 once found_terminator() is called (as in Python).
///
/// An empty string and a count of 0 behave as `std::nullopt`, as in Python.
/// \chapter{13}
using terminator = std::variant<std::nullopt_t, std::string, std::size_t>;

/// How many bytes at the end of `haystack` are the beginning of `needle`: the longest proper
/// prefix of `needle` that ends `haystack` (Python's `asynchat.find_prefix_at_end`).
///
///     find_prefix_at_end("qwerty\r", "\r\n") == 1      // "\r" may be the start of "\r\n"
///     find_prefix_at_end("qwertydkjf", "\r\n") == 0
///
/// async_chat keeps those bytes back: the rest of the terminator may come with the next read.
/// \chapter{13}
std::size_t find_prefix_at_end(std::string_view haystack, std::string_view needle) noexcept;

/// A channel for command/response protocols (SMTP, FTP, HTTP, a chat room): Python's
/// `asynchat.async_chat`. It splits what arrives at a *terminator* and queues what it sends.
///
/// **In.** Each read, handle_read() gives the bytes of the current message to
/// collect_incoming_data() and calls found_terminator() at each terminator (set_terminator():
/// a delimiter such as `"\r\n"`, a byte count, or none). A terminator split between two reads is
/// still found. found_terminator() may change the terminator; the bytes after it are split by
/// the new one (a header line, then a body of Content-Length bytes).
///
/// **Out.** push() queues bytes, push_with_producer() queues a producer, close_when_done() queues
/// the end of the connection. They go out in that order, as the socket takes them, without
/// ever blocking. A producer is asked for more only when what it gave before is sent.
///
/// Derive from it and write the two handlers collect_incoming_data() and found_terminator().
/// \chapter{13}
class async_chat : public dispatcher {
public:
    /// A channel without a socket yet (Python's `async_chat()`), for create_socket() and connect().
    explicit async_chat(channel_map* map = nullptr) noexcept : dispatcher(map) {}
    /// Wraps a connected socket, typically one from handle_accepted().
    explicit async_chat(socket sock, channel_map* map = nullptr) : dispatcher(std::move(sock), map) {}

    /// \name Buffer sizes (Python's class attributes; set them before the first read or send)
    /// @{

    /// How many bytes one read asks for (64 KiB, as in Python).
    std::size_t ac_in_buffer_size = 65536;
    /// How many bytes one send may take from the front of the queue (64 KiB, as in Python).
    /// Pushed bytes are coalesced up to this size.
    std::size_t ac_out_buffer_size = 65536;
    /// @}

    /// \name Input: terminators and the two handlers
    /// @{

    /// The delimiter that ends a message, such as `"\r\n"` (any length; empty means none).
    void set_terminator(std::string_view delimiter);
    /// Ends the next message after `count` more bytes (Python's integer terminator).
    /// \throws std::invalid_argument for a negative count, as Python raises `ValueError`.
    template <class Count, std::enable_if_t<std::is_integral_v<Count>, int> = 0>
    void set_terminator(Count count) {
        static_assert(!std::is_same_v<Count, bool>, "set_terminator(bool) means nothing");
        static_assert(!std::is_same_v<Count, char> && !std::is_same_v<Count, signed char> &&
                          !std::is_same_v<Count, unsigned char>,
                      "a char is a count of bytes here: for a one-byte delimiter, write set_terminator(\"\\n\")");
        if constexpr (std::is_signed_v<Count>) {
            if (count < 0) negative_terminator();
        }
        set_count(static_cast<std::size_t>(count));
    }
    /// No terminator: every byte goes to collect_incoming_data() (Python's `set_terminator(None)`).
    /// This is the state of a new channel (Python has no terminator until one is set, and fails
    /// at the first read).
    void set_terminator(std::nullopt_t) noexcept;
    /// `nullptr` is not a terminator: say `std::nullopt` for none.
    void set_terminator(std::nullptr_t) = delete;
    /// The current terminator. A count goes down as bytes arrive: it is what is left to read.
    const terminator& get_terminator() const noexcept { return terminator_; }

    /// Bytes of the current message, in order, as they arrive; the terminator itself is never
    /// passed. `data` is valid during the call only. Never called with no bytes.
    virtual void collect_incoming_data(std::string_view data) = 0;
    /// The current message is complete: its terminator arrived (or its count was reached). It may
    /// change the terminator, push a reply, or close the channel: bytes already read wait for the
    /// next terminator, or are dropped once the channel is closed.
    virtual void found_terminator() = 0;
    /// @}

    /// \name Output: the producer fifo
    /// @{

    /// Queues `data` to send after everything queued before, and starts sending. Empty data
    /// queues nothing.
    void push(std::string_view data);
    /// Queues `source`, to be pulled chunk by chunk once everything before it is sent (and only
    /// as fast as the socket takes it), and starts sending. A null pointer queues nothing.
    void push_with_producer(std::unique_ptr<producer> source);
    /// Closes the channel (handle_close()) once everything queued so far is sent. What is pushed
    /// after it is never sent.
    void close_when_done();
    /// Sends what the socket will take now, from the front of the queue: at most
    /// ac_out_buffer_size bytes, pulling a producer for its next chunk when needed.
    void initiate_send();
    /// Drops everything: the bytes read and not yet handled, and the whole output queue
    /// (producers and close_when_done() included). Python's "emergencies only".
    void discard_buffers();
    /// How many entries wait in the output queue (pushed bytes, producers, a close).
    std::size_t queued() const noexcept { return fifo_.size(); }
    /// @}

    /// \name Events
    /// @{

    /// Reads up to ac_in_buffer_size bytes and splits them at the terminator.
    void handle_read() override;
    /// Room to send: initiate_send().
    void handle_write() override;
    /// Drops the output queue (nothing in it can be sent any more; a producer holding a file lets
    /// it go now) and closes the channel, without the default's warning. Python only closes.
    void handle_close() override;
    /// Always true, as in Python: a channel is always ready to read (see the chapter's pitfalls).
    bool readable() override;
    /// True while something waits in the queue, or a connect is to be finished.
    bool writable() override;
    /// @}

private:
    /// \cond
    // One entry of the output queue: bytes (sent from `offset` on), a producer, or the close.
    // (Hidden from Doxygen, which links a private nested class from the page's summary.)
    struct entry {
        std::string bytes;
        std::size_t offset = 0;
        std::unique_ptr<producer> source;
        bool close = false;
    };
    /// \endcond

    [[noreturn]] static void negative_terminator();
    void set_count(std::size_t count) noexcept;
    void split_input();

    terminator terminator_ = std::nullopt;
    std::string in_;                // read and not yet handled: in_[in_head_, size)
    std::size_t in_head_ = 0;
    bool splitting_ = false;        // split_input() holds views into in_
    unsigned long terminators_ = 0; // moves on with every set_terminator()
    std::deque<entry> fifo_;        // Python's producer_fifo
    bool sending_ = false;          // initiate_send() is running: a push() from a callback only queues
    unsigned long generation_ = 0;  // moves on with every discard_buffers()
};

}  // namespace asyncore
