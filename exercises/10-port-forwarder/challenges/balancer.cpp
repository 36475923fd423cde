// Exercise 10, challenge: a forwarder with several remotes, as a load balancer. Finish the
// exercise first: a retrying_end is your forward_end, which tries the next remote when its
// connect fails. Check your work with:
//   ./course check 10 --challenges
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "balancer.hpp"

#include <stdexcept>

// Your forward_end and forwarder, built into the challenge's test program with the line below.
#include "../forwarder.cpp"

namespace {

const asyncore::address& first_of(const std::vector<asyncore::address>& remotes) {
    if (remotes.empty()) throw std::invalid_argument("balancer: no remote to forward to");
    return remotes.front();
}

}  // namespace

retrying_end::retrying_end(std::vector<asyncore::address> remotes, std::size_t index, std::size_t tries_left,
                           asyncore::channel_map* map, std::ostream& log)
    : forward_end(remotes.at(index).family(), map, log),
      remotes_(std::move(remotes)),
      index_(index),
      tries_left_(tries_left) {}

void retrying_end::start() {
    try {
        connect(remotes_[index_]);  // finishes in the loop; a refusal comes to handle_error()
    } catch (...) {
        handle_error();  // failed at once (a Unix path nobody listens on, say)
    }
}

void retrying_end::handle_error() {
    // TODO 2 begin: a connected pair, or no client any more (partner_ is null): do what
    //         forward_end::handle_error() does. Else log "cannot reach HOST:PORT: " and
    //         current_error(). tries_left_ counts this remote too: if it is 1 (this was the
    //         last try), close_both(), so that each remote is tried exactly once. Else make a
    //         retrying_end for the next remote with tries_left_ - 1, unlink this end from the
    //         client (partner_ = nullptr) and pair() the client with the new end, close() this
    //         one, and start() the new one.
    forward_end::handle_error();
    // TODO 2 end
}

balancer::balancer(const asyncore::address& local, std::vector<asyncore::address> remotes,
                   asyncore::channel_map* map, std::ostream& log)
    : forwarder(local, first_of(remotes), map, log), remotes_(std::move(remotes)), log_(log) {}

void balancer::handle_accepted(asyncore::socket sock, const asyncore::address& peer) {
    // TODO 1 begin: as your forwarder::handle_accepted() does, with two differences: the
    //         remote's end is a retrying_end for remotes_[next_], with every remote left to try
    //         (asyncore::make<retrying_end>(remotes_, next_, remotes_.size(), &map(), log_)), and
    //         it is start()ed, not connected. Then move next_ on to the next remote, back to 0
    //         after the last.
    (void)sock;
    (void)peer;
    // TODO 1 end
}
