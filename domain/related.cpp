#include "domain/related.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace hindsight::domain {
namespace {

// Sorted, so that a lookup is a binary search: content_words runs over every factor of a year's report.
constexpr std::array<std::string_view, 48> stop_words{
    "after", "again", "all",  "an",    "and",  "any",  "are",  "at",   "been", "being", "but", "by",
    "down",  "for",   "from", "had",   "has",  "have", "in",   "into", "is",   "it",    "its", "not",
    "of",    "off",   "on",   "onto",  "or",   "our",  "out",  "over", "than", "that",  "the", "then",
    "this",  "to",    "too",  "under", "very", "was",  "were", "what", "when", "while", "who", "with"};

bool is_stop_word(std::string_view word) {
    return std::binary_search(stop_words.begin(), stop_words.end(), word);
}

// Crude on purpose (the index's porter stemmer does the matching): enough that "pools" and "pool", "failed"
// and "fail" count as one word when shared words are counted and shown.
std::string stem(std::string word) {
    auto cut = [&](std::size_t n) { return word.substr(0, word.size() - n); };
    if (word.size() > 6 && word.ends_with("ing")) return cut(3);
    if (word.size() > 5 && word.ends_with("ed")) return cut(2);
    for (std::string_view sibilant : {"sses", "xes", "zes", "ches", "shes"})
        if (word.size() > sibilant.size() + 2 && word.ends_with(sibilant)) return cut(2);
    if (word.size() > 4 && word.ends_with('s') && !word.ends_with("ss")) return cut(1);
    return word;
}

}  // namespace

std::vector<std::string> content_words(std::string_view text, std::size_t most) {
    std::vector<std::string> out;
    std::string word;
    auto flush = [&] {
        if (word.size() >= 3 && !is_stop_word(word)) {
            auto stemmed = stem(word);
            if (out.size() < most && std::find(out.begin(), out.end(), stemmed) == out.end())
                out.push_back(std::move(stemmed));
        }
        word.clear();
    };
    for (char raw : text) {
        auto ch = static_cast<unsigned char>(raw);
        if (std::isalnum(ch))
            word += static_cast<char>(std::tolower(ch));
        else
            flush();
    }
    flush();
    return out;
}

std::string related_query(const std::vector<std::string>& words) {
    std::string out;
    // Plain terms: the porter tokenizer stems them as it stemmed the index ("exhaust" finds "exhausted").
    for (const auto& word : words) out += (out.empty() ? "" : " OR ") + ("\"" + word + "\"");
    return out;
}

double related_score(const relation_evidence& evidence, const related_weights& weights) {
    double text = evidence.words == 0 ? 0.0
                                      : static_cast<double>(evidence.shared_words.size()) /
                                            static_cast<double>(evidence.words);
    return weights.text * text +
           weights.service * static_cast<double>(std::min<std::size_t>(evidence.shared_services.size(), 2)) +
           weights.tag * static_cast<double>(std::min<std::size_t>(evidence.shared_tags.size(), 2));
}

bool same_factor(std::string_view a, std::string_view b) {
    auto mine = content_words(a, 24), theirs = content_words(b, 24);
    std::size_t shared = 0;
    for (const auto& word : mine)
        if (std::find(theirs.begin(), theirs.end(), word) != theirs.end()) ++shared;
    auto shorter = std::min(mine.size(), theirs.size());
    return shared >= 2 && shared * 2 >= shorter;
}

std::string explain_relation(const relation_evidence& evidence) {
    auto joined = [](const std::vector<std::string>& names) {
        std::string out;
        for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
        return out;
    };
    std::vector<std::string> parts;
    if (!evidence.shared_services.empty())
        parts.push_back(std::string(evidence.shared_services.size() == 1 ? "service " : "services ") +
                        joined(evidence.shared_services));
    if (!evidence.shared_tags.empty())
        parts.push_back(std::string(evidence.shared_tags.size() == 1 ? "tag " : "tags ") +
                        joined(evidence.shared_tags));
    if (!evidence.shared_words.empty()) parts.push_back("words " + joined(evidence.shared_words));
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "shares " : "; ") + part;
    return out;
}

}  // namespace hindsight::domain
