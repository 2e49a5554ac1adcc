#pragma once
// Text helpers shared by every layer: case folding, UTF-8 hygiene and the crowd-mention defusing of SPEC §3.
#include <string>
#include <string_view>
#include <vector>

namespace hindsight::domain {

std::string ascii_lower(std::string_view text);
std::string_view trim(std::string_view text);
bool starts_with_ci(std::string_view text, std::string_view prefix);

bool is_valid_utf8(std::string_view text);
// Replaces every invalid byte sequence with U+FFFD so nothing downstream (JSON, SQLite, terminals) chokes.
std::string sanitize_utf8(std::string_view text);
// Number of code points (what people count as characters), for length limits.
std::size_t utf8_length(std::string_view text);
// Cuts at a code-point boundary and appends "…" when the text is longer than max_code_points.
std::string truncate_utf8(std::string_view text, std::size_t max_code_points);

// User text echoed by the bot must not ping a crowd: "@channel", "@here", "@all", "@everyone" and Slack's
// "<!channel>", "<!here>", "<!everyone>", "<!subteam^…>" get a zero-width joiner after the sigil, which every
// platform renders invisibly and none resolves as a mention.
std::string defuse_crowd_mentions(std::string_view text);

// "inc-20260301-db-latency-in-eu" style channel slugs: lowercase ASCII letters, digits and dashes.
std::string slugify(std::string_view text, std::size_t max_length);

// "1 timeline entry", "3 timeline entries": a count with its noun, in bot text. many defaults to word + "s".
std::string plural(std::size_t n, std::string_view word, std::string_view many = {});

// The words of text, split on spaces, tabs and line breaks; views into text.
std::vector<std::string_view> split_words(std::string_view text);

}  // namespace hindsight::domain
