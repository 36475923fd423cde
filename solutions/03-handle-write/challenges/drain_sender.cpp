// Exercise 03, challenge, a solution: a drain signal.
#include "drain_sender.hpp"

// Your buffered_sender, built into the challenge's test program with the line below.
#include "../buffered_sender.cpp"

std::size_t drain_sender::send(std::string_view data) {
    // TODO 1 begin
    // [send]
    std::size_t taken = buffered_sender::send(data);
    if (pending() >= high_water) full_ = true;  // the producer should wait for handle_drain()
    return taken;
    // [send]
    // TODO 1 end
}

void drain_sender::handle_write() {
    // TODO 2 begin
    // [handle_write]
    buffered_sender::handle_write();
    if (full_ && pending() < high_water / 2) {
        full_ = false;   // first: the producer asks full() in handle_drain() and sends while false
        handle_drain();  // once per crossing: full_ is set again only when the queue refills
    }
    // [handle_write]
    // TODO 2 end
}
