// Exercise 14, challenge: folder listings. Finish the exercise first: listing_handler is your
// http_handler with a listing in front of it. Check your work with:
//   ./course check 14 --challenges
// Write your code between each "// TODO N begin" and its "// TODO N end"; leave the lines
// outside them as they are.
#include "folder_listing.hpp"

// Your http_handler, built into the challenge's test program with the line below. Its helpers
// (lower(), percent_decode(), http_date(), printable()) are in this file too.
#include "../http_server.cpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <vector>

// TODO helpers begin: functions of your own (an HTML escape, say), if you want some.
// TODO helpers end

std::string listing_line(const std::string& name, bool is_folder) {
    // TODO 1 begin: "<li><a href=\"" + the name percent-encoded + "\">" + the name HTML-escaped +
    //         "</a></li>", a '/' after the name in both for a folder.
    (void)name;
    (void)is_folder;
    return "";
    // TODO 1 end
}

std::optional<std::string> folder_listing(const std::string& folder, const std::string& url_path) {
    // TODO 2 begin: std::nullopt if folder + "/index.html" exists. Else read the folder's names
    //         (opendir()/readdir(), or std::filesystem::directory_iterator), sort them, and make
    //         the page of the header around one listing_line() per name.
    (void)folder;
    (void)url_path;
    return std::string();
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
