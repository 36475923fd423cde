// http_client [-i] [-o FILE] [--connect-timeout SECONDS] [-m|--max-time SECONDS] URL: the HTTP
// client's command line (given).
// Contract: writes the body to stdout (or FILE); -i writes the status line and headers first.
// Exit status 0 when a complete response arrived (any status); 2 for a bad command line or URL;
// 1 with a one-line message on stderr for a failed connection or a malformed or truncated response.
// With -o, FILE changes only when the response is complete: a failed fetch leaves it as it was.
// Time limits, as curl's (chapter 12): --connect-timeout, the most the connection may take;
// --max-time, the most the whole fetch may take; both counted from the start, 0 for none (the
// default). Whatever they say, 30 s without a byte from the server ends the fetch. On expiry:
// a one-line message, exit status 1.
#include "http_get.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <getopt.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>

namespace {

constexpr double silence_limit = 30.0;  // seconds without a byte from the server

int usage(int status = 2) {
    (status == 0 ? std::cout : std::cerr)
        << "usage: http_client [-i] [-o FILE] [--connect-timeout SECONDS] [-m SECONDS] URL\n"
           "  -i                         write the status line and headers before the body\n"
           "  -o FILE                    write to FILE instead of standard output\n"
           "  --connect-timeout SECONDS  give up if the connection is not made within SECONDS\n"
           "                             (default 0: no limit of its own)\n"
           "  -m, --max-time SECONDS     give up if the whole fetch takes longer than SECONDS\n"
           "                             (default 0: no limit)\n"
           "  URL                        http://host[:port]/path\n"
           "Whatever the limits, 30 s without a byte from the server ends the fetch. A fetch that\n"
           "times out exits with status 1 and a one-line message.\n";
    return status;
}

// "2.5" -> 2.5 seconds; false for anything but a number from 0 to 10^9.
bool parse_seconds(const char* text, double& seconds) {
    char* end = nullptr;
    double value = std::strtod(text, &end);
    if (*text == '\0' || *end != '\0' || !std::isfinite(value) || value < 0 || value > 1e9) return false;
    seconds = value;
    return true;
}

// 2.0 -> "2", 0.5 -> "0.5": seconds as the user wrote them.
std::string seconds_text(double seconds) {
    std::ostringstream text;
    text << seconds;
    return text.str();
}

asyncore::timer_clock::duration in_clock_ticks(double seconds) {
    return std::chrono::duration_cast<asyncore::timer_clock::duration>(std::chrono::duration<double>(seconds));
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
    const auto start = asyncore::timer_clock::now();  // --connect-timeout and --max-time count from here
    bool include_head = false;
    const char* output_path = nullptr;
    double connect_timeout = 0, max_time = 0;
    const int connect_timeout_flag = 1000, help_flag = 1001;
    const option options[] = {{"connect-timeout", required_argument, nullptr, connect_timeout_flag},
                              {"max-time", required_argument, nullptr, 'm'},
                              {"help", no_argument, nullptr, help_flag},
                              {nullptr, 0, nullptr, 0}};
    for (int opt; (opt = ::getopt_long(argc, argv, "io:m:", options, nullptr)) != -1;) {
        if (opt == 'i') {
            include_head = true;
        } else if (opt == 'o') {
            output_path = optarg;
        } else if (opt == connect_timeout_flag || opt == 'm') {
            if (!parse_seconds(optarg, opt == 'm' ? max_time : connect_timeout)) {
                std::cerr << "http_client: not a number of seconds: " << optarg << '\n';
                return usage();
            }
        } else if (opt == help_flag) {
            return usage(0);
        } else {
            return usage();
        }
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

        // [deadlines]
        // The time limits are timers in the loop (chapter 12). One that expires closes the fetch,
        // and says why: the loop then ends, its map empty.
        std::string timed_out;
        auto give_up = [&](std::string why) {
            if (timed_out.empty()) timed_out = std::move(why);
            get.close();
        };
        asyncore::timer max_timer, connect_timer, silence_timer;
        if (max_time > 0)
            max_timer = asyncore::call_at(start + in_clock_ticks(max_time), [&] {
                give_up("timed out after " + seconds_text(max_time) + " s (--max-time): the response was not complete");
            });
        if (connect_timeout > 0)
            connect_timer = asyncore::call_at(start + in_clock_ticks(connect_timeout), [&] {
                if (get.connecting)
                    give_up("timed out connecting to " + target.host_header() + ": no connection within " +
                            seconds_text(connect_timeout) + " s (--connect-timeout)");
            });
        // Silence: the timer looks at when the server was last heard from, and closes the fetch
        // or sets itself again for the moment the server will have been silent long enough.
        std::function<void()> check_silence = [&] {
            auto silent_until = get.last_heard() + in_clock_ticks(silence_limit);
            if (asyncore::timer_clock::now() < silent_until)
                silence_timer = asyncore::call_at(silent_until, check_silence);
            else
                give_up("timed out: nothing from " + target.host_header() + " for " + seconds_text(silence_limit) + " s");
        };
        silence_timer = asyncore::call_later(silence_limit, check_silence);

        asyncore::loop(30.0);
        max_timer.cancel();  // the loop ended with them pending: they capture what ends here
        connect_timer.cancel();
        silence_timer.cancel();
        if (!timed_out.empty()) return fail(timed_out);
        // [deadlines]
        if (!get.ok()) return fail(get.error());
        out.flush();
        if (!out) return fail("cannot write the output");
        if (file) file->commit();
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    return 0;
}
