// Uses the installed library the way a reader's project would: one message across a socketpair.
#include <asyncore/asyncore.hpp>

#include <iostream>
#include <string>

namespace {

class receiver : public asyncore::dispatcher {
public:
    explicit receiver(asyncore::socket sock) : dispatcher(std::move(sock)) {}
    std::string got;
    bool writable() override { return false; }
    void handle_read() override { got += recv(4096); }
    void handle_close() override { close(); }
};

}  // namespace

int main() {
    auto [mine, theirs] = asyncore::socket::pair();
    receiver r(std::move(mine));
    asyncore::dispatcher_with_send sender(std::move(theirs));
    sender.send("hello from an installed asyncore");
    sender.close();
    asyncore::loop(1.0, false, nullptr, 10);
    std::cout << "received: " << r.got << '\n';
    return r.got == "hello from an installed asyncore" ? 0 : 1;
}
