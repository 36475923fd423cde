// Exercise 04, a solution: a server that counts its visitors and greets a few at a time.
#include "counting_server.hpp"

counting_server::counting_server(const asyncore::address& where, asyncore::channel_map* map) : dispatcher(map) {
    // TODO 1 begin
    create_socket(where.family(), SOCK_STREAM);
    set_reuse_addr();  // a restarted server must not wait for TIME_WAIT to pass
    bind(where);
    listen(128);  // finished handshakes that may wait for accept(): a burst of clients needs room
    // TODO 1 end
}

bool counting_server::readable() {
    // TODO 2 begin
    return *busy_ < max_greeters;  // full house: newcomers wait in the accept queue
    // TODO 2 end
}

void counting_server::handle_accepted(asyncore::socket sock, const asyncore::address& peer) {
    // TODO 3 begin
    ++visitors;
    seen.push_back(peer);
    asyncore::make<greeter>(std::move(sock), visitors, motd, busy_, &map());  // the map owns it now
    // TODO 3 end
}

greeter::greeter(asyncore::socket sock, int number, const std::string& motd, std::shared_ptr<int> busy,
                 asyncore::channel_map* map)
    : dispatcher_with_send(std::move(sock), map), number_(number), busy_(std::move(busy)) {
    // TODO 4 begin
    ++*busy_;  // given back in the destructor, however the greeter ends
    send("hello, visitor " + std::to_string(number_) + "\n" + motd);
    close_if_done();
    // TODO 4 end
}

greeter::~greeter() {
    // TODO 5 begin
    --*busy_;  // however it ended: done, reset, or an error
    // TODO 5 end
}

void greeter::handle_write() {
    // TODO 6 begin
    initiate_send();
    close_if_done();
    // TODO 6 end
}

void greeter::close_if_done() {
    // TODO 7 begin
    if (out_buffer.empty()) close();
    // TODO 7 end
}
