// Exercise 14, challenge, a solution: folder listings.
#include "folder_listing.hpp"

// Your http_handler, built into the challenge's test program with the line below. Its helpers
// (lower(), percent_decode(), http_date(), printable()) are in this file too.
#include "../http_server.cpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
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
        // ASCII letters and digits, whatever the locale (std::isalnum() would follow it)
        const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum || c == '-' || c == '.' || c == '_' || c == '~') {
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
