#include "domain/text.hpp"

#include <array>
#include <cctype>
#include <cstdint>

namespace hindsight::domain {
namespace {

constexpr std::string_view zero_width_joiner = "\u2060";  // WORD JOINER: invisible, not a word character

// Length of the valid UTF-8 sequence at text[pos], or 0 when it is invalid.
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(pos);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    std::uint32_t minimum = 0;
    std::uint32_t code = 0;
    if ((lead & 0xE0) == 0xC0) {
        length = 2, minimum = 0x80, code = lead & 0x1Fu;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3, minimum = 0x800, code = lead & 0x0Fu;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4, minimum = 0x10000, code = lead & 0x07u;
    } else {
        return 0;
    }
    if (pos + length > text.size()) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        unsigned char next = byte(pos + i);
        if ((next & 0xC0) != 0x80) return 0;
        code = (code << 6) | (next & 0x3Fu);
    }
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return length;
}

bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

}  // namespace

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string_view trim(std::string_view text) {
    auto is_space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    return ascii_lower(text.substr(0, prefix.size())) == ascii_lower(prefix);
}

bool is_valid_utf8(std::string_view text) {
    for (std::size_t pos = 0; pos < text.size();) {
        auto length = utf8_sequence_length(text, pos);
        if (length == 0) return false;
        pos += length;
    }
    return true;
}

std::string sanitize_utf8(std::string_view text) {
    if (is_valid_utf8(text)) return std::string(text);
    std::string out;
    out.reserve(text.size() + 8);
    for (std::size_t pos = 0; pos < text.size();) {
        auto length = utf8_sequence_length(text, pos);
        if (length == 0) {
            out += "\uFFFD";
            ++pos;
        } else {
            out.append(text.substr(pos, length));
            pos += length;
        }
    }
    return out;
}

std::size_t utf8_length(std::string_view text) {
    std::size_t count = 0;
    for (char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
    return count;
}

std::string truncate_utf8(std::string_view text, std::size_t max_code_points) {
    std::size_t count = 0;
    for (std::size_t pos = 0; pos < text.size(); ++pos) {
        if ((static_cast<unsigned char>(text[pos]) & 0xC0) != 0x80) {
            if (count == max_code_points) return std::string(text.substr(0, pos)) + "…";
            ++count;
        }
    }
    return std::string(text);
}

std::string defuse_crowd_mentions(std::string_view text) {
    static constexpr std::array<std::string_view, 4> crowd_words{"channel", "here", "all", "everyone"};
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size(); ++pos) {
        char c = text[pos];
        out += c;
        if (c == '<' && pos + 1 < text.size() && text[pos + 1] == '!') {
            out += zero_width_joiner;  // "<!channel>", "<!subteam^S1>", "<!here|here>"
            continue;
        }
        if (c != '@') continue;
        if (pos > 0 && is_word_char(text[pos - 1])) continue;  // an e-mail address, not a mention
        auto rest = text.substr(pos + 1);
        for (auto word : crowd_words) {
            if (!starts_with_ci(rest, word)) continue;
            // Only a letter or digit right after makes it another word ("@channels", "@allison"). Anything
            // else is defused, including '_', '-', ':' and '.', which Mattermost strips from the end of a
            // word before matching ("@channel_" pings there).
            auto after = rest.substr(word.size());
            if (!after.empty() && std::isalnum(static_cast<unsigned char>(after[0]))) continue;
            out += zero_width_joiner;
            break;
        }
    }
    return out;
}

std::string slugify(std::string_view text, std::size_t max_length) {
    std::string out;
    bool pending_dash = false;
    for (char c : text) {
        char lowered = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        bool keep = (lowered >= 'a' && lowered <= 'z') || (lowered >= '0' && lowered <= '9');
        if (!keep) {
            pending_dash = !out.empty();
            continue;
        }
        if (out.size() + (pending_dash ? 2 : 1) > max_length) break;
        if (pending_dash) out += '-';
        pending_dash = false;
        out += lowered;
    }
    return out.empty() ? "incident" : out;
}

std::string plural(std::size_t n, std::string_view word, std::string_view many) {
    if (n == 1) return "1 " + std::string(word);
    return std::to_string(n) + " " + (many.empty() ? std::string(word) + "s" : std::string(many));
}

std::vector<std::string_view> split_words(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto start = text.find_first_not_of(" \t\r\n", pos);
        if (start == std::string_view::npos) break;
        auto end = text.find_first_of(" \t\r\n", start);
        if (end == std::string_view::npos) end = text.size();
        words.push_back(text.substr(start, end - start));
        pos = end;
    }
    return words;
}

}  // namespace hindsight::domain
