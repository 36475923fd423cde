// Exercise 03, challenge: a drain signal. Finish the exercise first: a drain_sender is your
// buffered_sender, which also tells its producer when to wait. Check your work with:
//   ./course check 03 --challenges
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "drain_sender.hpp"

// Your buffered_sender, built into the challenge's test program with the line below.
#include "../buffered_sender.cpp"

std::size_t drain_sender::send(std::string_view data) {
    // TODO 1 begin: queue `data` with buffered_sender::send(); then, if pending() has reached
    //         high_water, set full_. Return what buffered_sender::send() returned.
    return buffered_sender::send(data);
    // TODO 1 end
}

void drain_sender::handle_write() {
    // TODO 2 begin: send the next slice with buffered_sender::handle_write(). Then, if full_ and
    //         pending() is below half of high_water: clear full_ first (the producer asks
    //         full() inside handle_drain()), then call handle_drain().
    buffered_sender::handle_write();
    // TODO 2 end
}
