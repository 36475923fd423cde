// http_client [-i] [-o FILE] URL: the HTTP client's command line (given).
// Contract: writes the body to stdout (or FILE); -i writes the status line and headers first.
// Exit status 0 when a complete response arrived (any status); 2 for a bad command line or URL;
// 1 with a one-line message on stderr for a failed connection or a malformed or truncated response.
// With -o, FILE changes only when the response is complete: a failed fetch leaves it as it was.
#include "http_get.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>

namespace {

constexpr double idle_timeout = 30.0;  // seconds without a byte from the server

int usage() {
    std::cerr << "usage: http_client [-i] [-o FILE] URL\n"
                 "  -i       write the status line and headers before the body\n"
                 "  -o FILE  write to FILE instead of standard output\n"
                 "  URL      http://host[:port]/path\n";
    return 2;
}

// [output_file]
// -o FILE: the body goes to a temporary file next to FILE, renamed over FILE only once the
// response is complete (rename() swaps it in at once). A fetch that fails removes the temporary
// file and leaves FILE as it was, or absent. What is not a regular file (/dev/null, a FIFO)
// cannot be swapped: it is written in place. A symbolic link to a file: the file is replaced.
class output_file {
public:
    explicit output_file(const std::string& path) : target_(path) {
        struct stat st {};
        bool exists = ::stat(path.c_str(), &st) == 0;
        if (exists && !S_ISREG(st.st_mode)) {
            stream_.open(path, std::ios::binary | std::ios::trunc);
            if (!stream_) throw std::runtime_error("cannot write " + path);
            return;
        }
        if (exists) {
            char real[PATH_MAX];
            if (::realpath(path.c_str(), real)) target_ = real;
        }
        auto slash = target_.rfind('/');
        temporary_ = target_.substr(0, slash + 1) + "." + target_.substr(slash + 1) + ".XXXXXX";
        int fd = ::mkstemp(temporary_.data());
        if (fd < 0) throw std::runtime_error("cannot write " + path + ": " + asyncore::strerror(errno));
        mode_t mask = ::umask(0);
        ::umask(mask);
        ::fchmod(fd, exists ? st.st_mode & 07777 : 0666 & ~mask);  // what writing FILE would give
        ::close(fd);
        stream_.open(temporary_, std::ios::binary | std::ios::trunc);
        if (!stream_) throw std::runtime_error("cannot write " + temporary_);
    }
    ~output_file() {
        if (!temporary_.empty()) ::unlink(temporary_.c_str());
    }
    output_file(const output_file&) = delete;
    output_file& operator=(const output_file&) = delete;

    std::ostream& stream() { return stream_; }

    // The response is complete: FILE gets it.
    void commit() {
        stream_.close();
        if (!stream_) throw std::runtime_error("cannot write " + target_);
        if (temporary_.empty()) return;
        if (::rename(temporary_.c_str(), target_.c_str()) != 0)
            throw std::runtime_error("cannot write " + target_ + ": " + asyncore::strerror(errno));
        temporary_.clear();
    }

private:
    std::string target_, temporary_;
    std::ofstream stream_;
};
// [output_file]

int fail(const std::string& why, int status = 1) {
    std::cerr << "http_client: " << why << '\n';
    return status;
}

}  // namespace

int main(int argc, char* argv[]) {
    bool include_head = false;
    const char* output_path = nullptr;
    for (int opt; (opt = ::getopt(argc, argv, "io:")) != -1;) {
        if (opt == 'i') include_head = true;
        else if (opt == 'o') output_path = optarg;
        else return usage();
    }
    if (optind != argc - 1) return usage();

    http::url target;
    try {
        target = http::url::parse(argv[optind]);
    } catch (const http::bad_url& e) {
        return fail(e.what(), 2);
    }
    std::optional<output_file> file;
    try {
        if (output_path) file.emplace(output_path);
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    std::ostream& out = file ? file->stream() : std::cout;
    std::ios::sync_with_stdio(false);

    try {
        // Resolving blocks, but nothing else is running yet: do it before the loop starts.
        auto server = asyncore::address::resolve(target.host, target.port);
        http::http_get get(target, server, out, include_head);
        while (!asyncore::socket_map.empty()) {
            asyncore::loop(1.0, false, nullptr, 1);
            std::chrono::duration<double> idle = std::chrono::steady_clock::now() - get.last_heard();
            if (idle.count() > idle_timeout && !asyncore::socket_map.empty())
                return fail("timed out: nothing from " + target.host_header() + " for " +
                            std::to_string(static_cast<int>(idle_timeout)) + " s");
        }
        if (!get.ok()) return fail(get.error());
        out.flush();
        if (!out) return fail("cannot write the output");
        if (file) file->commit();
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    return 0;
}
