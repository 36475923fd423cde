// close_all(): ending every channel at once, as a server does when it stops.
#include "asyncore/errors.hpp"
#include "asyncore/loop.hpp"

#include <cerrno>
#include <system_error>

namespace asyncore {

// [close_all]
void close_all(channel_map* map, bool ignore_all) {
    channel_map& channels = map ? *map : socket_map;
    channel_map::pass pass(channels);  // closing destroys owned channels: not while we hold them
    for (const auto& t : channels.snapshot()) {
        if (!channels.still_holds(t)) continue;  // a destructor may have closed it meanwhile
        try {
            t.channel->close();
        } catch (const std::system_error& e) {
            if (e.code().value() != EBADF && !ignore_all) throw;
        } catch (const exit_now&) {
            throw;
        } catch (...) {
            if (!ignore_all) throw;
        }
    }
    channels.clear();
}
// [close_all]

}  // namespace asyncore
