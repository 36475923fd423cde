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
void listing_handler::respond_to_folder(const std::string& folder, const std::string& url_path, bool head_only,
                                        bool keep_alive) {
    std::optional<std::string> page = folder_listing(folder, url_path);
    if (!page) return http_handler::respond_to_folder(folder, url_path, head_only, keep_alive);
    send_response(200, "Content-Type: text/html; charset=utf-8\r\n", keep_alive, page->size(), nullptr,
                  head_only ? "" : *page);
}

listing_server::listing_server(const asyncore::address& where, const std::string& root, asyncore::channel_map* map,
                               std::ostream& log, http_limits limits)
    : http_server(where, root, map, log, limits), log_(log), limits_(limits) {}

void listing_server::handle_accept() {
    while (auto accepted = accept())
        asyncore::make<listing_handler>(std::move(accepted->first), &map(), root(), log_, limits_)->close_when_idle();
}
// [listing_handler]
