// What the tests of http_server (the exercise's and the chapter's) share: a folder of files to
// serve, the program started on it, and a raw client that sends bytes and reads whole responses.
#pragma once

#include "harness.hpp"
#include "process.hpp"

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace http_testing {

// A fresh folder under /tmp, removed with everything in it at the end.
struct temp_folder {
    std::string path;
    temp_folder() {
        char name[] = "/tmp/http_server_test.XXXXXX";
        if (!::mkdtemp(name)) throw std::runtime_error("mkdtemp failed");
        path = name;
    }
    ~temp_folder() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
    temp_folder(const temp_folder&) = delete;
    temp_folder& operator=(const temp_folder&) = delete;

    // Writes `content` to the file `name` (folders on the way are made).
    void write(const std::string& name, const std::string& content) const {
        auto slash = name.rfind('/');
        if (slash != std::string::npos) (void)std::system(("mkdir -p '" + path + "/" + name.substr(0, slash) + "'").c_str());
        std::ofstream(path + "/" + name, std::ios::binary) << content;
    }
};

// The served root: www/ with index.html, hello.txt, style.css, docs/readme.md, a 200 KB
// data.bin; beside it (outside the root) secret.txt, and www/escape, a symbolic link to it.
struct site {
    temp_folder folder;
    std::string root;
    std::string data;
    site() : root(folder.path + "/www") {
        folder.write("secret.txt", "the secret outside the root\n");
        folder.write("www/index.html", "<h1>home</h1>\n");
        folder.write("www/hello.txt", "hello, world\n");
        folder.write("www/style.css", "body { color: black }\n");
        folder.write("www/docs/readme.md", "# read me\n");
        folder.write("www/a b.txt", "a space in the name\n");
        for (int i = 0; data.size() < 200000; ++i) data += "line " + std::to_string(i) + "\n";
        folder.write("www/data.bin", data);
        if (::symlink((folder.path + "/secret.txt").c_str(), (root + "/escape").c_str()) != 0)
            throw std::runtime_error("symlink failed");
    }
};

// One response as it came: status, headers (names in lower case), body.
struct response {
    int status = 0;
    std::string status_line;
    std::map<std::string, std::string> headers;
    std::string body;
    std::string header(const std::string& name) const {
        auto found = headers.find(name);
        return found == headers.end() ? "" : found->second;
    }
};

// A blocking-with-deadline TCP client that sends raw bytes and reads responses one by one.
class raw_client {
public:
    explicit raw_client(std::uint16_t port) : sock_(asyncore::socket::create(AF_INET)) {
        int rc = sock_.connect_ex(asyncore::address("127.0.0.1", port));
        if (rc != 0 && rc != EINPROGRESS) throw std::runtime_error("connect: " + asyncore::strerror(rc));
        testing::wait_fd(sock_.fileno(), POLLOUT, 5.0);
    }
    void send(const std::string& bytes) { testing::write_all(sock_.fileno(), bytes, 5.0); }
    void shutdown_write() { ::shutdown(sock_.fileno(), SHUT_WR); }
    int fileno() const { return sock_.fileno(); }

    // The next response (the body read too unless `head_only`), or nothing if none is complete
    // within `seconds` or the connection ends first.
    std::optional<response> read_response(bool head_only = false, double seconds = 5.0) {
        auto deadline = testing::clock::now() +
                        std::chrono::duration_cast<testing::clock::duration>(std::chrono::duration<double>(seconds));
        std::size_t end;
        while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
            if (!fill(deadline)) return std::nullopt;
        response r;
        std::string head = buffer_.substr(0, end + 2);
        buffer_.erase(0, end + 4);
        auto eol = head.find("\r\n");
        r.status_line = head.substr(0, eol);
        if (r.status_line.size() < 12 || r.status_line.rfind("HTTP/1.", 0) != 0) return std::nullopt;
        r.status = std::atoi(r.status_line.substr(9, 3).c_str());
        for (auto at = eol + 2; at < head.size();) {
            auto next = head.find("\r\n", at);
            std::string line = head.substr(at, next - at);
            auto colon = line.find(':');
            std::string name = line.substr(0, colon);
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            auto value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            r.headers[name] = value;
            at = next + 2;
        }
        std::size_t length = head_only || r.status == 304 ? 0 : std::strtoull(r.header("content-length").c_str(), nullptr, 10);
        while (buffer_.size() < length)
            if (!fill(deadline)) return std::nullopt;
        r.body = buffer_.substr(0, length);
        buffer_.erase(0, length);
        return r;
    }

    // True when the server closes the connection within `seconds` (with nothing more sent).
    bool closed_by_server(double seconds = 5.0) {
        auto deadline = testing::clock::now() +
                        std::chrono::duration_cast<testing::clock::duration>(std::chrono::duration<double>(seconds));
        while (fill(deadline)) {
        }
        return eof_;
    }
    const std::string& unread() const { return buffer_; }

private:
    bool fill(testing::clock::time_point deadline) {
        double left = std::chrono::duration<double>(deadline - testing::clock::now()).count();
        if (eof_ || left <= 0 || !testing::wait_fd(sock_.fileno(), POLLIN, left)) return false;
        char chunk[65536];
        ssize_t n = ::recv(sock_.fileno(), chunk, sizeof chunk, 0);
        if (n <= 0) {
            eof_ = true;
            return false;
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }

    asyncore::socket sock_;
    std::string buffer_;
    bool eof_ = false;
};

// "GET /path HTTP/1.1" with a Host header and `extra` header lines (each ending "\r\n").
inline std::string request(const std::string& method, const std::string& target, const std::string& extra = "",
                           const std::string& version = "HTTP/1.1") {
    return method + " " + target + " " + version + "\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

// `program --port 0 --root ROOT` and more arguments, started; port() from its first line.
class server {
public:
    server(const std::string& program, const std::string& root, std::vector<std::string> more = {}) {
        std::vector<std::string> argv{program, "--port", "0", "--root", root};
        argv.insert(argv.end(), more.begin(), more.end());
        process_ = std::make_unique<testing::child_process>(argv);
        auto line = process_->read_line(10.0);
        if (line) port_ = testing::port_from_listening_line(*line);
        first_line_ = line.value_or("(none)");
    }
    std::uint16_t port() const { return port_; }
    const std::string& first_line() const { return first_line_; }
    testing::child_process& process() { return *process_; }

private:
    std::unique_ptr<testing::child_process> process_;
    std::uint16_t port_ = 0;
    std::string first_line_;
};

// The resident memory of process `pid` now, in KiB (VmRSS), or -1.
inline long resident_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

}  // namespace http_testing
