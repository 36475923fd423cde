// Challenge 12: a solution. scoped_timer owns one timer and cancels it when it lets go.
#include "scoped_timer.hpp"

#include <utility>

scoped_timer::scoped_timer(asyncore::timer timer) noexcept {
    // TODO 1 begin
    timer_ = std::move(timer);
    // TODO 1 end
}

scoped_timer::scoped_timer(scoped_timer&& other) noexcept {
    // TODO 2 begin
    timer_ = std::exchange(other.timer_, {});
    // TODO 2 end
}

scoped_timer& scoped_timer::operator=(scoped_timer&& other) noexcept {
    // TODO 3 begin
    // [assign]
    if (&other != this) reset(std::exchange(other.timer_, {}));
    // [assign]
    // TODO 3 end
    return *this;
}

scoped_timer::~scoped_timer() {
    // TODO 4 begin
    timer_.cancel();
    // TODO 4 end
}

void scoped_timer::reset(asyncore::timer timer) noexcept {
    // TODO 5 begin
    // [reset]
    timer_.cancel();
    timer_ = std::move(timer);
    // [reset]
    // TODO 5 end
}

asyncore::timer scoped_timer::release() noexcept {
    // TODO 6 begin
    return std::exchange(timer_, {});
    // TODO 6 end
}
