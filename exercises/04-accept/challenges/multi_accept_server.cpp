// Exercise 04, challenge: several per wake-up. Finish the exercise first: a multi_accept_server
// is your counting_server, which accepts more per read event. Check your work with:
//   ./course check 04 --challenges
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "multi_accept_server.hpp"

// Your counting_server, built into the challenge's test program with the line below.
#include "../counting_server.cpp"

void multi_accept_server::handle_accept() {
    // TODO 1 begin: this is the default: one connection per read event. Instead, loop: accept()
    //         (it returns an empty std::optional when no one waits), hand what it returns to
    //         handle_accepted(), and stop when it returns nothing, after per_wakeup connections,
    //         or once greeters() has reached max_greeters (readable() is asked only once a pass).
    counting_server::handle_accept();
    // TODO 1 end
}
