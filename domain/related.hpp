#pragma once
// Related incidents (SPEC §11) as pure functions: the words an incident is found by, the FTS5 query that
// finds candidates, and a score that can be explained — the share of the new incident's words a past one
// has, plus the services and tags they share. Weights and threshold were chosen on
// tests/fixtures/related/queries_tuning.json and are measured on queries_heldout.json (README).
#include <string>
#include <string_view>
#include <vector>

namespace hindsight::domain {

// The distinct content words of a text, lower case and crudely stemmed ("exhausted" → "exhaust"), without
// stop words and words under three letters, at most `most`.
std::vector<std::string> content_words(std::string_view text, std::size_t most = 32);
// An FTS5 query matching any of the words: "pool" OR "connection" … ("" for none). Each is quoted, so
// nothing a person typed is read as FTS5 syntax.
std::string related_query(const std::vector<std::string>& words);

struct relation_evidence {
    std::vector<std::string> shared_words;  // of the new incident's words, those the past one has
    std::size_t words = 0;                  // how many words the new incident has
    std::vector<std::string> shared_services, shared_tags;
};
struct related_weights {
    double text = 2.0;       // times the share of words in common
    double service = 0.6;    // per shared service (at most two count)
    double tag = 0.3;        // per shared tag (at most two count)
    double threshold = 1.0;  // weaker matches are not shown
};
inline constexpr related_weights default_related_weights{};

double related_score(const relation_evidence& evidence,
                     const related_weights& weights = default_related_weights);
// Recurrence (SPEC §11): two factors (or causes) name the same thing when they share at least two content
// words and those are at least half of the shorter one's. Chosen on factor_pairs_tuning.json, measured on
// factor_pairs_heldout.json (README).
bool same_factor(std::string_view a, std::string_view b);

// "shares service checkout; words: pool, connection".
std::string explain_relation(const relation_evidence& evidence);

}  // namespace hindsight::domain
