// Chapter 02: a channel made by make() is owned by its map. The map keeps it alive while it is
// registered, and destroys it only after the pass in which it left: its own handler may still
// be running when it closes.
#include "asyncore/channel_map.hpp"
#include "asyncore/dispatcher.hpp"

namespace asyncore {

void channel_map::add(int fd, dispatcher& channel, std::shared_ptr<dispatcher> owner) {
    file(fd, channel).owner = std::move(owner);
}

// [bury]
void channel_map::bury_the_dead() noexcept {
    // A destructor may close other channels, which then depart too: repeat until none is left.
    while (!departed_.empty()) {
        auto dead = std::move(departed_);
        departed_.clear();
        dead.clear();
    }
}
// [bury]

void dispatcher::hand_over_to_map(std::shared_ptr<dispatcher> self) {
    self_ = self;
    if (registered_in_) registered_in_->add(registered_fd_, *this, std::move(self));
}

}  // namespace asyncore
