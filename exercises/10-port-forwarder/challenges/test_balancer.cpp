// Exercise 10, challenge: the checks your balancer must pass. Each test runs a balancer in this
// process, on the real loop, with remotes the test plays on 127.0.0.1: listening sockets, and
// ports that refuse every connect.
#include "balancer.hpp"
#include "forward_peers.hpp"

#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using testing::endpoint;

// A port on 127.0.0.1 held by a socket: a live remote when it listens, or one that refuses every
// connect when it is only bound (the kernel answers a connect to it with a reset).
struct remote_port {
    asyncore::socket sock = asyncore::socket::create();

    explicit remote_port(bool live) {
        sock.bind(asyncore::address("127.0.0.1", 0));
        if (live) sock.listen(16);
    }
    asyncore::address where() const { return sock.getsockname(); }
};

struct balancer_fixture {
    asyncore::channel_map map;
    std::ostringstream log;
    std::unique_ptr<balancer> fwd;

    explicit balancer_fixture(std::vector<asyncore::address> remotes) {
        fwd = std::make_unique<balancer>(asyncore::address("127.0.0.1", 0), std::move(remotes), &map, log);
    }
    ~balancer_fixture() { asyncore::close_all(&map); }

    // A new client, and the loop run until `remote` accepts the connection the balancer makes for
    // it (empty if it does not, or if the balancer drops the client first).
    std::optional<endpoint> connect_through(endpoint& client, remote_port& remote) {
        std::optional<endpoint> upstream;
        testing::run_until(map, [&] {
            if (auto conn = remote.sock.accept()) upstream.emplace(std::move(conn->first));
            client.pump();
            return upstream || client.gone();
        });
        return upstream;
    }
};

// How many times `what` occurs in `text`.
std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

}  // namespace

TEST_CASE("a client whose first remote refuses goes to the next one", "[ex10][challenge]") {
    remote_port refusing(false), live(true);
    balancer_fixture f({refusing.where(), live.where()});
    endpoint client = endpoint::connect_to(f.fwd->local_address());
    client.to_send = "hello, second remote\n";
    std::optional<endpoint> upstream = f.connect_through(client, live);
    {
        INFO("log: " << f.log.str());
        INFO("hint: when the connect is refused, handle_error() must hand the client to a new "
             "retrying_end for the next remote and start() it, not close both ends (TODO 2)");
        REQUIRE(upstream);
    }
    upstream->to_send = "hello, client\n";
    bool both = testing::run_until(f.map, [&] {
        client.pump();
        upstream->pump();
        return client.received.size() >= upstream->to_send.size() &&
               upstream->received.size() >= client.to_send.size();
    });
    INFO("the live remote got \"" << upstream->received << "\", the client got \"" << client.received << "\"");
    INFO("hint: the client's end must be paired with the new end, and the refused end unlinked "
         "(partner_ = nullptr) before it closes: a closing end unpairs its partner");
    CHECK(both);
    CHECK(upstream->received == client.to_send);
    CHECK(client.received == upstream->to_send);
}

TEST_CASE("new clients go to the remotes in turn", "[ex10][challenge]") {
    std::vector<remote_port> remotes;
    remotes.emplace_back(true);
    remotes.emplace_back(true);
    balancer_fixture f({remotes[0].where(), remotes[1].where()});
    std::vector<endpoint> clients, upstreams;
    std::vector<std::size_t> went_to;  // which remote each client reached, in order
    for (int i = 0; i < 4; ++i) {
        clients.push_back(endpoint::connect_to(f.fwd->local_address()));
        std::size_t before = upstreams.size();
        testing::run_until(f.map, [&] {
            for (std::size_t r = 0; r < remotes.size(); ++r)
                if (auto conn = remotes[r].sock.accept()) {
                    upstreams.emplace_back(std::move(conn->first));
                    went_to.push_back(r);
                }
            clients.back().pump();
            return upstreams.size() > before || clients.back().gone();
        });
        INFO("client " << i + 1 << " reached no remote");
        INFO("hint: handle_accepted() must pair each client with a retrying_end and start() it (TODO 1)");
        REQUIRE(upstreams.size() == before + 1);
    }
    const std::vector<std::size_t> in_turn{0, 1, 0, 1};
    INFO("hint: handle_accepted() must move next_ on for every client, and back to 0 after the last remote");
    CHECK(went_to == in_turn);
}

TEST_CASE("a client is closed once every remote has refused", "[ex10][challenge]") {
    remote_port first(false), second(false);
    balancer_fixture f({first.where(), second.where()});
    endpoint client = endpoint::connect_to(f.fwd->local_address());
    client.to_send = "anyone there?\n";
    bool closed = testing::run_until(f.map, [&] {
        client.pump();
        return client.gone() && f.map.size() == 1;  // only the listening balancer is left
    });
    INFO("log: " << f.log.str());
    {
        INFO("hint: each remote that refuses must be logged as \"cannot reach HOST:PORT: ...\", and the "
             "next one tried (TODO 2)");
        CHECK_THAT(f.log.str(), testing::contains("cannot reach " + first.where().to_string() + ": "));
        CHECK_THAT(f.log.str(), testing::contains("cannot reach " + second.where().to_string() + ": "));
    }
    {
        INFO("hint: tries_left_ counts the remote being tried: stop when it is 1, or the first "
             "remote is tried a second time (TODO 2)");
        CHECK(count_of(f.log.str(), "cannot reach ") == 2);  // one line per remote, no more
    }
    INFO("hint: count the tries: once every remote has refused the client, close_both()");
    CHECK(closed);
}
