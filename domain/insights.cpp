#include "domain/insights.hpp"

#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "domain/postmortem.hpp"
#include "domain/related.hpp"
#include "domain/rules.hpp"
#include "domain/text.hpp"

namespace hindsight::domain {

using std::chrono::days;
using std::chrono::sys_days;

std::optional<milliseconds> nearest_rank(std::vector<milliseconds>& values, int p) {
    if (values.empty()) return std::nullopt;
    std::sort(values.begin(), values.end());
    // The smallest value at least p% of the values are not above: rank ceil(p/100 · n), from 1.
    auto rank = (static_cast<std::size_t>(p) * values.size() + 99) / 100;
    return values[std::max<std::size_t>(rank, 1) - 1];
}

namespace {

duration_figures figures_of(std::vector<milliseconds> values) {
    duration_figures out;
    out.count = values.size();
    out.median = nearest_rank(values, 50);
    out.p90 = nearest_rank(values, 90);
    return out;
}

// Detection before impact counts as no time at all: the figure is how long the team took to know.
void add_durations(const insight_incident& inc, std::vector<milliseconds>& detect,
                   std::vector<milliseconds>& mitigate, std::vector<milliseconds>& resolve) {
    if (inc.detected_at) detect.push_back(std::max(milliseconds{0}, *inc.detected_at - inc.started_at));
    if (inc.mitigated_at) mitigate.push_back(*inc.mitigated_at - inc.started_at);
    if (inc.resolved_at) resolve.push_back(*inc.resolved_at - inc.started_at);
}

void count_incidents(const insight_input& input, insights& out) {
    std::map<std::string, std::size_t> services;
    std::vector<milliseconds> detect, mitigate, resolve;
    std::vector<std::int64_t> days_late;
    for (const auto& inc : input.incidents) {
        ++out.incidents;
        out.private_incidents += inc.private_incident ? 1 : 0;
        ++out.by_severity[static_cast<std::size_t>(static_cast<int>(inc.sev) - 1)];
        for (const auto& s : inc.services) ++services[s];
        out.without_service += inc.services.empty() ? 1 : 0;
        add_durations(inc, detect, mitigate, resolve);
        if (!inc.resolved_at || !inc.review_due) continue;
        ++out.resolved;
        auto due_end = sys_days{*inc.review_due} + days{1};
        if (inc.reviewed_at) {
            ++out.reviewed;
            if (*inc.reviewed_at >= due_end) {
                ++out.reviewed_late;
                days_late.push_back(std::chrono::duration_cast<days>(*inc.reviewed_at - due_end).count() + 1);
            }
        } else if (input.until >= due_end) {
            ++out.review_overdue;
        }
    }
    out.by_service.assign(services.begin(), services.end());
    std::stable_sort(out.by_service.begin(), out.by_service.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    out.to_detect = figures_of(std::move(detect));
    out.to_mitigate = figures_of(std::move(mitigate));
    out.to_resolve = figures_of(std::move(resolve));
    if (!days_late.empty()) {
        std::sort(days_late.begin(), days_late.end());
        out.median_days_late = days_late[(days_late.size() + 1) / 2 - 1];
    }
}

bool in_window(const insight_input& input, timestamp t) {
    return t >= input.since && t < input.until;
}

// One action's part in a set of counts; `to_close` collects the times to close of those done in the window.
void count_action(const insight_input& input, const insight_action& a, action_counts& counts,
                  std::vector<milliseconds>& to_close) {
    if (in_window(input, a.created_at)) ++counts.opened;
    bool closed_in_window = a.closed_at && in_window(input, *a.closed_at);
    if (closed_in_window && a.status == action_status::done) {
        ++counts.done;
        to_close.push_back(*a.closed_at - a.created_at);
    }
    if (closed_in_window && a.status == action_status::wontdo) ++counts.wontdo;
    // Overdue on the report's last day: still open then, and due before it.
    bool open_then = a.created_at < input.until && (!a.closed_at || *a.closed_at >= input.until);
    if (open_then && sys_days{a.due} < sys_days{input.as_of}) ++counts.overdue;
}

void count_actions(const insight_input& input, insights& out) {
    std::vector<action_counts> owners(input.owners.size());
    std::vector<std::vector<milliseconds>> owner_times(input.owners.size());
    std::array<action_counts, 6> by_type{};
    std::array<std::vector<milliseconds>, 6> type_times;
    std::array<bool, 6> type_seen{};
    std::vector<bool> owner_seen(input.owners.size());
    std::vector<milliseconds> all;
    for (const auto& a : input.actions) {
        auto type = static_cast<std::size_t>(a.type);
        type_seen[type] = true;
        owner_seen[a.owner] = true;
        count_action(input, a, out.actions, all);
        count_action(input, a, by_type[type], type_times[type]);
        count_action(input, a, owners[a.owner], owner_times[a.owner]);
        if (a.status != action_status::wontdo || !a.closed_at || !in_window(input, *a.closed_at)) continue;
        if (a.private_incident)
            ++out.private_wontdo;
        else
            out.wontdo_reasons.push_back({a.number, input.resolutions.at(a.resolution)});
    }
    out.actions.median_to_close = nearest_rank(all, 50);
    for (std::size_t t = 0; t < by_type.size(); ++t) {
        if (!type_seen[t]) continue;
        by_type[t].median_to_close = nearest_rank(type_times[t], 50);
        out.actions_by_type[static_cast<action_type>(t)] = by_type[t];
    }
    for (std::size_t i = 0; i < owners.size(); ++i) {
        if (!owner_seen[i]) continue;
        owners[i].median_to_close = nearest_rank(owner_times[i], 50);
        out.actions_by_owner[input.owners[i]] = owners[i];
    }
    std::sort(out.wontdo_reasons.begin(), out.wontdo_reasons.end(),
              [](const auto& a, const auto& b) { return a.action_number < b.action_number; });
}

// Factors are the same when their content words are: "The pool was exhausted" and "pool exhausted".
std::string factor_signature(std::string_view text) {
    auto words = content_words(text, 12);
    std::sort(words.begin(), words.end());
    std::string out;
    for (const auto& w : words) out += w + ' ';
    return out;
}

void find_recurring_factors(const insight_input& input, const std::unordered_map<std::int64_t, int>& numbers,
                            const std::unordered_set<std::int64_t>& private_ids, insights& out) {
    struct group {
        std::set<std::int64_t> incidents;
        std::string text;
    };
    std::unordered_map<std::string, group> groups;
    for (const auto& f : input.factors) {
        auto signature = factor_signature(f.text);
        if (signature.empty()) continue;
        auto& g = groups[signature];
        g.incidents.insert(f.incident_id);
        if (g.text.empty() && !private_ids.count(f.incident_id)) g.text = f.text;
    }
    for (auto& [_, g] : groups) {
        if (g.incidents.size() < 2) continue;
        insights::recurring_factor r;
        for (auto id : g.incidents) {
            if (private_ids.count(id))
                ++r.private_count;
            else
                r.numbers.push_back(numbers.at(id));
        }
        r.text = g.text;  // "" when only private incidents have it: counted, not told
        std::sort(r.numbers.begin(), r.numbers.end());
        out.recurring_factors.push_back(std::move(r));
    }
    std::sort(out.recurring_factors.begin(), out.recurring_factors.end(), [](const auto& a, const auto& b) {
        auto an = a.numbers.size() + a.private_count, bn = b.numbers.size() + b.private_count;
        if (an != bn) return an > bn;
        return a.numbers < b.numbers;
    });
    if (out.recurring_factors.size() > 10) out.recurring_factors.resize(10);
}

// An incident's number as the report may show it: 0 for a private one (counted, never named).
struct naming {
    const insight_input& input;
    std::unordered_map<std::int64_t, int> numbers;
    std::unordered_set<std::int64_t> private_ids;

    int number_of(std::int64_t id) const {
        if (private_ids.count(id)) return 0;
        if (auto found = numbers.find(id); found != numbers.end()) return found->second;
        auto other = input.others.find(id);
        return other == input.others.end() ? 0 : other->second.number;
    }
};

// Union-find over the window's incidents, joined by links and recurrences.
struct components {
    std::map<std::int64_t, std::int64_t> parent;
    std::int64_t root(std::int64_t x) {
        auto found = parent.find(x);
        if (found == parent.end()) return parent[x] = x;
        if (found->second == x) return x;
        return found->second = root(found->second);
    }
    void join(std::int64_t a, std::int64_t b) { parent[root(a)] = root(b); }
};

void find_clusters(const insight_input& input, const naming& names, insights& out) {
    components c;
    for (const auto& [a, b] : input.links) c.join(a, b);
    for (const auto& r : input.recurrences) c.join(r.incident_id, r.past_incident_id);
    std::map<std::int64_t, std::vector<int>> by_root;
    for (const auto& [id, _] : c.parent) by_root[c.root(id)].push_back(names.number_of(id));
    for (auto& [_, members] : by_root) {
        if (members.size() < 2) continue;
        std::sort(members.begin(), members.end());
        out.clusters.push_back(std::move(members));
    }
    std::sort(out.clusters.begin(), out.clusters.end(), [](const auto& a, const auto& b) {
        return a.size() != b.size() ? a.size() > b.size() : a < b;
    });
}

}  // namespace

insights compute_insights(const insight_input& input) {
    insights out;
    out.since = input.since;
    out.until = input.until;
    out.service = input.service;
    naming names{input, {}, {}};
    for (const auto& inc : input.incidents) {
        names.numbers[inc.id] = inc.number;
        if (inc.private_incident) names.private_ids.insert(inc.id);
    }
    for (const auto& [id, inc] : input.others)
        if (inc.private_incident) names.private_ids.insert(id);
    count_incidents(input, out);
    count_actions(input, out);
    find_recurring_factors(input, names.numbers, names.private_ids, out);
    for (const auto& r : input.recurrences)
        out.came_back.push_back({names.number_of(r.incident_id), names.number_of(r.past_incident_id),
                                 names.private_ids.count(r.past_incident_id) ? "" : r.fixed_by});
    find_clusters(input, names, out);
    return out;
}

}  // namespace hindsight::domain
