// Capstone 14, a solution: the HTTP/1.1 file server.
#include "http_server.hpp"
#include "server_program.hpp"

#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <chrono>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <vector>

namespace {

// [helpers]
const char* reason(int status) {
    switch (status) {
        case 200: return "OK";
        case 206: return "Partial Content";
        case 301: return "Moved Permanently";
        case 304: return "Not Modified";
        case 400: return "Bad Request";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 413: return "Content Too Large";
        case 414: return "URI Too Long";
        case 416: return "Range Not Satisfiable";
        case 431: return "Request Header Fields Too Large";
        case 501: return "Not Implemented";
        case 505: return "HTTP Version Not Supported";
        default: return "Unknown";
    }
}

std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// RFC 9110's token: the characters of a method or a header field name.
[[maybe_unused]] bool is_token(std::string_view text) {  // for TODO 1
    if (text.empty()) return false;
    for (unsigned char c : text)
        if (!std::isalnum(c) && !std::strchr("!#$%&'*+-.^_`|~", c)) return false;
    return true;
}

[[maybe_unused]] std::string_view trim(std::string_view text) {  // for TODOs 1 and 4
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110's IMF-fixdate), in the C locale whatever the user's.
std::string http_date(std::time_t when) {
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm t{};
    ::gmtime_r(&when, &t);
    char text[40];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[t.tm_wday], t.tm_mday,
                  months[t.tm_mon], t.tm_year + 1900, t.tm_hour, t.tm_min, t.tm_sec);
    return text;
}

// The time of an IMF-fixdate, or -1 for anything else (a date the server cannot read is ignored).
std::time_t parse_http_date(const std::string& text) {
    static const char* months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char day[4], month[4];
    int mday, year, hour, minute, second;
    if (std::sscanf(text.c_str(), "%3s, %d %3s %d %d:%d:%d GMT", day, &mday, month, &year, &hour, &minute, &second) != 7)
        return -1;
    const char* found = std::strstr(months, month);
    if (!found || std::strlen(month) != 3 || (found - months) % 3 != 0) return -1;
    std::tm t{};
    t.tm_mday = mday;
    t.tm_mon = static_cast<int>((found - months) / 3);
    t.tm_year = year - 1900;
    t.tm_hour = hour;
    t.tm_min = minute;
    t.tm_sec = second;
    return ::timegm(&t);
}

std::string content_type(const std::string& path) {
    static const std::pair<const char*, const char*> types[] = {
        {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"}, {".md", "text/markdown; charset=utf-8"},
        {".css", "text/css"},                  {".js", "text/javascript"},
        {".json", "application/json"},         {".xml", "application/xml"},
        {".svg", "image/svg+xml"},             {".png", "image/png"},
        {".jpg", "image/jpeg"},                {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},                 {".ico", "image/x-icon"},
        {".pdf", "application/pdf"},           {".wasm", "application/wasm"},
        {".gz", "application/gzip"}};
    auto dot = path.rfind('.');
    auto slash = path.rfind('/');
    if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) {
        std::string extension = lower(path.substr(dot));
        for (const auto& [ext, type] : types)
            if (extension == ext) return type;
    }
    return "application/octet-stream";
}

// "%2e%2E/a%20b" -> "../a b"; false for a broken escape or a NUL.
bool percent_decode(std::string_view text, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
            return false;
        char c = static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
        if (c == '\0') return false;
        out += c;
        i += 2;
    }
    return true;
}

// A request line fit for a log line: printable ASCII, at most 200 characters.
std::string printable(std::string_view text) {
    std::string out(text.substr(0, 200));
    for (auto& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
    return out;
}
// [helpers]

// [file_producer]
// `length` bytes of the file `path` from `offset` on, 64 KiB per more(): the channel pulls the
// next chunk only once the last one is sent, so a slow reader of a huge file costs 64 KiB here.
// The file is opened at the first more(), when the response reaches the front of the queue:
// responses pipelined behind it hold no descriptor while they wait.
class file_producer : public asyncore::producer {
public:
    file_producer(std::string path, std::uint64_t offset, std::uint64_t length)
        : path_(std::move(path)), offset_(offset), left_(length) {}
    ~file_producer() override {
        if (fd_ >= 0) ::close(fd_);
    }
    file_producer(const file_producer&) = delete;
    file_producer& operator=(const file_producer&) = delete;

    std::string more() override {
        if (left_ == 0) return {};
        if (fd_ < 0 && (fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC)) < 0)
            throw std::runtime_error("cannot open " + path_ + ": " + asyncore::strerror(errno));
        std::string chunk(static_cast<std::size_t>(std::min<std::uint64_t>(left_, 65536)), '\0');
        ssize_t got = ::pread(fd_, chunk.data(), chunk.size(), static_cast<off_t>(offset_));
        if (got <= 0)  // the file shrank since its length was promised: the response cannot be whole
            throw std::runtime_error("the file being sent shrank, or could not be read");
        chunk.resize(static_cast<std::size_t>(got));
        offset_ += static_cast<std::uint64_t>(got);
        left_ -= static_cast<std::uint64_t>(got);
        return chunk;
    }

private:
    std::string path_;
    int fd_ = -1;
    std::uint64_t offset_, left_;
};
// [file_producer]

}  // namespace

std::string http_request::header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
}

// [parse_request_head]
int parse_request_head(std::string_view head, std::size_t max_target, http_request& request) {
    // TODO 1 begin
    std::size_t at = 0;
    while (head.substr(at, 2) == "\r\n") at += 2;  // empty lines before the request line
    auto end = head.find("\r\n", at);
    if (end == std::string_view::npos) return 400;
    std::string_view line = head.substr(at, end - at);
    auto first = line.find(' ');
    auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) return 400;
    std::string_view method = line.substr(0, first), target = line.substr(first + 1, second - first - 1),
                     version = line.substr(second + 1);
    if (!is_token(method) || target.empty()) return 400;
    for (unsigned char c : target)
        if (c <= 0x20 || c >= 0x7f) return 400;
    if (target.size() > max_target) return 414;
    if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !std::isdigit(static_cast<unsigned char>(version[5])) ||
        version[6] != '.' || !std::isdigit(static_cast<unsigned char>(version[7])))
        return 400;
    if (version[5] != '1') return 505;
    request.method = std::string(method);
    request.target = std::string(target);
    request.minor = version[7] == '0' ? 0 : 1;
    request.headers.clear();
    for (at = end + 2; at < head.size(); at = end + 2) {
        end = head.find("\r\n", at);
        if (end == std::string_view::npos) return 400;  // the last line has no CRLF
        line = head.substr(at, end - at);
        auto colon = line.find(':');
        if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) return 400;  // also obs-fold
        std::string_view value = trim(line.substr(colon + 1));
        for (char c : value)
            if (c == '\r' || c == '\n' || c == '\0') return 400;
        auto [field, added] = request.headers.emplace(lower(std::string(line.substr(0, colon))), std::string(value));
        if (!added) field->second += ", " + std::string(value);
    }
    if (request.minor == 1 && request.headers.count("host") == 0) return 400;  // RFC 9112, 3.2
    return 0;
    // TODO 1 end
}
// [parse_request_head]

http_handler::http_handler(asyncore::socket sock, asyncore::channel_map* map, const std::string& root,
                           std::ostream& log, const http_limits& limits)
    : async_chat(std::move(sock), map), root_(root), log_(log), limits_(limits), peer_(addr.to_string()) {
    int on = 1;  // a response's last segment goes out at once, not after the client's delayed ACK
    ::setsockopt(fileno(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    // TODO 2 begin
    set_terminator("\r\n\r\n");
    // TODO 2 end
}

// [collect]
void http_handler::collect_incoming_data(std::string_view data) {
    // TODO 3 begin
    if (closing_ || in_body_) return;  // after the end, or a request body: dropped
    head_.append(data);
    if (head_.size() > limits_.max_head) {
        bool line_only = head_.find("\r\n", head_.find_first_not_of("\r\n")) == std::string::npos;
        request_line_ = head_.substr(0, std::min<std::size_t>(head_.find("\r\n"), 200));
        head_.clear();
        send_error(line_only ? 414 : 431, false, false);
    }
    // TODO 3 end
}
// [collect]

// [found_terminator]
void http_handler::found_terminator() {
    // TODO 4 begin
    if (closing_) return;
    if (in_body_) {  // the body is read (and dropped): now the answer, then the next head
        in_body_ = false;
        set_terminator("\r\n\r\n");
        respond(pending_, pending_keep_alive_);
        return;
    }
    std::string head = std::move(head_);
    head_.clear();
    head += "\r\n";  // the terminator took the last line's CRLF
    auto start = head.find_first_not_of("\r\n");
    request_line_ = start == std::string::npos ? "" : head.substr(start, head.find("\r\n", start) - start);
    http_request request;
    if (int status = parse_request_head(head, limits_.max_target, request)) {
        send_error(status, false, false);
        return;
    }
    bool close = false, keep = false;
    std::string tokens = lower(request.header("connection"));
    for (std::size_t at = 0; at <= tokens.size();) {
        auto comma = std::min(tokens.find(',', at), tokens.size());
        auto token = trim(std::string_view(tokens).substr(at, comma - at));
        close = close || token == "close";
        keep = keep || token == "keep-alive";
        at = comma + 1;
    }
    bool keep_alive = request.minor >= 1 ? !close : keep && !close;
    if (request.headers.count("transfer-encoding")) {  // a chunked body: not read by this server
        send_error(501, false, false);
        return;
    }
    if (request.headers.count("content-length")) {
        const std::string length = request.header("content-length");
        if (length.empty() || length.size() > 18 || length.find_first_not_of("0123456789") != std::string::npos) {
            send_error(400, false, false);
            return;
        }
        std::size_t bytes = std::stoull(length);
        if (bytes > limits_.max_body) {
            send_error(413, false, false);
            return;
        }
        if (bytes > 0) {  // read past the body, then answer
            pending_ = std::move(request);
            pending_keep_alive_ = keep_alive;
            in_body_ = true;
            set_terminator(bytes);
            return;
        }
    }
    respond(request, keep_alive);
    // TODO 4 end
}
// [found_terminator]

// [respond]
void http_handler::respond(const http_request& request, bool keep_alive) {
    const bool head_only = request.method == "HEAD";
    if (request.method != "GET" && !head_only) return send_error(405, false, keep_alive, "Allow: GET, HEAD\r\n");
    std::string_view target = request.target;
    if (lower(std::string(target.substr(0, 7))) == "http://" || lower(std::string(target.substr(0, 8))) == "https://") {
        auto path = target.find('/', target.find("//") + 2);  // absolute-form: the path only
        target = path == std::string_view::npos ? "/" : target.substr(path);
    }
    target = target.substr(0, target.find_first_of("?#"));
    std::string path;
    if (target.empty() || target.front() != '/' || !percent_decode(target, path))
        return send_error(400, head_only, false);
    // Never a file outside the root: no ".." segment (encoded or not: this is after decoding),
    // and what the path names, symbolic links followed, must lie under the root.
    for (std::size_t at = 0; at != std::string::npos;) {
        auto slash = path.find('/', at);
        if (path.substr(at, slash == std::string::npos ? slash : slash - at) == "..") return send_error(404, head_only, keep_alive);
        at = slash == std::string::npos ? slash : slash + 1;
    }
    std::string resolved;
    for (int tries = 0; tries < 2; ++tries) {  // a folder: its index.html
        char real[PATH_MAX];
        if (!::realpath((root_ + path).c_str(), real)) return send_error(errno == EACCES ? 403 : 404, head_only, keep_alive);
        resolved = real;
        if (resolved != root_ && resolved.compare(0, root_.size() + 1, root_ + "/") != 0)
            return send_error(404, head_only, keep_alive);
        struct stat st{};
        if (::stat(resolved.c_str(), &st) != 0) return send_error(404, head_only, keep_alive);
        if (!S_ISDIR(st.st_mode)) break;
        if (path.back() != '/')  // "/docs" -> "/docs/": relative links in its index resolve there
            return send_error(301, head_only, keep_alive, "Location: " + std::string(target) + "/\r\n");
        if (tries == 1) return send_error(404, head_only, keep_alive);  // its index.html is a folder
        if (::access((resolved + "/index.html").c_str(), F_OK) != 0)
            return respond_to_folder(resolved, path, head_only, keep_alive);
        path += "index.html";
    }
    int fd = ::open(resolved.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return send_error(errno == EACCES ? 403 : 404, head_only, keep_alive);
    struct stat st{};  // opened to know it can be read; the producer opens it again to send it
    const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    ::close(fd);
    if (!regular) return send_error(404, head_only, keep_alive);
    const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
    std::string headers = "Content-Type: " + content_type(resolved) + "\r\nLast-Modified: " + http_date(st.st_mtime) +
                          "\r\nAccept-Ranges: bytes\r\n";
    std::time_t since = parse_http_date(request.header("if-modified-since"));
    if (since != -1 && st.st_mtime <= since)
        return send_response(304, "Last-Modified: " + http_date(st.st_mtime) + "\r\n", keep_alive, 0, nullptr);
    int status = 200;
    std::uint64_t first = 0, length = size;
    // [range]
    // One range of bytes ("bytes=A-B", "bytes=A-", "bytes=-N"): 206 and that part, or 416 when
    // it starts past the end. Several ranges, or one this server cannot read: the whole file.
    std::string range = request.header("range");
    auto dash = range.find('-');
    if (range.rfind("bytes=", 0) == 0 && dash != std::string::npos && dash <= 24 && range.size() - dash <= 19 &&
        range.size() > 7 && range.find_first_not_of("0123456789", 6) == dash &&
        range.find_first_not_of("0123456789", dash + 1) == std::string::npos) {
        const bool has_first = dash > 6, has_last = dash + 1 < range.size();
        const std::uint64_t a = has_first ? std::stoull(range.substr(6, dash - 6)) : 0;
        const std::uint64_t b = has_last ? std::stoull(range.substr(dash + 1)) : UINT64_MAX;
        if (!has_first) {  // "-N": the last N bytes
            status = b > 0 && size > 0 ? 206 : 416;
            first = size - std::min(b, size);
            length = size - first;
        } else if (a <= b) {  // "A-B" (B past the end: the end) or "A-"
            status = a < size ? 206 : 416;
            first = a;
            length = status == 206 ? std::min(b, size - 1) - a + 1 : 0;
        }
    }
    if (status == 416)
        return send_error(416, head_only, keep_alive, "Content-Range: bytes */" + std::to_string(size) + "\r\n");
    if (status == 206)
        headers += "Content-Range: bytes " + std::to_string(first) + "-" + std::to_string(first + length - 1) + "/" +
                   std::to_string(size) + "\r\n";
    // [range]
    std::unique_ptr<asyncore::producer> body;
    if (!head_only && length > 0) body = std::make_unique<file_producer>(resolved, first, length);
    send_response(status, headers, keep_alive, static_cast<std::size_t>(length), std::move(body));
}
// [respond]

// [send_response]
void http_handler::send_response(int status, const std::string& headers, bool keep_alive, std::size_t length,
                                 std::unique_ptr<asyncore::producer> source, const std::string& body) {
    std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\nDate: " +
                       http_date(std::time(nullptr)) + "\r\nServer: asyncore-cpp http_server\r\n" + headers;
    if (status != 304) head += "Content-Length: " + std::to_string(length) + "\r\n";
    head += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    push(head + body);
    push_with_producer(std::move(source));
    log_response(status, length);
    if (!keep_alive) {
        closing_ = true;  // read nothing more, answer nothing more: pipelined requests after it are dropped
        close_when_done();
        initiate_send();
    }
}

void http_handler::send_error(int status, bool head_only, bool keep_alive, const std::string& extra_headers) {
    std::string body = std::to_string(status) + " " + reason(status) + "\n";
    send_response(status, "Content-Type: text/plain; charset=utf-8\r\n" + extra_headers, keep_alive, body.size(),
                  nullptr, head_only ? "" : body);
}

void http_handler::respond_to_folder(const std::string&, const std::string&, bool head_only, bool keep_alive) {
    send_error(404, head_only, keep_alive);
}

void http_handler::log_response(int status, std::size_t length) {
    log_ << peer_ << " \"" << printable(request_line_) << "\" " << status << " " << length << std::endl;
}
// [send_response]

bool http_handler::readable() { return !closing_ && queued() < max_queued; }

void http_handler::handle_eof() {
    closing_ = true;  // answer what is queued (a half-closed client still reads), then close
    close_when_done();
    initiate_send();
}

void http_handler::handle_close() {
    idle_timer_.cancel();
    async_chat::handle_close();
}

// [idle]
// The idle timeout (as in chapter 08's echo server): one timer per connection, which looks at
// last_active_ when it fires and either closes the connection or sets itself again.
http_handler::~http_handler() { idle_timer_.cancel(); }

void http_handler::close_when_idle() {
    idle_timer_.cancel();
    if (limits_.idle_timeout > 0)
        idle_timer_ = asyncore::call_later(limits_.idle_timeout, [this] { check_idle(); }, &map());
}

void http_handler::check_idle() {
    if (fileno() < 0) return;
    auto idle_until = last_active_ + std::chrono::duration_cast<asyncore::timer_clock::duration>(
                                         std::chrono::duration<double>(limits_.idle_timeout));
    if (asyncore::timer_clock::now() < idle_until) {
        idle_timer_ = asyncore::call_at(idle_until, [this] { check_idle(); }, &map());
        return;
    }
    log_ << "closing " << peer_ << ": idle for " << limits_.idle_timeout << " s" << std::endl;
    handle_close();
}

void http_handler::handle_read_event() {
    last_active_ = asyncore::timer_clock::now();
    async_chat::handle_read_event();
}

void http_handler::handle_write_event() {
    last_active_ = asyncore::timer_clock::now();
    async_chat::handle_write_event();
}
// [idle]

// [server]
http_server::http_server(const asyncore::address& where, const std::string& root, asyncore::channel_map* map,
                         std::ostream& log, http_limits limits)
    : dispatcher(map), log_(log), limits_(limits) {
    char real[PATH_MAX];
    struct stat st{};
    if (!::realpath(root.c_str(), real) || ::stat(real, &st) != 0 || !S_ISDIR(st.st_mode))
        throw std::runtime_error("--root " + root + ": not a folder");
    root_ = real;
    if (root_ == "/") root_.clear();  // "/" + "/a" would be "//a"; every path starts with '/'
    create_socket(where.family(), SOCK_STREAM);
    set_reuse_addr();
    bind(where);
    listen(1024);
}

asyncore::address http_server::local_address() { return sock().getsockname(); }

void http_server::handle_accept() {
    auto clients = [this] { return map().size() - 1; };
    auto serve = [this](asyncore::socket sock, const asyncore::address&) {
        asyncore::make<http_handler>(std::move(sock), &map(), root_, log_, limits_)->close_when_idle();
    };
    server_program::accept_waiting(*this, clients, limits_.max_connections, log_, serve);
}
// [server]
