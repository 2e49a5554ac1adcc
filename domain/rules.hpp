#pragma once
// The incident and review rules, as pure functions over the model.
#include <array>
#include <string>
#include <vector>

#include "domain/model.hpp"
#include "domain/result.hpp"

namespace hindsight::domain {

// active → mitigated → resolved → reviewed; a resolved incident can be reopened (back to active).
result<void> check_status_change(const incident& inc, incident_status to);

// The key times in order (SPEC §9): started ≤ mitigated ≤ resolved and detected ≤ resolved; detection may
// come before impact. The message names the two times that disagree.
result<void> check_key_times(const incident& inc);

// "12m", or "5m before impact" when the incident was detected before its impact began.
std::string time_to_detect(const incident& inc);

// Due date for an action without one: today + days[sev - 1].
civil_date default_due_date(severity sev, const std::array<int, 4>& days_by_severity, civil_date today);

// What the review still needs before it is complete (SPEC §4 "Completion").
struct review_progress {
    int factors = 0;
    std::vector<std::string> factors_without_causes;  // labels
    std::vector<std::string> open_branches;           // leaves still asking "why?"
    bool has_actions_or_decision = false;
    bool passed_actions = false;  // the team moved past the actions stage
    bool complete() const {
        return passed_actions && factors > 0 && factors_without_causes.empty() && open_branches.empty() &&
               has_actions_or_decision;
    }
};
review_progress assess_review(const incident& inc, const causal_map& map, std::size_t action_count,
                              int max_whys);

// The name of a channel made for an incident: inc-<yyyymmdd>-<slug of the title>, lowercase ASCII letters,
// digits and dashes only, at most 50 characters (within Slack's 80 and Mattermost's 64). A title with no
// ASCII letters or digits gives inc-<yyyymmdd>-<number>.
std::string incident_channel_name(std::string_view title, civil_date date, int number);

// Suggestions (never refusals) for an action item: vague wording without a concrete outcome.
std::vector<std::string> action_text_concerns(std::string_view text);

// Limits on typed text. Captured chat messages are kept whole; these bound what commands accept.
inline constexpr std::size_t max_title_length = 200;
inline constexpr std::size_t max_text_length = 4000;

}  // namespace hindsight::domain
