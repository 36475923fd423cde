#include "asyncore/errors.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

namespace asyncore {

const char* exit_now::what() const noexcept { return "asyncore::exit_now"; }

bool would_block(int err) noexcept {
    // Written as two tests on purpose: on some systems the two values differ.
    return err == EAGAIN || err == EWOULDBLOCK;
}

#if ASYNCORE_CHAPTER >= 2
// [is_disconnected]
bool is_disconnected(int err) noexcept {
    switch (err) {
    case ECONNRESET: case ENOTCONN: case ESHUTDOWN:
    case ECONNABORTED: case EPIPE: case EBADF:
        return true;
    default:
        return false;
    }
}
// [is_disconnected]
#endif

std::string strerror(int err) {
    std::string text = std::system_category().message(err);
    return text.empty() ? "Unknown error " + std::to_string(err) : text;
}

void throw_errno(int err, const std::string& what) {
    throw std::system_error(err, std::system_category(), what);
}

}  // namespace asyncore
