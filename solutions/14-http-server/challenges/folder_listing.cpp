// Exercise 14, challenge, a solution: folder listings.
#include "folder_listing.hpp"

// Your http_handler, built into the challenge's test program with the line below. Its helpers
// (lower(), percent_decode(), http_date(), printable()) are in this file too.
#include "../http_server.cpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <vector>

// TODO helpers begin
namespace {

// [escape]
// & < > as entities: a name shown as text can then never open a tag or an entity.
std::string html_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '&') out += "&amp;";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else out += c;
    }
    return out;
}

// Every byte but RFC 3986's unreserved ones as %XX: in a link, a name's ' ', '#', '?' or '%'
// would otherwise end the path, start a fragment or a query, or be decoded.
std::string percent_encode(std::string_view text) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}
// [escape]

}  // namespace
// TODO helpers end

std::string listing_line(const std::string& name, bool is_folder) {
    // TODO 1 begin
    const std::string slash = is_folder ? "/" : "";
    return "<li><a href=\"" + percent_encode(name) + slash + "\">" + html_escape(name) + slash + "</a></li>";
    // TODO 1 end
}

std::optional<std::string> folder_listing(const std::string& folder, const std::string& url_path) {
    // TODO 2 begin
    // [listing]
    struct stat st{};
    if (::stat((folder + "/index.html").c_str(), &st) == 0) return std::nullopt;  // http_handler serves it
    std::vector<std::string> names;
    if (DIR* dir = ::opendir(folder.c_str())) {
        while (const dirent* entry = ::readdir(dir)) {
            std::string name = entry->d_name;
            if (name != "." && name != "..") names.push_back(name);
        }
        ::closedir(dir);
    }
    std::sort(names.begin(), names.end());  // readdir()'s order is the file system's, not the reader's
    const std::string title = "Index of " + html_escape(url_path);  // the client's path, never the disk's
    std::string page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title +
                       "</title></head>\n<body><h1>" + title + "</h1>\n<ul>\n";
    for (const auto& name : names) {
        const bool is_folder = ::stat((folder + "/" + name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
        page += listing_line(name, is_folder) + "\n";
    }
    return page + "</ul>\n</body></html>\n";
    // [listing]
    // TODO 2 end
}

// [listing_handler]
listing_handler::listing_handler(asyncore::socket sock, asyncore::channel_map* map, const std::string& root,
                                 std::ostream& log, const http_limits& limits)
    : http_handler(std::move(sock), map, root, log, limits), root_(root), log_(log), limits_(limits) {}

void listing_handler::collect_incoming_data(std::string_view data) {
    if (closing_) return;
    if (passing_) return http_handler::collect_incoming_data(data);
    held_ += data;
    if (held_.size() > limits_.max_head) pass_on();  // no head to list: http_handler answers 414 or 431
}

void listing_handler::found_terminator() {
    if (closing_) return;
    // A head ends at "\r\n\r\n" (a count ends a request body, which is http_handler's).
    const auto* text = std::get_if<std::string>(&get_terminator());
    if (!passing_ && text && *text == "\r\n\r\n") {
        http_request request;
        if (parse_request_head(held_ + "\r\n", limits_.max_target, request) == 0 && answer_with_listing(request)) {
            held_.clear();
            return;
        }
    }
    if (!passing_) pass_on();
    passing_ = false;
    http_handler::found_terminator();  // it sees the same calls it would have seen without us
}

void listing_handler::pass_on() {
    passing_ = true;
    std::string bytes = std::move(held_);
    held_.clear();
    if (!bytes.empty()) http_handler::collect_incoming_data(bytes);
}

bool listing_handler::answer_with_listing(const http_request& request) {
    const bool head_only = request.method == "HEAD";
    if (request.method != "GET" && !head_only) return false;
    if (!request.header("transfer-encoding").empty() || !request.header("content-length").empty()) return false;
    std::string_view target = request.target;
    target = target.substr(0, target.find_first_of("?#"));
    std::string path;
    if (target.empty() || target.front() != '/' || target.back() != '/' || !percent_decode(target, path)) return false;
    // respond()'s rules: no ".." segment, and the folder, links followed, lies under the root.
    if (path.find("/../") != std::string::npos) return false;
    char real[PATH_MAX];
    if (!::realpath((root_ + path).c_str(), real)) return false;
    std::string folder = real;
    if (folder != root_ && folder.compare(0, root_.size() + 1, root_ + "/") != 0) return false;
    struct stat st{};
    if (::stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
    std::optional<std::string> page = folder_listing(folder, path);
    if (!page) return false;

    const std::string connection = lower(request.header("connection"));
    const bool keep_alive = request.minor >= 1 ? connection.find("close") == std::string::npos
                                               : connection.find("keep-alive") != std::string::npos;
    std::string head = "HTTP/1.1 200 OK\r\nDate: " + http_date(std::time(nullptr)) +
                       "\r\nServer: asyncore-cpp http_server\r\nContent-Type: text/html; charset=utf-8\r\n"
                       "Content-Length: " + std::to_string(page->size()) + "\r\nConnection: " +
                       (keep_alive ? "keep-alive" : "close") + "\r\n\r\n";
    push(head_only ? head : head + *page);
    log_ << addr.to_string() << " \"" << printable(request.method + " " + request.target) << "\" 200 " << page->size()
         << std::endl;
    if (!keep_alive) {
        closing_ = true;
        close_when_done();
        initiate_send();
    }
    return true;
}

listing_server::listing_server(const asyncore::address& where, const std::string& root, asyncore::channel_map* map,
                               std::ostream& log, http_limits limits)
    : http_server(where, root, map, log, limits), log_(log), limits_(limits) {}

void listing_server::handle_accept() {
    auto accepted = accept();
    if (!accepted) return;
    asyncore::make<listing_handler>(std::move(accepted->first), &map(), root(), log_, limits_)->close_when_idle();
}
// [listing_handler]
