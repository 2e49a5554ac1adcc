#pragma once
// Text about issues in a team's tracker (SPEC §10): how an issue is named in chat, the hidden identity an
// issue carries, and the incidents and actions a pull request or deployment names. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hindsight::domain {

// "acme/reliability#12" for https://github.com/acme/reliability/issues/12 (or /pull/12), "OPS-123" for a
// Jira issue's page; the URL itself when it is not shaped so.
std::string issue_reference(std::string_view url);

struct issue_address {
    std::string repo;    // "acme/reliability"
    std::string number;  // "12"
};
// https://<host>/<owner>/<name>/issues/<number>, with nothing after it but a fragment or a query.
std::optional<issue_address> parse_issue_url(std::string_view url);

// A Jira issue's page, <base>/browse/<KEY-n> (http or https: a Data Center server may be either) → the key.
std::optional<std::string> parse_jira_url(std::string_view url);
bool is_jira_key(std::string_view key);  // "OPS-123"

// The identity an issue carries for one action, the same however often it is computed: opaque (no
// workspace id or action text in a public repository), 16 hex digits.
std::string tracker_marker(std::string_view workspace, int action_number);
// The marker inside an issue body as hindsight writes it: "<!-- hindsight:action=… -->".
std::string marker_comment(std::string_view marker);
bool body_has_marker(std::string_view body, std::string_view marker);

// " · https://github.com/acme/reliability/issues/12" after an action shown in chat; "" without an issue.
std::string issue_suffix(std::string_view url);

struct mentioned {
    std::vector<int> incidents;  // INC-7 → 7
    std::vector<int> actions;    // A-12 → 12
};
// The incidents and actions a text names as whole words (at most 20 of each, first seen first).
mentioned find_mentions(std::string_view text);

}  // namespace hindsight::domain
