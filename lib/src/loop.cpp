// loop(), the event delivery shared by the backends, and close_all().
#include "asyncore/loop.hpp"

#include "asyncore/errors.hpp"
#include "deliver.hpp"

#include <cerrno>
#include <system_error>

namespace asyncore {

// [deliver]
void read(dispatcher& obj) { detail::deliver(obj, &dispatcher::handle_read_event); }

void write(dispatcher& obj) { detail::deliver(obj, &dispatcher::handle_write_event); }

void expt(dispatcher& obj) { detail::deliver(obj, &dispatcher::handle_expt_event); }
// [deliver]

// [loop]
void loop(double timeout, bool use_poll, channel_map* map, std::optional<long> count) {
    channel_map& channels = map ? *map : socket_map;
#if ASYNCORE_CHAPTER >= 11
    auto one_pass = use_poll ? &poll2 : &poll;
#else
    auto one_pass = &poll;
    (void)use_poll;  // the poll() backend arrives in chapter 11; select() serves until then
#endif
    if (!count) {
        while (!channels.empty()) one_pass(timeout, &channels);
        return;
    }
    for (long left = *count; left > 0 && !channels.empty(); --left) one_pass(timeout, &channels);
}
// [loop]

#if ASYNCORE_CHAPTER >= 7
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
#endif

}  // namespace asyncore
