// loop(), and the event delivery Python's poll() uses: read(), write() and expt().
#include "asyncore/loop.hpp"

#include "deliver.hpp"

namespace asyncore {

// [deliver]
void read(dispatcher& obj) { detail::deliver(obj, &dispatcher::handle_read_event); }

void write(dispatcher& obj) { detail::deliver(obj, &dispatcher::handle_write_event); }

void expt(dispatcher& obj) { detail::deliver(obj, &dispatcher::handle_expt_event); }
// [deliver]

// [loop]
#if ASYNCORE_CHAPTER >= 15
void loop(double timeout, backend_choice use_poll, channel_map* map, std::optional<long> count) {
#else
void loop(double timeout, bool use_poll, channel_map* map, std::optional<long> count) {
#endif
    channel_map& channels = map ? *map : socket_map;
#if ASYNCORE_CHAPTER >= 15
    auto one_pass = use_poll.which() == backend::epoll ? &epoll_pass
                    : use_poll.which() == backend::poll ? &poll2
                                                        : &poll;
#elif ASYNCORE_CHAPTER >= 11
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

}  // namespace asyncore
