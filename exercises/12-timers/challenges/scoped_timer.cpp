// Challenge 12 (optional): write the members of scoped_timer (see scoped_timer.hpp).
// Check with ./course check 12 --challenges.
#include "scoped_timer.hpp"

#include <utility>

scoped_timer::scoped_timer(asyncore::timer timer) noexcept {
    // TODO 1 begin: own `timer`.
    (void)timer;
    // TODO 1 end
}

scoped_timer::scoped_timer(scoped_timer&& other) noexcept {
    // TODO 2 begin: take other's timer; other must own none afterwards
    //               (std::exchange(other.timer_, {}) does both).
    (void)other;
    // TODO 2 end
}

scoped_timer& scoped_timer::operator=(scoped_timer&& other) noexcept {
    // TODO 3 begin: cancel ours and take other's, unless other is this very object.
    (void)other;
    // TODO 3 end
    return *this;
}

scoped_timer::~scoped_timer() {
    // TODO 4 begin: cancel the timer this one owns.
    // TODO 4 end
}

void scoped_timer::reset(asyncore::timer timer) noexcept {
    // TODO 5 begin: cancel ours, then own `timer`.
    (void)timer;
    // TODO 5 end
}

asyncore::timer scoped_timer::release() noexcept {
    // TODO 6 begin: hand the timer over without cancelling it, and own none.
    return {};
    // TODO 6 end
}
