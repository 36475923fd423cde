// Exercise 04, a solution: a server that counts its visitors.
#include "counting_server.hpp"

counting_server::counting_server(const asyncore::address& where, asyncore::channel_map* map) : dispatcher(map) {
    // TODO 1 begin
    create_socket(where.family(), SOCK_STREAM);
    set_reuse_addr();  // a restarted server must not wait for TIME_WAIT to pass
    bind(where);
    listen(128);  // finished handshakes that may wait for accept(): a burst of clients needs room
    // TODO 1 end
}

void counting_server::handle_accepted(asyncore::socket sock, const asyncore::address& peer) {
    // TODO 2 begin
    ++visitors;
    seen.push_back(peer);
    asyncore::make<greeter>(std::move(sock), visitors, motd, &map());  // the map owns it now
    // TODO 2 end
}

greeter::greeter(asyncore::socket sock, int number, const std::string& motd, asyncore::channel_map* map)
    : dispatcher_with_send(std::move(sock), map), number_(number) {
    // TODO 3 begin
    send("hello, visitor " + std::to_string(number_) + "\n" + motd);
    close_if_done();
    // TODO 3 end
}

void greeter::handle_write() {
    // TODO 4 begin
    initiate_send();
    close_if_done();
    // TODO 4 end
}

void greeter::close_if_done() {
    // TODO 5 begin
    if (out_buffer.empty()) close();
    // TODO 5 end
}
