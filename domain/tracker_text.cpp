#include "domain/tracker_text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace hindsight::domain {
namespace {

bool is_word_char(char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
}

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(),
                                        [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
}

std::vector<std::string_view> path_parts(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        auto slash = path.find('/');
        auto part = path.substr(0, slash);
        if (!part.empty()) parts.push_back(part);
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return parts;
}

// The path of an https:// (or, where allowed, http://) URL, without query and fragment; nullopt for
// anything else.
std::optional<std::string_view> https_path(std::string_view url, bool plain_http_too = false) {
    constexpr std::string_view scheme = "https://";
    constexpr std::string_view plain = "http://";
    if (url.starts_with(scheme))
        url.remove_prefix(scheme.size());
    else if (plain_http_too && url.starts_with(plain))
        url.remove_prefix(plain.size());
    else
        return std::nullopt;
    auto slash = url.find('/');
    if (slash == std::string_view::npos || slash == 0) return std::nullopt;
    auto path = url.substr(slash);
    path = path.substr(0, path.find_first_of("?#"));
    return path;
}

}  // namespace

std::optional<issue_address> parse_issue_url(std::string_view url) {
    auto path = https_path(url);
    if (!path) return std::nullopt;
    auto parts = path_parts(*path);
    if (parts.size() != 4 || parts[2] != "issues" || !all_digits(parts[3]) || parts[3].size() > 10)
        return std::nullopt;
    return issue_address{std::string(parts[0]) + "/" + std::string(parts[1]), std::string(parts[3])};
}

bool is_jira_key(std::string_view key) {
    auto dash = key.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || key.size() > 64) return false;
    auto project = key.substr(0, dash);
    return std::isupper(static_cast<unsigned char>(project.front())) &&
           std::all_of(project.begin(), project.end(),
                       [](char ch) {
                           return std::isupper(static_cast<unsigned char>(ch)) ||
                                  std::isdigit(static_cast<unsigned char>(ch)) || ch == '_';
                       }) &&
           all_digits(key.substr(dash + 1));
}

std::optional<std::string> parse_jira_url(std::string_view url) {
    auto path = https_path(url, true);
    if (!path) return std::nullopt;
    auto parts = path_parts(*path);
    if (parts.size() < 2 || parts[parts.size() - 2] != "browse" || !is_jira_key(parts.back()))
        return std::nullopt;
    return std::string(parts.back());
}

std::string issue_reference(std::string_view url) {
    if (auto key = parse_jira_url(url)) return *key;
    auto path = https_path(url);
    if (path) {
        auto parts = path_parts(*path);
        if (parts.size() == 4 && (parts[2] == "issues" || parts[2] == "pull") && all_digits(parts[3]))
            return std::string(parts[0]) + "/" + std::string(parts[1]) + "#" + std::string(parts[3]);
    }
    return std::string(url);
}

std::string issue_suffix(std::string_view url) {
    if (url.empty()) return {};
    return " · " + std::string(url);
}

std::string tracker_marker(std::string_view workspace, int action_number) {
    // FNV-1a over "workspace:number": stable across versions and databases, which a row id is not.
    std::uint64_t hash = 14695981039346656037ull;
    auto mix = [&hash](std::string_view text) {
        for (unsigned char ch : text) {
            hash ^= ch;
            hash *= 1099511628211ull;
        }
    };
    mix(workspace);
    mix(":");
    mix(std::to_string(action_number));
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, hash >>= 4) out[static_cast<std::size_t>(i)] = digits[hash & 0xf];
    return out;
}

std::string marker_comment(std::string_view marker) {
    return "<!-- hindsight:action=" + std::string(marker) + " -->";
}

bool body_has_marker(std::string_view body, std::string_view marker) {
    return !marker.empty() && body.find(marker_comment(marker)) != std::string_view::npos;
}

mentioned find_mentions(std::string_view text) {
    mentioned found;
    constexpr std::size_t most = 20;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i > 0 && is_word_char(text[i - 1])) continue;
        std::size_t digits_at = 0;
        std::vector<int>* into = nullptr;
        if (text.substr(i, 4) == "INC-")
            digits_at = i + 4, into = &found.incidents;
        else if (text.substr(i, 2) == "A-")
            digits_at = i + 2, into = &found.actions;
        if (!into) continue;
        std::size_t end = digits_at;
        while (end < text.size() && end - digits_at < 9 &&
               std::isdigit(static_cast<unsigned char>(text[end])))
            ++end;
        if (end == digits_at || (end < text.size() && is_word_char(text[end]))) continue;
        int number = std::stoi(std::string(text.substr(digits_at, end - digits_at)));
        if (number > 0 && into->size() < most && std::find(into->begin(), into->end(), number) == into->end())
            into->push_back(number);
        i = end - 1;
    }
    return found;
}

}  // namespace hindsight::domain
