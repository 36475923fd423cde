// Challenge 13: the tests of chunked_producer. The first ones call more() directly; the last sends
// a chunked body through a real async_chat and the real loop (select() or poll()), and decodes it.
#include "chunked_producer.hpp"
#include "harness.hpp"

#include <memory>
#include <string>
#include <vector>

namespace {

// Gives the strings it was made with, one per more(), then empty ones; counts the calls.
struct list_producer : asyncore::producer {
    std::vector<std::string> chunks;
    std::size_t next = 0;
    int* calls;
    list_producer(std::vector<std::string> chunks_, int* calls_) : chunks(std::move(chunks_)), calls(calls_) {}
    std::string more() override {
        ++*calls;
        return next < chunks.size() ? chunks[next++] : std::string();
    }
};

std::vector<std::string> drain(chunked_producer& p, int most = 100) {
    std::vector<std::string> out;
    for (int i = 0; i < most; ++i) {
        std::string chunk = p.more();
        if (chunk.empty()) break;
        out.push_back(chunk);
    }
    return out;
}

using strings = std::vector<std::string>;

}  // namespace

TEST_CASE("each inner chunk is framed with its size and the last chunk ends it", "[ex13][challenge]") {
    int calls = 0;
    chunked_producer p(std::make_unique<list_producer>(strings{"hello", "world!"}, &calls));
    INFO("hint: the size is hexadecimal, then \"\\r\\n\", the bytes, and \"\\r\\n\" again");
    CHECK(drain(p) == strings{"5\r\nhello\r\n", "6\r\nworld!\r\n", "0\r\n\r\n"});
}

TEST_CASE("sizes are lower-case hexadecimal", "[ex13][challenge]") {
    int calls = 0;
    chunked_producer p(std::make_unique<list_producer>(strings{std::string(10, 'a'), std::string(255, 'b'), std::string(4096, 'c')}, &calls));
    strings out = drain(p);
    REQUIRE(out.size() == 4);
    CHECK(out[0].substr(0, 3) == "a\r\n");
    CHECK(out[1].substr(0, 4) == "ff\r\n");
    CHECK(out[2].substr(0, 6) == "1000\r\n");
    CHECK(out[2].size() == 6 + 4096 + 2);
}

TEST_CASE("after the last chunk more() stays empty and the inner one is not asked", "[ex13][challenge]") {
    int calls = 0;
    chunked_producer p(std::make_unique<list_producer>(strings{"x"}, &calls));
    CHECK(p.more() == "1\r\nx\r\n");
    CHECK(p.more() == "0\r\n\r\n");
    int calls_at_end = calls;
    CHECK(p.more().empty());
    CHECK(p.more().empty());
    INFO("the inner producer said it was done: it is not asked again");
    CHECK(calls == calls_at_end);
    CHECK(calls == 2);
}

TEST_CASE("an empty or missing inner producer gives only the last chunk", "[ex13][challenge]") {
    int calls = 0;
    chunked_producer empty(std::make_unique<list_producer>(strings{}, &calls));
    CHECK(drain(empty) == strings{"0\r\n\r\n"});
    chunked_producer none(nullptr);
    CHECK(drain(none) == strings{"0\r\n\r\n"});
}

TEST_CASE("a chunked body sent through async_chat decodes to what was produced", "[ex13][challenge]") {
    struct sender : asyncore::async_chat {
        using async_chat::async_chat;
        void collect_incoming_data(std::string_view) override {}
        void found_terminator() override {}
    };
    asyncore::channel_map map;
    auto [mine, theirs] = testing::socket_pair();
    sender chat(std::move(mine), &map);
    std::string body(300000, '\0');
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
    chat.push("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    chat.push_with_producer(std::make_unique<chunked_producer>(std::make_unique<asyncore::simple_producer>(body, 65536)));
    chat.close_when_done();

    std::string got;
    bool closed = testing::run_until(map, [&] {
        char block[65536];
        ssize_t n;
        while ((n = ::recv(theirs.fileno(), block, sizeof block, MSG_DONTWAIT)) > 0) got.append(block, static_cast<std::size_t>(n));
        return map.empty();
    });
    got += testing::read_some(theirs.fileno(), 1 << 20, 0.5);
    REQUIRE(closed);
    // Decode: head, then size lines and data until the size 0.
    std::size_t at = got.find("\r\n\r\n");
    REQUIRE(at != std::string::npos);
    at += 4;
    std::string decoded;
    bool last_seen = false;
    while (at < got.size()) {
        std::size_t line_end = got.find("\r\n", at);
        REQUIRE(line_end != std::string::npos);
        std::size_t size = std::stoul(got.substr(at, line_end - at), nullptr, 16);
        at = line_end + 2;
        if (size == 0) {
            last_seen = true;
            CHECK(got.substr(at) == "\r\n");
            break;
        }
        decoded += got.substr(at, size);
        at += size;
        REQUIRE(got.substr(at, 2) == "\r\n");
        at += 2;
    }
    CHECK(last_seen);
    CHECK(decoded.size() == body.size());
    bool same = decoded == body;
    CHECK(same);
}
