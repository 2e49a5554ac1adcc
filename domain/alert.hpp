#pragma once
// Monitoring alerts as hindsight keeps them, whichever tool sent them, and label matchers in Alertmanager's
// syntax (routes in the config, silences read back from Alertmanager). Pure: no I/O, no JSON.
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.hpp"
#include "domain/time.hpp"

namespace hindsight::domain {

using label_set = std::vector<std::pair<std::string, std::string>>;  // sorted by name, names unique

// The value of a label or annotation, or "" when absent.
std::string_view value_of(const label_set& labels, std::string_view name);
// Sorts by name and keeps the first of duplicate names, as a label set must be.
label_set make_label_set(label_set pairs);

enum class alert_status { firing, resolved };
std::string_view to_string(alert_status s);

struct alert {
    std::string source;  // "alertmanager", "grafana", "pagerduty", "webhook"
    alert_status status = alert_status::firing;
    label_set labels;
    label_set annotations;
    timestamp starts_at{};
    std::optional<timestamp> ends_at;  // a firing alert's future endsAt is a lease, not an end
    std::string fingerprint;           // the sender's, or one made from the labels
    std::string link;                  // where to look: generator, dashboard or incident page
    std::string group_key;

    std::string_view name() const { return value_of(labels, "alertname"); }
    // The annotation a person reads first: summary, else description, else the name.
    std::string_view summary() const;
    // An event about an alert or incident elsewhere (PagerDuty: acknowledged, escalated, a note) rather than
    // its firing or resolution: it goes on a timeline but never declares an incident.
    bool is_change() const;
};

// One alert instance is (source, fingerprint, startsAt); firing and resolved are its two facts.
std::string alert_identity(const alert& a);
// A stable fingerprint for senders that give none: a hash of the sorted label set, 16 hex characters.
std::string fingerprint_of(const label_set& labels);

// What the timeline says about an alert: "🔥 HighErrorRate firing: 5xx ratio above 5% (service=checkout, …)".
std::string describe_alert(const alert& a);

// ---- Matchers --------------------------------------------------------------------------------------------

struct label_matcher {
    enum class op { equal, not_equal, regex, not_regex };
    std::string name;
    op kind = op::equal;
    std::string value;
    std::regex pattern;  // anchored, for the regex kinds

    bool matches(const label_set& labels) const;
};

// Matchers as Alertmanager writes them in a route or `amtool`: `service="checkout"`, `severity=~"crit|page"`,
// `env!=dev`, several separated by commas, optionally inside `{…}`. Values may be quoted (with \" \\ \n
// escapes) or bare. A regex is anchored at both ends, as Alertmanager anchors it.
result<std::vector<label_matcher>> parse_matchers(std::string_view text);
// One matcher from its parts (a silence read from Alertmanager's API: name, value, isRegex, isEqual).
result<label_matcher> make_matcher(std::string name, label_matcher::op kind, std::string value);
// All of them match (an empty list matches everything).
bool matches_all(const std::vector<label_matcher>& matchers, const label_set& labels);

// ---- Silences ---------------------------------------------------------------------------------------------

// An Alertmanager silence as its API returns it.
struct silence {
    std::string id;
    std::vector<label_matcher> matchers;
    timestamp starts_at{}, ends_at{};
    std::string created_by;
    std::string comment;
};

// The first of the alerts the silence muted: its matchers all match the alert's labels, and it was in force
// at some moment within the lookback (or is still). nullptr when none.
const alert* silenced_alert(const silence& s, const std::vector<alert>& alerts, timestamp now,
                            std::chrono::milliseconds lookback);
// "🔇 HighErrorRate was silenced by alice from 2026-11-05 08:55 to 2026-11-05 10:55 UTC: deploy in progress".
std::string describe_silence(const silence& s, const alert& muted);

}  // namespace hindsight::domain
