#include "storage/learning_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "storage/row_mapping.hpp"

namespace hindsight::storage {

using detail::bind_time;
using detail::optional_time;

bool learning_store::link(std::int64_t a, std::int64_t b, const std::string& by, domain::timestamp at) {
    SQLite::Statement s(db_.handle(),
                        "INSERT OR IGNORE INTO incident_links (low_id, high_id, linked_by, linked_at) "
                        "VALUES (?, ?, ?, ?)");
    s.bind(1, static_cast<int64_t>(std::min(a, b)));
    s.bind(2, static_cast<int64_t>(std::max(a, b)));
    s.bind(3, by);
    bind_time(s, 4, at);
    return s.exec() > 0;
}

bool learning_store::unlink(std::int64_t a, std::int64_t b) {
    SQLite::Statement s(db_.handle(), "DELETE FROM incident_links WHERE low_id = ? AND high_id = ?");
    s.bind(1, static_cast<int64_t>(std::min(a, b)));
    s.bind(2, static_cast<int64_t>(std::max(a, b)));
    return s.exec() > 0;
}

std::vector<incident_link> learning_store::links_of(std::int64_t incident_id) {
    SQLite::Statement s(db_.handle(),
                        "SELECT CASE low_id WHEN ?1 THEN high_id ELSE low_id END, linked_by, linked_at "
                        "FROM incident_links WHERE low_id = ?1 OR high_id = ?1 ORDER BY linked_at, 1");
    s.bind(1, static_cast<int64_t>(incident_id));
    std::vector<incident_link> out;
    while (s.executeStep())
        out.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getString(),
                       domain::from_millis(s.getColumn(2).getInt64())});
    return out;
}

bool learning_store::record_recurrence(const recurrence& r) {
    SQLite::Statement s(db_.handle(),
                        "INSERT OR IGNORE INTO recurrences (incident_id, node_id, past_incident_id, "
                        "past_node_id, fixed_by, found_at) VALUES (?, ?, ?, ?, ?, ?)");
    s.bind(1, static_cast<int64_t>(r.incident_id));
    s.bind(2, static_cast<int64_t>(r.node_id));
    s.bind(3, static_cast<int64_t>(r.past_incident_id));
    s.bind(4, static_cast<int64_t>(r.past_node_id));
    s.bind(5, r.fixed_by);
    bind_time(s, 6, r.found_at);
    return s.exec() > 0;
}

std::vector<recurrence> learning_store::recurrences_of(std::int64_t incident_id) {
    // A node taken back since (its reply deleted, merged into another) no longer says it came back.
    SQLite::Statement s(
        db_.handle(),
        "SELECT r.incident_id, r.node_id, r.past_incident_id, r.past_node_id, r.fixed_by, "
        "r.found_at, n.label, p.label, p.text FROM recurrences r "
        "JOIN review_nodes n ON n.id = r.node_id JOIN review_nodes p ON p.id = r.past_node_id "
        "WHERE r.incident_id = ? AND n.removed = 0 AND n.merged_into = 0 ORDER BY n.id");
    s.bind(1, static_cast<int64_t>(incident_id));
    std::vector<recurrence> out;
    while (s.executeStep()) {
        recurrence r;
        r.incident_id = s.getColumn(0).getInt64();
        r.node_id = s.getColumn(1).getInt64();
        r.past_incident_id = s.getColumn(2).getInt64();
        r.past_node_id = s.getColumn(3).getInt64();
        r.fixed_by = s.getColumn(4).getString();
        r.found_at = domain::from_millis(s.getColumn(5).getInt64());
        r.node_label = s.getColumn(6).getString();
        r.past_node_label = s.getColumn(7).getString();
        r.past_node_text = s.getColumn(8).getString();
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<node_match> learning_store::earlier_nodes(const std::string& workspace,
                                                      const std::string& fts_query, int before_number,
                                                      std::size_t incidents) {
    std::vector<node_match> out;
    if (fts_query.empty()) return out;
    SQLite::Statement s(
        db_.handle(),
        "WITH found AS (SELECT s.rowid AS id, s.rank AS rank FROM incident_search s "
        "JOIN incidents i ON i.id = s.rowid WHERE incident_search MATCH ?1 AND s.workspace = ?2 "
        "AND i.workspace = ?2 AND i.number < ?4 ORDER BY s.rank LIMIT ?3) "
        "SELECT n.incident_id, n.id, n.label, n.text FROM found "
        "JOIN review_nodes n ON n.incident_id = found.id "
        "WHERE n.removed = 0 AND n.merged_into = 0 ORDER BY found.rank, n.id");
    s.bind(1, "body : (" + fts_query + ")");
    s.bind(2, workspace);
    s.bind(3, static_cast<int64_t>(incidents));
    s.bind(4, before_number);
    while (s.executeStep())
        out.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getInt64(), s.getColumn(2).getString(),
                       s.getColumn(3).getString()});
    return out;
}

std::vector<learning_store::closed_action> learning_store::closed_between(const std::string& workspace,
                                                                          domain::timestamp since,
                                                                          domain::timestamp until) {
    SQLite::Statement s(
        db_.handle(),
        "SELECT status, created_at, closed_at FROM actions WHERE workspace = ? AND closed_at >= ? "
        "AND closed_at < ?");
    s.bind(1, workspace);
    bind_time(s, 2, since);
    bind_time(s, 3, until);
    std::vector<closed_action> out;
    while (s.executeStep())
        out.push_back({s.getColumn(0).getString() == "wontdo" ? domain::action_status::wontdo
                                                              : domain::action_status::done,
                       domain::from_millis(s.getColumn(1).getInt64()),
                       domain::from_millis(s.getColumn(2).getInt64())});
    return out;
}

namespace {

std::vector<std::string> split_services(const std::string& joined) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < joined.size()) {
        auto end = joined.find(',', start);
        if (end == std::string::npos) end = joined.size();
        out.push_back(joined.substr(start, end - start));
        start = end + 1;
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The window's incidents (of the service, when one is given): started in [since, until).
constexpr const char* window_incidents =
    "SELECT id, number, private_channel, severity, status, started_at, detected_at, mitigated_at, "
    "resolved_at, reviewed_at, (SELECT group_concat(name, ',') FROM incident_labels "
    "WHERE incident_id = incidents.id AND kind = 'service') FROM incidents "
    "WHERE workspace = ?1 AND started_at >= ?2 AND started_at < ?3 AND (?4 = '' OR id IN "
    "(SELECT incident_id FROM incident_labels WHERE kind = 'service' AND name = ?4))";

domain::insight_incident read_insight_incident(SQLite::Statement& s) {
    domain::insight_incident inc;
    inc.id = s.getColumn(0).getInt64();
    inc.number = s.getColumn(1).getInt();
    inc.private_incident = s.getColumn(2).getInt() != 0;
    inc.sev = static_cast<domain::severity>(s.getColumn(3).getInt());
    inc.status =
        domain::parse_incident_status(s.getColumn(4).getString()).value_or(domain::incident_status::active);
    inc.started_at = domain::from_millis(s.getColumn(5).getInt64());
    inc.detected_at = optional_time(s.getColumn(6));
    inc.mitigated_at = optional_time(s.getColumn(7));
    inc.resolved_at = optional_time(s.getColumn(8));
    inc.reviewed_at = optional_time(s.getColumn(9));
    inc.services = split_services(s.getColumn(10).getString());
    return inc;
}

void bind_window(SQLite::Statement& s, const std::string& workspace, domain::timestamp since,
                 domain::timestamp until, const std::string& service) {
    s.bind(1, workspace);
    bind_time(s, 2, since);
    bind_time(s, 3, until);
    s.bind(4, service);
}

// The workspace's private incidents: an action's incident is looked up here rather than joined, so the
// scan over every action stays one pass over one table.
std::unordered_set<std::int64_t> private_incidents(SQLite::Database& db, const std::string& workspace) {
    SQLite::Statement s(db, "SELECT id FROM incidents WHERE workspace = ? AND private_channel <> 0");
    s.bind(1, workspace);
    std::unordered_set<std::int64_t> out;
    while (s.executeStep()) out.insert(s.getColumn(0).getInt64());
    return out;
}

// The names the action store writes, read without the case-folding the command parsers do: half a
// million of them are read for a year's report.
domain::action_type stored_type(std::string_view name) {
    using domain::action_type;
    for (auto t : {action_type::detection, action_type::playbook, action_type::tooling, action_type::training,
                   action_type::process})
        if (name == domain::to_string(t)) return t;
    return action_type::other;
}

domain::action_status stored_status(std::string_view name) {
    if (name == "done") return domain::action_status::done;
    if (name == "wontdo") return domain::action_status::wontdo;
    return domain::action_status::open;
}

// Every action open at some time in the window, of any incident (of the service): one pass over the
// actions, or over the service's incidents' actions.
constexpr const char* action_columns =
    "a.incident_id, a.number, a.type, a.owner, a.status, a.resolution, a.created_at, a.closed_at, a.due";
constexpr const char* action_window = "a.created_at < ?3 AND (a.closed_at IS NULL OR a.closed_at >= ?2)";

void read_actions(SQLite::Database& db, const std::string& workspace, domain::timestamp since,
                  domain::timestamp until, const std::string& service, domain::insight_input& in) {
    auto hidden = private_incidents(db, workspace);
    // The plans are forced (measured on 500 000 actions): a year covers nearly every action, and walking an
    // index to reach them all costs five times a plain pass over the table; one service's actions are
    // reached from its incidents (CROSS JOIN keeps that order), not by filtering every action.
    SQLite::Statement s(
        db, service.empty()
                ? std::string("SELECT ") + action_columns +
                      " FROM actions a NOT INDEXED WHERE a.workspace = ?1 AND ?4 = '' AND " + action_window
                : std::string("SELECT ") + action_columns +
                      " FROM incident_labels l CROSS JOIN actions a ON a.incident_id = l.incident_id "
                      "WHERE l.kind = 'service' AND l.name = ?4 AND a.workspace = ?1 AND " +
                      action_window);
    bind_window(s, workspace, since, until, service);
    std::unordered_map<std::string, std::uint32_t> owners;
    while (s.executeStep()) {
        domain::insight_action a;
        a.incident_id = s.getColumn(0).getInt64();
        a.private_incident = hidden.count(a.incident_id) > 0;
        a.number = s.getColumn(1).getInt();
        a.type = stored_type(s.getColumn(2).getText());
        auto [owner, fresh] =
            owners.try_emplace(s.getColumn(3).getString(), static_cast<std::uint32_t>(owners.size()));
        if (fresh) in.owners.push_back(owner->first);
        a.owner = owner->second;
        a.status = stored_status(s.getColumn(4).getText());
        if (a.status == domain::action_status::wontdo) {
            a.resolution = static_cast<std::uint32_t>(in.resolutions.size());
            in.resolutions.push_back(s.getColumn(5).getString());
        }
        a.created_at = domain::from_millis(s.getColumn(6).getInt64());
        a.closed_at = optional_time(s.getColumn(7));
        a.due = domain::parse_date(s.getColumn(8).getText()).value_or(domain::civil_date{});
        in.actions.push_back(a);
    }
}

void read_factors(SQLite::Database& db, const std::string& workspace, domain::timestamp since,
                  domain::timestamp until, const std::string& service, domain::insight_input& in) {
    SQLite::Statement s(
        db,
        "SELECT n.incident_id, n.text FROM incidents i JOIN review_nodes n ON n.incident_id = i.id "
        "WHERE i.workspace = ?1 AND i.started_at >= ?2 AND i.started_at < ?3 AND (?4 = '' OR i.id IN "
        "(SELECT incident_id FROM incident_labels WHERE kind = 'service' AND name = ?4)) "
        "AND n.removed = 0 AND n.merged_into = 0");
    bind_window(s, workspace, since, until, service);
    while (s.executeStep()) in.factors.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getString()});
}

// Recurrences found in the window's incidents, links that touch one, and the incidents they name.
void read_relations(SQLite::Database& db, const std::unordered_set<std::int64_t>& window,
                    domain::insight_input& in) {
    std::set<std::int64_t> named;
    SQLite::Statement r(db,
                        "SELECT r.incident_id, r.past_incident_id, r.fixed_by FROM recurrences r "
                        "JOIN review_nodes n ON n.id = r.node_id WHERE n.removed = 0 AND n.merged_into = 0 "
                        "ORDER BY r.found_at, r.incident_id");
    while (r.executeStep()) {
        domain::insight_recurrence rec{r.getColumn(0).getInt64(), r.getColumn(1).getInt64(),
                                       r.getColumn(2).getString()};
        if (!window.count(rec.incident_id)) continue;
        named.insert(rec.past_incident_id);
        in.recurrences.push_back(std::move(rec));
    }
    SQLite::Statement l(db, "SELECT low_id, high_id FROM incident_links ORDER BY low_id, high_id");
    while (l.executeStep()) {
        auto a = l.getColumn(0).getInt64(), b = l.getColumn(1).getInt64();
        if (!window.count(a) && !window.count(b)) continue;
        named.insert(a);
        named.insert(b);
        in.links.emplace_back(a, b);
    }
    SQLite::Statement o(db, "SELECT number, private_channel FROM incidents WHERE id = ?");
    for (auto id : named) {
        if (window.count(id)) continue;
        o.reset();
        o.bind(1, static_cast<int64_t>(id));
        if (!o.executeStep()) continue;
        domain::insight_incident other;
        other.id = id;
        other.number = o.getColumn(0).getInt();
        other.private_incident = o.getColumn(1).getInt() != 0;
        in.others.emplace(id, std::move(other));
    }
}

}  // namespace

domain::insight_input learning_store::report_rows(const std::string& workspace, domain::timestamp since,
                                                  domain::timestamp until, const std::string& service) {
    domain::insight_input in;
    in.since = since;
    in.until = until;
    in.service = service;
    std::unordered_set<std::int64_t> window;
    {
        SQLite::Statement s(db_.handle(), window_incidents);
        bind_window(s, workspace, since, until, service);
        while (s.executeStep()) {
            in.incidents.push_back(read_insight_incident(s));
            window.insert(in.incidents.back().id);
        }
    }
    read_actions(db_.handle(), workspace, since, until, service, in);
    read_factors(db_.handle(), workspace, since, until, service, in);
    read_relations(db_.handle(), window, in);
    return in;
}

}  // namespace hindsight::storage
