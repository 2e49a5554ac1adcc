#pragma once
// Insights (SPEC §11) as pure functions: from the incidents, actions, factors and relations of a window,
// the figures that answer "are our post-mortems working?" — and their Markdown (with Mermaid charts),
// JSON and chat forms. A private incident is counted everywhere and named nowhere: its factors, its
// won't-do reasons and its number stay out of every text.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.hpp"

namespace hindsight::domain {

using std::chrono::milliseconds;

struct insight_incident {
    std::int64_t id = 0;
    int number = 0;
    bool private_incident = false;
    severity sev = severity::sev3;
    incident_status status = incident_status::active;
    timestamp started_at{};
    std::optional<timestamp> detected_at, mitigated_at, resolved_at, reviewed_at;
    std::optional<civil_date> review_due;  // the last day the review is due on (resolved incidents)
    std::vector<std::string> services;
};

// Small on purpose: a year's report reads half a million of them. Names and reasons are indices into
// insight_input's tables.
struct insight_action {
    std::int64_t incident_id = 0;
    timestamp created_at{};
    std::optional<timestamp> closed_at;
    std::uint32_t owner = 0;       // into insight_input::owners
    std::uint32_t resolution = 0;  // into insight_input::resolutions (kept for won't-do only; 0 is "")
    int number = 0;
    civil_date due{};
    action_type type = action_type::other;
    action_status status = action_status::open;
    bool private_incident = false;  // of a private incident: counted, its reason not told
};

struct insight_factor {
    std::int64_t incident_id = 0;
    std::string text;
};

// A factor of `incident_id` that matched one of `past_incident_id`, whose actions were all done.
struct insight_recurrence {
    std::int64_t incident_id = 0, past_incident_id = 0;
    std::string fixed_by;  // "A-4, A-5"
};

struct insight_input {
    timestamp since{}, until{};  // incidents started in [since, until); actions opened or closed in it
    civil_date as_of{};          // the day overdue is judged on (until's day)
    std::string service;         // "" for every service
    std::vector<insight_incident> incidents;  // those of the window (already filtered by service)
    std::vector<insight_action> actions;      // of any incident, open at some time in the window
    std::vector<std::string> owners;          // user ids, each once
    std::vector<std::string> resolutions{""};
    std::vector<insight_factor> factors;  // of the window's incidents
    std::vector<insight_recurrence> recurrences;
    std::vector<std::pair<std::int64_t, std::int64_t>> links;  // by hand (`link`)
    std::map<std::int64_t, insight_incident> others;           // incidents outside the window named above
};

struct duration_figures {
    std::size_t count = 0;
    std::optional<milliseconds> median, p90;  // nearest rank
};

struct action_counts {
    std::size_t opened = 0, done = 0, wontdo = 0, overdue = 0;
    std::optional<milliseconds> median_to_close;  // of those closed done in the window
};

struct insights {
    timestamp since{}, until{};
    std::string service;
    std::size_t incidents = 0, private_incidents = 0;
    std::array<std::size_t, 4> by_severity{};                     // index 0 = sev1
    std::vector<std::pair<std::string, std::size_t>> by_service;  // most first, then by name
    std::size_t without_service = 0;
    duration_figures to_detect, to_mitigate, to_resolve;
    // Reviews of the window's incidents that were resolved.
    std::size_t resolved = 0, reviewed = 0, reviewed_late = 0, review_overdue = 0;
    std::optional<std::int64_t> median_days_late;  // of those reviewed late
    action_counts actions;
    std::map<action_type, action_counts> actions_by_type;
    std::map<std::string, action_counts> actions_by_owner;
    struct wontdo_reason {
        int action_number = 0;  // 0 for a private incident's (counted only)
        std::string reason;
    };
    std::vector<wontdo_reason> wontdo_reasons;
    std::size_t private_wontdo = 0;
    struct recurring_factor {
        std::string text;          // as a non-private incident wrote it
        std::vector<int> numbers;  // the non-private incidents that have it, oldest first
        std::size_t private_count = 0;
    };
    std::vector<recurring_factor> recurring_factors;  // in two incidents or more, most first
    struct comeback {
        int number = 0, past_number = 0;  // 0 for a private incident
        std::string fixed_by;
    };
    std::vector<comeback> came_back;         // a factor that came back after the past incident's fix
    std::vector<std::vector<int>> clusters;  // incidents related by links and recurrences (private: 0)
};

insights compute_insights(const insight_input& input);

// Nearest-rank percentile (0 < p ≤ 100) of values, nullopt for none. Sorts values.
std::optional<milliseconds> nearest_rank(std::vector<milliseconds>& values, int p);

using name_of = std::function<std::string(const std::string& user_id)>;
// The report: headings, tables and Mermaid charts (pie and xychart-beta), every user text escaped.
std::string insights_markdown(const insights& in, const name_of& name);
std::string insights_json(const insights& in, const name_of& name);
// The chat form of `insights`: a few lines.
std::string insights_chat(const insights& in, const name_of& name);

}  // namespace hindsight::domain
