// The two peers of a forwarded connection, as the tests of chapter 10 play them: plain
// non-blocking sockets driven by the test, and a long byte stream that is cheap to make and check.
#pragma once

#include "harness.hpp"

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <string_view>

namespace testing {

// A stream of any length whose byte i is block[i % period]: 256 MiB to send and check without
// holding 256 MiB. The period is prime, so a byte that arrives at the wrong place is noticed.
class pattern {
public:
    static constexpr std::size_t period = 65521;
    static constexpr std::size_t max_slice = 1 << 20;

    explicit pattern(unsigned seed) : bytes_(period + max_slice, '\0') {
        std::mt19937 random(seed);
        for (std::size_t i = 0; i < period; ++i) bytes_[i] = static_cast<char>(random());
        for (std::size_t i = period; i < bytes_.size(); ++i) bytes_[i] = bytes_[i - period];
    }
    // Bytes [offset, offset + n) of the stream; n at most max_slice.
    std::string_view at(std::size_t offset, std::size_t n) const {
        return std::string_view(bytes_).substr(offset % period, std::min(n, max_slice));
    }
    // True if `data` is what the stream holds at `offset`.
    bool matches(std::size_t offset, std::string_view data) const {
        while (!data.empty()) {
            auto expected = at(offset, data.size());
            if (std::memcmp(expected.data(), data.data(), expected.size()) != 0) return false;
            offset += expected.size();
            data.remove_prefix(expected.size());
        }
        return true;
    }

private:
    std::string bytes_;
};

inline std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 random(seed);
    std::string bytes(n, '\0');
    for (auto& c : bytes) c = static_cast<char>(random());
    return bytes;
}

// "same" if `got` is `expected`, else where they part: a readable verdict for megabytes of bytes.
inline std::string compare_bytes(const std::string& got, const std::string& expected) {
    if (got == expected) return "same";
    auto at = std::mismatch(got.begin(), got.end(), expected.begin(), expected.end());
    auto offset = static_cast<std::size_t>(at.first - got.begin());
    return "got " + std::to_string(got.size()) + " bytes of " + std::to_string(expected.size()) +
           (offset < std::min(got.size(), expected.size()) ? ", the first wrong one at offset " + std::to_string(offset)
                                                           : ", all of them right");
}

// One peer: a non-blocking socket the test pumps by hand. It sends `to_send` (or `stream_size`
// bytes of `stream`), optionally half-closes after the last byte, and keeps what it receives
// (or, with `expect`, only counts it and checks it against that pattern).
struct endpoint {
    asyncore::socket sock;
    std::string to_send;
    std::size_t sent = 0;
    const pattern* stream = nullptr;
    std::size_t stream_size = 0;
    bool shut_when_sent = false, shut = false;

    std::string received;
    const pattern* expect = nullptr;
    std::size_t received_count = 0;
    bool in_order = true;
    bool eof = false, reset = false;

    endpoint() = default;
    explicit endpoint(asyncore::socket s) : sock(std::move(s)) {}

    // A new socket, connecting (without waiting) to `where`. A `receive_buffer` size (SO_RCVBUF)
    // keeps the kernel from buffering megabytes for a client that reads slowly.
    static endpoint connect_to(const asyncore::address& where, int receive_buffer = 0) {
        endpoint e(asyncore::socket::create(where.family()));
        if (receive_buffer > 0) e.sock.setsockopt(SOL_SOCKET, SO_RCVBUF, receive_buffer);
        int rc = e.sock.connect_ex(where);
        if (rc != 0 && rc != EINPROGRESS) throw std::runtime_error("connect: " + asyncore::strerror(rc));
        return e;
    }

    std::size_t send_size() const { return stream ? stream_size : to_send.size(); }
    bool sent_all() const { return sent == send_size(); }
    bool gone() const { return eof || reset; }

    // Sends what the kernel takes now, then reads what has arrived, at most `read_limit` bytes.
    void pump(std::size_t read_limit = std::size_t(4) << 20) {
        while (!reset && sent < send_size()) {  // a peer at end of file may still be sent to
            std::string_view next = stream ? stream->at(sent, send_size() - sent)
                                           : std::string_view(to_send).substr(sent, pattern::max_slice);
            ssize_t n = ::send(sock.fileno(), next.data(), next.size(), MSG_NOSIGNAL);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
        if (shut_when_sent && !shut && sent_all()) {
            ::shutdown(sock.fileno(), SHUT_WR);
            shut = true;
        }
        static char buffer[1 << 18];
        while (!gone() && read_limit > 0) {
            ssize_t n = ::recv(sock.fileno(), buffer, std::min(sizeof buffer, read_limit), 0);
            if (n > 0) {
                auto got = static_cast<std::size_t>(n);
                if (expect) in_order = in_order && expect->matches(received_count, std::string_view(buffer, got));
                else received.append(buffer, got);
                received_count += got;
                read_limit -= got;
            } else if (n == 0) {
                eof = true;
            } else if (errno == ECONNRESET) {
                reset = true;
            } else {
                break;  // EAGAIN: nothing more now (or ENOTCONN: not connected yet)
            }
        }
    }
};

}  // namespace testing
