// Exercise 10, challenge, a solution: a forwarder with several remotes, as a load balancer.
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
    // TODO 2 begin
    // [retry]
    forward_end* client = partner_;
    if (connected || !client) {  // bytes may have gone through: trying elsewhere could lose them
        forward_end::handle_error();
        return;
    }
    log_ << "cannot reach " << remotes_[index_].to_string() << ": " << current_error() << std::endl;
    if (tries_left_ <= 1) {  // every remote has failed this client
        close_both();
        return;
    }
    auto next = asyncore::make<retrying_end>(remotes_, (index_ + 1) % remotes_.size(), tries_left_ - 1, &map(), log_);
    partner_ = nullptr;  // unlinked first: closing this end must not close the client, or unpair it
    pair(*client, *next);
    close();
    next->start();
    // [retry]
    // TODO 2 end
}

balancer::balancer(const asyncore::address& local, std::vector<asyncore::address> remotes,
                   asyncore::channel_map* map, std::ostream& log)
    : forwarder(local, first_of(remotes), map, log), remotes_(std::move(remotes)), log_(log) {}

void balancer::handle_accepted(asyncore::socket sock, const asyncore::address& peer) {
    // TODO 1 begin
    // [round_robin]
    log_ << "connection from " << peer.to_string() << std::endl;
    auto remote = asyncore::make<retrying_end>(remotes_, next_, remotes_.size(), &map(), log_);
    auto client = asyncore::make<forward_end>(std::move(sock), &map(), log_);
    forward_end::pair(*client, *remote);
    next_ = (next_ + 1) % remotes_.size();  // the next client goes to the next remote
    remote->start();
    // [round_robin]
    // TODO 1 end
}
