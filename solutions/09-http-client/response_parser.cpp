// Capstone 09, a solution: the incremental HTTP/1.1 response parser.
#include "response_parser.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace http {

// TODO helpers begin
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// RFC 9110 token characters: what a header name may hold.
bool is_token(std::string_view s) {
    static const std::string_view extra = "!#$%&'*+-.^_`|~";
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || extra.find(c) != std::string_view::npos;
    });
}

// A decimal Content-Length, or an error: no sign, no spaces inside, no overflow.
std::uint64_t parse_length(std::string_view text) {
    if (text.empty() || text.size() > 18 || !std::all_of(text.begin(), text.end(), ::isdigit))
        throw protocol_error("bad Content-Length: '" + std::string(text) + "'");
    std::uint64_t value = 0;
    for (char c : text) value = value * 10 + static_cast<std::uint64_t>(c - '0');
    return value;
}

// [chunk_size]
// "1a2b;name=value" -> 0x1a2b. Extensions after ';' are allowed and ignored.
std::uint64_t parse_chunk_size(std::string_view line) {
    std::string_view digits = trim(line.substr(0, line.find(';')));
    if (digits.empty() || digits.size() > 15 || !std::all_of(digits.begin(), digits.end(), ::isxdigit))
        throw protocol_error("bad chunk size line: '" + std::string(line.substr(0, 40)) + "'");
    return std::stoull(std::string(digits), nullptr, 16);
}
// [chunk_size]

}  // namespace

// [take_line]
// Takes bytes up to and including the next "\n" from `data`. Returns the line (without "\r\n")
// once it is complete; until then its start waits in line_.
std::optional<std::string> response_parser::take_line(std::string_view& data, std::size_t limit) {
    auto newline = data.find('\n');
    std::string_view piece = data.substr(0, newline == std::string_view::npos ? data.size() : newline + 1);
    bool in_head = stage_ == stage::status_line || stage_ == stage::header_line;
    if (in_head) head_.append(piece);  // kept as received, for -i; limited as a whole
    line_.append(piece);
    data.remove_prefix(piece.size());
    if ((in_head ? head_.size() : line_.size()) > limit)
        throw protocol_error(in_head ? "response head larger than " + std::to_string(limit) + " bytes"
                                     : "line longer than " + std::to_string(limit) + " bytes");
    if (newline == std::string_view::npos) return std::nullopt;
    std::string line = std::move(line_);
    line_.clear();
    line.pop_back();  // "\n"
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}
// [take_line]

// [status_line]
void response_parser::on_status_line(const std::string& line) {
    // HTTP/1.1 200 OK
    if (line.size() < 12 || line.compare(0, 7, "HTTP/1.") != 0 || !std::isdigit(static_cast<unsigned char>(line[7])) ||
        line[8] != ' ' || !std::all_of(line.begin() + 9, line.begin() + 12, ::isdigit) ||
        (line.size() > 12 && line[12] != ' '))
        throw protocol_error("not an HTTP/1.x status line: '" + line.substr(0, 60) + "'");
    status_ = std::stoi(line.substr(9, 3));
    if (status_ < 100) throw protocol_error("bad status code " + line.substr(9, 3));
    reason_ = line.size() > 13 ? line.substr(13) : "";
    stage_ = stage::header_line;
}
// [status_line]

void response_parser::on_header_line(const std::string& line) {
    if (line.empty()) {  // the blank line: the head is complete
        start_body();
        return;
    }
    if (line[0] == ' ' || line[0] == '\t') throw protocol_error("obsolete folded header line");
    auto colon = line.find(':');
    if (colon == std::string::npos || !is_token(std::string_view(line).substr(0, colon)))
        throw protocol_error("malformed header line: '" + line.substr(0, 60) + "'");
    headers_.emplace_back(line.substr(0, colon), std::string(trim(std::string_view(line).substr(colon + 1))));
}

void response_parser::on_trailer_line(const std::string& line) {
    if (line.empty()) stage_ = stage::done;  // trailers (if any) end with a blank line
}

void response_parser::on_chunk_size_line(const std::string& line) {
    left_ = parse_chunk_size(line);
    stage_ = left_ == 0 ? stage::trailer_line : stage::chunk_data;
}

// [framing]
// How the body is framed, after RFC 9112 section 6.3.
void response_parser::start_body() {
    if (status_ < 200) {  // 1xx: an interim response; the real one follows
        headers_.clear();
        stage_ = stage::status_line;
        return;
    }
    if (head_request_ || status_ == 204 || status_ == 304) {
        stage_ = stage::done;
        return;
    }
    // Several Transfer-Encoding lines make one list of codings, in order (RFC 9110 5.3). The body
    // is chunked only if chunked is the last of them; after any other, it runs until close.
    bool transfer_encoded = false;
    std::string_view last_coding;
    for (const auto& [name, value] : headers_) {
        if (!iequals(name, "Transfer-Encoding")) continue;
        transfer_encoded = true;
        for (std::string_view list = value; !list.empty();) {
            auto comma = list.find(',');
            std::string_view coding = trim(list.substr(0, comma));
            if (!coding.empty()) last_coding = coding;  // empty list elements do not count
            list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        }
    }
    if (transfer_encoded) {
        stage_ = iequals(last_coding, "chunked") ? stage::chunk_size : stage::body_until_close;
        return;  // Transfer-Encoding overrides any Content-Length
    }
    std::optional<std::uint64_t> length;
    for (const auto& [name, value] : headers_) {
        if (!iequals(name, "Content-Length")) continue;
        std::uint64_t this_one = parse_length(value);
        if (length && *length != this_one) throw protocol_error("conflicting Content-Length headers");
        length = this_one;
    }
    if (length) {
        left_ = *length;
        stage_ = left_ == 0 ? stage::done : stage::body_length;
        return;
    }
    stage_ = stage::body_until_close;
}
// [framing]

void response_parser::take_body(std::string_view& data, std::uint64_t& left) {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, data.size()));
    on_body_(data.substr(0, n));
    data.remove_prefix(n);
    left -= n;
}
// TODO helpers end

response_parser::response_parser(body_sink on_body, bool head_request)
    : on_body_(std::move(on_body)), head_request_(head_request) {}

const std::string* response_parser::header(std::string_view name) const {
    // TODO 1 begin
    for (const auto& [n, value] : headers_)
        if (iequals(n, name)) return &value;
    return nullptr;
    // TODO 1 end
}

// [feed]
void response_parser::feed(std::string_view data) {
    // TODO 2 begin
    while (!data.empty()) {
        switch (stage_) {
        case stage::status_line:
            if (auto line = take_line(data, max_head_size)) on_status_line(*line);
            break;
        case stage::header_line:
            if (auto line = take_line(data, max_head_size)) on_header_line(*line);
            break;
        case stage::body_length:
            take_body(data, left_);
            if (left_ == 0) stage_ = stage::done;
            break;
        case stage::chunk_size:
            if (auto line = take_line(data, max_chunk_line)) on_chunk_size_line(*line);
            break;
        case stage::chunk_data:
            take_body(data, left_);
            if (left_ == 0) stage_ = stage::chunk_end;
            break;
        case stage::chunk_end:  // the CRLF after a chunk's data
            if (auto line = take_line(data, max_chunk_line)) {
                if (!line->empty()) throw protocol_error("chunk data longer than its size");
                stage_ = stage::chunk_size;
            }
            break;
        case stage::trailer_line:
            if (auto line = take_line(data, max_head_size)) on_trailer_line(*line);
            break;
        case stage::body_until_close:
            on_body_(data);
            data = {};
            break;
        case stage::done:
            throw protocol_error("unexpected bytes after the end of the response");
        }
    }
    // TODO 2 end
}
// [feed]

// [finish]
void response_parser::finish() {
    // TODO 3 begin
    switch (stage_) {
    case stage::done:
        return;
    case stage::body_until_close:
        stage_ = stage::done;
        return;
    case stage::status_line:
        throw protocol_error(head_.empty() && line_.empty() ? "connection closed before any response"
                                                            : "truncated response: connection closed in the status line");
    case stage::header_line:
        throw protocol_error("truncated response: connection closed in the headers");
    case stage::body_length:
        throw protocol_error("truncated response: connection closed with " + std::to_string(left_) +
                             " bytes of the body still to come");
    default:
        throw protocol_error("truncated response: connection closed in the middle of the chunked body");
    }
    // TODO 3 end
}
// [finish]

}  // namespace http
