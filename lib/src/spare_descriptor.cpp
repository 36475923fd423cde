#include "spare_descriptor.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

namespace asyncore::detail {

namespace {
// One for the whole process: the limit it guards against (RLIMIT_NOFILE) is per process.
std::atomic<int> spare{-1};
}  // namespace

void keep_spare_descriptor() noexcept {
    if (spare.load() >= 0) return;
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    int none = -1;
    if (fd >= 0 && !spare.compare_exchange_strong(none, fd)) ::close(fd);  // another thread won
}

bool shed_one_connection(int listening_fd) noexcept {
    int fd = spare.exchange(-1);
    if (fd < 0) return false;
    ::close(fd);
    int unwanted = ::accept4(listening_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (unwanted >= 0) ::close(unwanted);
    keep_spare_descriptor();
    return true;
}

}  // namespace asyncore::detail
