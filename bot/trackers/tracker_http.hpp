#pragma once
// What every issue tracker's adapter shares (SPEC §10): the verdict on an answer, headers as pairs, and the
// "sha256=<hex>" webhook signature GitHub (X-Hub-Signature-256) and Jira (X-Hub-Signature) both use. Pure.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hindsight::trackers {

using header_pairs = std::vector<std::pair<std::string, std::string>>;

// What an answer means for the request that got it.
struct tracker_verdict {
    enum class kind {
        ok,
        wait,             // rate limited: the same request again after `after`
        unknown,          // no answer or a server error: the request may or may not have taken effect
        needs_human,      // a revoked token, no access, a field refused: `problem` says what to do
        issue_not_found,  // the issue is gone (deleted, or moved where the credentials cannot see)
    };
    kind what = kind::ok;
    std::chrono::seconds after{0};
    std::string problem = {};
};

// A header's value by case-insensitive name; "" when absent.
std::string header_value(const header_pairs& headers, std::string_view name);
// A header holding a whole number of at most 18 digits; nullopt otherwise.
std::optional<std::int64_t> header_number(const header_pairs& headers, std::string_view name);

// A server error or no answer: 5 s doubling per attempt up to 10 min, or the server's Retry-After.
std::chrono::seconds retry_wait(const header_pairs& headers, int attempts);

// "sha256=" + hex HMAC-SHA256 of the raw body, compared in constant time. An empty secret matches nothing.
bool hub_signature_valid(std::string_view secret, std::string_view body, std::string_view header);

}  // namespace hindsight::trackers
