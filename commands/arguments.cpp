#include "commands/arguments.hpp"

#include <charconv>

#include "domain/text.hpp"

namespace hindsight::commands {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::optional<int> parse_ref(std::string_view word, std::string_view prefix) {
    if (word.size() <= prefix.size() || !domain::starts_with_ci(word, prefix)) return std::nullopt;
    auto digits = word.substr(prefix.size());
    int number = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (ec != std::errc{} || ptr != digits.data() + digits.size() || number <= 0) return std::nullopt;
    return number;
}

}  // namespace

arguments::arguments(std::string_view text) : text_(text) {}

std::optional<std::string_view> arguments::peek() const {
    auto copy = *this;
    return copy.next();
}

std::optional<std::string_view> arguments::next() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
    if (pos_ >= text_.size()) return std::nullopt;
    auto start = pos_;
    while (pos_ < text_.size() && !is_space(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
}

std::string_view arguments::rest() const {
    return domain::trim(text_.substr(std::min(pos_, text_.size())));
}

std::vector<std::string_view> split_words(std::string_view text) {
    std::vector<std::string_view> words;
    arguments args(text);
    while (auto word = args.next()) words.push_back(*word);
    return words;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = domain::trim(text.substr(0, end));
        if (!line.empty()) lines.push_back(line);
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

std::optional<int> parse_incident_ref(std::string_view word) {
    return parse_ref(word, "INC-");
}
std::optional<int> parse_action_ref(std::string_view word) {
    return parse_ref(word, "A-");
}

std::optional<user_mention> parse_user_mention(std::string_view word) {
    if (word.size() > 3 && word.starts_with("<@") && word.ends_with(">")) {
        auto inner = word.substr(2, word.size() - 3);
        auto bar = inner.find('|');
        if (bar != std::string_view::npos) inner = inner.substr(0, bar);
        if (inner.empty()) return std::nullopt;
        return user_mention{std::string(inner), true};
    }
    if (word.size() > 1 && word.front() == '@') {
        auto name = word.substr(1);
        for (char c : name)
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == '-'))
                return std::nullopt;
        return user_mention{std::string(name), false};
    }
    return std::nullopt;
}

}  // namespace hindsight::commands
