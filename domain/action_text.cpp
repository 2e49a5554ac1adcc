#include "domain/action_text.hpp"

#include <vector>

#include "domain/due_date.hpp"
#include "domain/text.hpp"

namespace hindsight::domain {

namespace {

using words_t = std::vector<std::string_view>;

// The words first..end-1 as one view into the typed text, inner spacing kept.
std::string_view span(const words_t& w, std::size_t first, std::size_t end) {
    auto from = w[first].data();
    return {from, static_cast<std::size_t>(w[end - 1].data() + w[end - 1].size() - from)};
}

// "other" is only a type when said explicitly (#other, type other): as a bare word it is just a word.
std::optional<action_type> bare_type(std::string_view word) {
    auto type = parse_action_type(word);
    if (!type || *type == action_type::other) return std::nullopt;
    return type;
}
std::optional<action_type> hash_type(std::string_view word) {
    if (word.size() < 2 || word.front() != '#') return std::nullopt;
    return parse_action_type(word.substr(1));
}

enum class option_kind { owner, due, type };
struct option {
    option_kind kind;
    std::size_t first = 0, end = 0;  // the option's words, keyword included
    std::optional<action_type> type;
};

// The options that can start at word j, each a way to read words j..end-1. `after_option` says an option
// of the run comes before j: only then does a bare type word count. For `due`, every length of date is a
// candidate whose first word looks like a date; a longer one that cannot be read counts only when no
// shorter one reads, so "due today about the outage" stays text while "due next fryday" is a date gone
// wrong (an error naming it, never text silently taken as an option or an option silently taken as text).
std::vector<option> options_at(const words_t& w, std::size_t j, bool after_option, civil_date today) {
    std::vector<option> found;
    auto n = w.size();
    if (is_user_mention(w[j])) found.push_back({option_kind::owner, j, j + 1, {}});
    if (auto type = hash_type(w[j])) found.push_back({option_kind::type, j, j + 1, type});
    auto keyword = ascii_lower(w[j]);
    if (keyword == "type" && j + 1 < n)
        if (auto type = parse_action_type(w[j + 1])) found.push_back({option_kind::type, j, j + 2, type});
    if (after_option)
        if (auto type = bare_type(w[j])) found.push_back({option_kind::type, j, j + 1, type});
    if (keyword == "due" && j + 1 < n && looks_like_date_start(w[j + 1])) {
        bool shorter_reads = false;
        for (std::size_t k = 1; k <= max_due_date_words && j + 1 + k <= n; ++k) {
            bool reads = parse_due_date(span(w, j + 1, j + 1 + k), today).has_value();
            if (reads || !shorter_reads) found.push_back({option_kind::due, j, j + 1 + k, {}});
            shorter_reads = shorter_reads || reads;
        }
    }
    return found;
}

// tail[j] says words j..n-1 are all options, given that an option precedes j (so a bare type may lead).
struct run_table {
    std::vector<bool> tail;   // an option comes before j
    std::vector<bool> start;  // j would start the run
};
run_table plan_run(const words_t& w, civil_date today) {
    auto n = w.size();
    run_table t{std::vector<bool>(n + 1, false), std::vector<bool>(n + 1, false)};
    t.tail[n] = t.start[n] = true;
    for (std::size_t j = n; j-- > 0;) {
        for (const auto& o : options_at(w, j, false, today)) t.start[j] = t.start[j] || t.tail[o.end];
        t.tail[j] = t.start[j] || (bare_type(w[j]) && t.tail[j + 1]);
    }
    return t;
}

// Picks, at each word of the run, the reading that leaves a readable rest; of several dates after `due`,
// the longest that reads ("due March 20" over "due March"), else the shortest that does not.
std::vector<option> read_run(const words_t& w, std::size_t first, const run_table& t, civil_date today) {
    std::vector<option> run;
    for (std::size_t j = first; j < w.size();) {
        std::optional<option> chosen;
        for (const auto& o : options_at(w, j, !run.empty(), today)) {
            if (!t.tail[o.end]) continue;
            if (!chosen || o.kind != option_kind::due) {
                if (!chosen) chosen = o;
                continue;
            }
            if (parse_due_date(span(w, o.first + 1, o.end), today)) chosen = o;
        }
        run.push_back(*chosen);  // plan_run guarantees one
        j = chosen->end;
    }
    return run;
}

error twice(std::string_view what, std::string_view one, std::string_view other, std::string_view question) {
    // The words are echoed back: a crowd mention among them must not ping anyone.
    return make_error(errc::bad_input, "Two " + std::string(what) +
                                           " at the end: " + defuse_crowd_mentions(one) + " and " +
                                           defuse_crowd_mentions(other) + ". " + std::string(question));
}

}  // namespace

bool is_user_mention(std::string_view word) {
    if (word.size() > 3 && word.starts_with("<@") && word.ends_with(">")) {
        auto id = word.substr(2, word.size() - 3);
        return !id.empty() && id.front() != '|';
    }
    if (word.size() < 2 || word.front() != '@') return false;
    for (char c : word.substr(1))
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-'))
            return false;
    return true;
}

result<parsed_action> parse_action_text(std::string_view input, civil_date today) {
    auto w = split_words(input);
    auto table = plan_run(w, today);
    std::size_t first = 0;
    while (!table.start[first]) ++first;  // the longest run of options that reaches the end
    if (first == 0)
        return make_error(errc::bad_input, w.empty() ? "Missing the action text."
                                                     : "Missing the action text before its options.");
    parsed_action out;
    out.text = std::string(span(w, 0, first));
    if (hash_type(w[first - 1]) == std::nullopt && w[first - 1].size() > 1 && w[first - 1].front() == '#')
        out.unknown_tag = std::string(w[first - 1]);
    std::optional<std::string_view> due_words;
    for (const auto& o : read_run(w, first, table, today)) {
        auto words = span(w, o.first, o.end);
        if (o.kind == option_kind::owner) {
            if (out.owner && ascii_lower(*out.owner) != ascii_lower(words))
                return twice("owners", *out.owner, words,
                             "Which one owns it? Name one at the end; a person named earlier in the text is "
                             "only mentioned.");
            if (!out.owner) out.owner = std::string(words);
        } else if (o.kind == option_kind::type) {
            if (out.type && *out.type != *o.type)
                return twice("types", to_string(*out.type), to_string(*o.type), "Which one is it? Keep one.");
            out.type = o.type;
        } else {
            auto date_words = span(w, o.first + 1, o.end);
            auto date = parse_due_date(date_words, today);
            if (!date) return make_error(errc::bad_input, "Due date " + date.failure().message + ".");
            if (out.due && *out.due != *date)
                return twice("due dates", "'" + std::string(*due_words) + "'",
                             "'" + std::string(date_words) + "'", "Which one is it? Keep one.");
            out.due = *date;
            due_words = date_words;
        }
    }
    return out;
}

}  // namespace hindsight::domain
