// Chapter 02 example: a child process writes lines into a socketpair, at its own pace and in
// uneven pieces; a dispatcher in the parent prints each complete line as it arrives.
//
//   $ ./build/default/bin/line_chat
#include <asyncore/asyncore.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

namespace {

// [line_printer]
class line_printer : public asyncore::dispatcher {
public:
    explicit line_printer(asyncore::socket sock) : dispatcher(std::move(sock)) {}

    bool writable() override { return false; }  // we only listen

    void handle_read() override {
        std::string data = recv(4096);  // whatever has arrived: a line, half a line, three lines
        pending_ += data;
        for (auto end = pending_.find('\n'); end != std::string::npos; end = pending_.find('\n')) {
            std::cout << "line: " << pending_.substr(0, end) << '\n';
            pending_.erase(0, end + 1);
        }
    }

    void handle_close() override {  // end of file: the child is done
        std::cout << "the writer closed its end; closing ours\n";
        close();  // leaves the map; the map destroys us after this pass
    }

private:
    std::string pending_;  // a line that has begun to arrive
};
// [line_printer]

void child_writes(asyncore::socket sock) {
    auto say = [&](const std::string& text) {
        ::send(sock.fileno(), text.data(), text.size(), MSG_NOSIGNAL);
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
    };
    say("first line\n");
    say("the second line comes ");
    say("in two pieces\n");
    say("third\nfourth\n");
}

}  // namespace

int main() {
    auto [parent_end, child_end] = asyncore::socket::pair();
    pid_t child = ::fork();
    if (child == 0) {
        parent_end.close();
        child_writes(std::move(child_end));
        _exit(0);
    }
    child_end.close();

    // [make_and_forget]
    asyncore::make<line_printer>(std::move(parent_end));  // owned by socket_map from now on
    asyncore::loop();                                     // returns when the map is empty
    // [make_and_forget]

    ::waitpid(child, nullptr, 0);
}
