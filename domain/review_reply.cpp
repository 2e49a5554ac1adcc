#include "domain/review_reply.hpp"

#include <array>

#include "domain/causal_map.hpp"
#include "domain/text.hpp"

namespace hindsight::domain {
namespace {

// Agreement and thanks: a facilitator hears them, but they are not answers to record.
constexpr std::array<std::string_view, 22> chatter_words{
    "+1", "++",   "agree", "agreed", "same", "same here", "me too", "thanks",  "thank you", "thx", "ty",
    "ok", "okay", "k",     "yes",    "yep",  "yeah",      "indeed", "exactly", "this",      "^",   "^ this"};

std::string_view strip_trailing_punctuation(std::string_view text) {
    while (!text.empty()) {
        char c = text.back();
        if (c == '.' || c == '!' || c == ',' || c == ';' || c == ':' || c == ' ' || c == '\t')
            text.remove_suffix(1);
        else if (text.size() >= 3 && text.substr(text.size() - 3) == "\xE2\x80\xA6")  // …
            text.remove_suffix(3);
        else
            break;
    }
    return text;
}

// Decodes one UTF-8 code point at i (advancing i); invalid bytes come back as U+FFFD.
char32_t next_code_point(std::string_view s, std::size_t& i) {
    auto byte = static_cast<unsigned char>(s[i]);
    int extra = byte < 0x80 ? 0 : byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : -1;
    if (extra < 0 || i + static_cast<std::size_t>(extra) >= s.size()) {
        ++i;
        return 0xFFFD;
    }
    char32_t cp = extra == 0 ? byte : byte & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
    i += static_cast<std::size_t>(extra) + 1;
    return cp;
}

bool is_emoji_code_point(char32_t cp) {
    return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
           (cp >= 0x2B00 && cp <= 0x2BFF) || (cp >= 0x2190 && cp <= 0x21FF) || cp == 0xFE0F || cp == 0x200D ||
           cp == 0x20E3 || (cp >= 0xE0020 && cp <= 0xE007F) || cp == 0x00A9 || cp == 0x00AE || cp == 0x203C ||
           cp == 0x2049 || cp == 0x2122 || cp == 0x2139;
}

bool is_shortcode_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '+';
}

// "/incident factor x" or "incident factor x" → "factor x"; anything else → nullopt.
std::optional<std::string> command_after_trigger(std::string_view text, std::string_view trigger) {
    if (!text.empty() && text.front() == '/') text.remove_prefix(1);
    if (trigger.empty() || !starts_with_ci(text, trigger)) return std::nullopt;
    auto rest = text.substr(trigger.size());
    if (!rest.empty() && rest.front() != ' ' && rest.front() != '\t') return std::nullopt;
    return std::string(trim(rest));
}

// "F2.1 = F1.2"
std::optional<review_reply> as_join(std::string_view text) {
    auto eq = text.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    auto left = parse_node_label(trim(text.substr(0, eq)));
    auto right = parse_node_label(trim(text.substr(eq + 1)));
    if (!left || !right) return std::nullopt;
    review_reply r;
    r.kind = reply_kind::join;
    r.node = *left;
    r.other = *right;
    return r;
}

// "F2.1: text"
std::optional<review_reply> as_addressed(std::string_view text) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos || colon > 40) return std::nullopt;
    auto label = parse_node_label(trim(text.substr(0, colon)));
    if (!label) return std::nullopt;
    review_reply r;
    r.kind = reply_kind::addressed;
    r.node = *label;
    r.text = std::string(trim(text.substr(colon + 1)));
    r.control = parse_control_word(r.text);
    return r;
}

}  // namespace

std::optional<control_word> parse_control_word(std::string_view text) {
    auto word = ascii_lower(strip_trailing_punctuation(trim(text)));
    if (word == "next") return control_word::next;
    if (word == "skip") return control_word::skip;
    if (word == "done") return control_word::done;
    if (word == "none") return control_word::none;
    return std::nullopt;
}

bool is_emoji_only(std::string_view text) {
    bool any = false;
    for (std::size_t i = 0; i < text.size();) {
        char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            ++i;
            continue;
        }
        if (c == ':') {  // a :shortcode: as Slack and Mattermost send emoji
            auto end = i + 1;
            while (end < text.size() && is_shortcode_char(text[end])) ++end;
            if (end < text.size() && text[end] == ':' && end > i + 1) {
                i = end + 1;
                any = true;
                continue;
            }
            return false;
        }
        if (!is_emoji_code_point(next_code_point(text, i))) return false;
        any = true;
    }
    return any;
}

review_reply classify_review_reply(std::string_view raw, std::string_view trigger) {
    auto text = trim(raw);
    review_reply r;
    r.text = std::string(text);
    if (text.empty() || is_emoji_only(text)) {
        r.kind = reply_kind::chatter;
        return r;
    }
    if (text.front() == '>') {
        r.kind = reply_kind::aside;
        return r;
    }
    if (auto command = command_after_trigger(text, trigger)) {
        r.kind = reply_kind::command;
        r.text = *command;
        return r;
    }
    if (auto join = as_join(text)) return *join;
    if ((r.control = parse_control_word(text))) {
        r.kind = reply_kind::control;
        return r;
    }
    auto lowered = ascii_lower(strip_trailing_punctuation(text));
    for (auto word : chatter_words)
        if (lowered == word) {
            r.kind = reply_kind::chatter;
            return r;
        }
    if (text.back() == '?') {
        r.kind = reply_kind::question;
        return r;
    }
    if (auto addressed = as_addressed(text)) {
        if (!addressed->text.empty() && addressed->text.back() == '?') addressed->kind = reply_kind::question;
        return *addressed;
    }
    return r;
}

}  // namespace hindsight::domain
