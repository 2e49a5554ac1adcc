#include "storage/incident_store.hpp"

#include <algorithm>

#include "storage/row_mapping.hpp"

namespace hindsight::storage {
namespace {

constexpr const char* incident_columns =
    "id, workspace, number, channel, private_channel, title, severity, status, commander, started_at, "
    "detected_at, mitigated_at, resolved_at, reviewed_at, summary, impact, review_thread, no_action_decided, "
    "review_stage, review_focus, detection, timebox_started_at, timebox_ends_at, summary_posted, "
    "(SELECT group_concat(kind || ':' || name, ',') FROM incident_labels WHERE incident_id = incidents.id)";

// "service:checkout,tag:dns" → the two sorted lists (names hold neither ',' nor ':').
void read_labels(const std::string& joined, domain::incident& inc) {
    std::size_t start = 0;
    while (start < joined.size()) {
        auto end = joined.find(',', start);
        if (end == std::string::npos) end = joined.size();
        auto item = std::string_view(joined).substr(start, end - start);
        auto colon = item.find(':');
        if (colon != std::string_view::npos) {
            auto name = std::string(item.substr(colon + 1));
            if (item.substr(0, colon) == "service") inc.services.push_back(name);
            if (item.substr(0, colon) == "tag") inc.tags.push_back(name);
        }
        start = end + 1;
    }
    std::sort(inc.services.begin(), inc.services.end());
    std::sort(inc.tags.begin(), inc.tags.end());
}

domain::incident read_incident(SQLite::Statement& row) {
    domain::incident inc;
    inc.id = row.getColumn(0).getInt64();
    inc.workspace = row.getColumn(1).getString();
    inc.number = row.getColumn(2).getInt();
    inc.channel = row.getColumn(3).getString();
    inc.private_channel = row.getColumn(4).getInt() != 0;
    inc.title = row.getColumn(5).getString();
    inc.sev = static_cast<domain::severity>(row.getColumn(6).getInt());
    inc.status =
        domain::parse_incident_status(row.getColumn(7).getString()).value_or(domain::incident_status::active);
    inc.commander = row.getColumn(8).getString();
    inc.started_at = domain::from_millis(row.getColumn(9).getInt64());
    inc.detected_at = detail::optional_time(row.getColumn(10));
    inc.mitigated_at = detail::optional_time(row.getColumn(11));
    inc.resolved_at = detail::optional_time(row.getColumn(12));
    inc.reviewed_at = detail::optional_time(row.getColumn(13));
    inc.summary = row.getColumn(14).getString();
    inc.impact = row.getColumn(15).getString();
    inc.review_thread = row.getColumn(16).getString();
    inc.no_action_decided = row.getColumn(17).getInt() != 0;
    inc.stage =
        domain::parse_review_stage(row.getColumn(18).getString()).value_or(domain::review_stage::none);
    inc.review_focus = row.getColumn(19).getString();
    inc.detection = row.getColumn(20).getString();
    inc.timebox_started_at = detail::optional_time(row.getColumn(21));
    inc.timebox_ends_at = detail::optional_time(row.getColumn(22));
    inc.summary_posted = row.getColumn(23).getInt() != 0;
    if (!row.getColumn(24).isNull()) read_labels(row.getColumn(24).getString(), inc);
    return inc;
}

int take_number(SQLite::Database& db, const std::string& workspace, const char* column) {
    SQLite::Statement ensure(db, "INSERT OR IGNORE INTO workspaces (id) VALUES (?)");
    ensure.bind(1, workspace);
    ensure.exec();
    SQLite::Statement take(db, std::string("UPDATE workspaces SET ") + column + " = " + column +
                                   " + 1 WHERE id = ? RETURNING " + column + " - 1");
    take.bind(1, workspace);
    take.executeStep();
    return take.getColumn(0).getInt();
}

void bind_incident(SQLite::Statement& s, const domain::incident& inc) {
    s.bind(1, inc.workspace);
    s.bind(2, inc.number);
    s.bind(3, inc.channel);
    s.bind(4, inc.private_channel ? 1 : 0);
    s.bind(5, inc.title);
    s.bind(6, static_cast<int>(inc.sev));
    s.bind(7, std::string(domain::to_string(inc.status)));
    s.bind(8, inc.commander);
    detail::bind_time(s, 9, inc.started_at);
    detail::bind_optional_time(s, 10, inc.detected_at);
    detail::bind_optional_time(s, 11, inc.mitigated_at);
    detail::bind_optional_time(s, 12, inc.resolved_at);
    detail::bind_optional_time(s, 13, inc.reviewed_at);
    s.bind(14, inc.summary);
    s.bind(15, inc.impact);
    s.bind(16, inc.review_thread);
    s.bind(17, inc.no_action_decided ? 1 : 0);
    s.bind(18, std::string(domain::to_string(inc.stage)));
    s.bind(19, inc.review_focus);
    s.bind(20, inc.detection);
    detail::bind_optional_time(s, 21, inc.timebox_started_at);
    detail::bind_optional_time(s, 22, inc.timebox_ends_at);
    s.bind(23, inc.summary_posted ? 1 : 0);
}

}  // namespace

int incident_store::take_incident_number(const std::string& workspace) {
    return take_number(db_.handle(), workspace, "next_incident");
}

int incident_store::take_action_number(const std::string& workspace) {
    return take_number(db_.handle(), workspace, "next_action");
}

std::vector<std::string> incident_store::workspaces() {
    SQLite::Statement s(db_.handle(), "SELECT id FROM workspaces ORDER BY id");
    std::vector<std::string> out;
    while (s.executeStep()) out.push_back(s.getColumn(0).getString());
    return out;
}

std::int64_t incident_store::insert(domain::incident& inc) {
    SQLite::Statement s(
        db_.handle(),
        "INSERT INTO incidents (workspace, number, channel, private_channel, title, severity, status, "
        "commander, started_at, detected_at, mitigated_at, resolved_at, reviewed_at, summary, impact, "
        "review_thread, no_action_decided, review_stage, review_focus, detection, timebox_started_at, "
        "timebox_ends_at, summary_posted) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    bind_incident(s, inc);
    s.exec();
    inc.id = db_.handle().getLastInsertRowid();
    return inc.id;
}

void incident_store::update(const domain::incident& inc) {
    SQLite::Statement s(
        db_.handle(),
        "UPDATE incidents SET workspace = ?, number = ?, channel = ?, private_channel = ?, title = ?, "
        "severity = ?, status = ?, commander = ?, started_at = ?, detected_at = ?, mitigated_at = ?, "
        "resolved_at = ?, reviewed_at = ?, summary = ?, impact = ?, review_thread = ?, "
        "no_action_decided = ?, review_stage = ?, review_focus = ?, detection = ?, timebox_started_at = ?, "
        "timebox_ends_at = ?, summary_posted = ? WHERE id = ?");
    bind_incident(s, inc);
    s.bind(24, static_cast<int64_t>(inc.id));
    s.exec();
}

std::optional<domain::incident> incident_store::find(const std::string& workspace, int number) {
    SQLite::Statement s(db_.handle(), std::string("SELECT ") + incident_columns +
                                          " FROM incidents WHERE workspace = ? AND number = ?");
    s.bind(1, workspace);
    s.bind(2, number);
    if (!s.executeStep()) return std::nullopt;
    return read_incident(s);
}

std::optional<domain::incident> incident_store::find_by_id(std::int64_t id) {
    SQLite::Statement s(db_.handle(),
                        std::string("SELECT ") + incident_columns + " FROM incidents WHERE id = ?");
    s.bind(1, static_cast<int64_t>(id));
    if (!s.executeStep()) return std::nullopt;
    return read_incident(s);
}

std::optional<domain::incident> incident_store::current_in_channel(const std::string& workspace,
                                                                   const std::string& channel) {
    SQLite::Statement s(db_.handle(), std::string("SELECT ") + incident_columns +
                                          " FROM incidents WHERE workspace = ? AND channel = ? "
                                          "ORDER BY id DESC LIMIT 1");
    s.bind(1, workspace);
    s.bind(2, channel);
    if (!s.executeStep()) return std::nullopt;
    return read_incident(s);
}

void incident_store::move_channel(const std::string& workspace, const std::string& from,
                                  const std::string& to) {
    SQLite::Statement entries(db_.handle(),
                              "UPDATE timeline_entries SET channel = ? WHERE channel = ? AND incident_id IN "
                              "(SELECT id FROM incidents WHERE workspace = ? AND channel = ?)");
    entries.bind(1, to);
    entries.bind(2, from);
    entries.bind(3, workspace);
    entries.bind(4, from);
    entries.exec();
    SQLite::Statement incidents(db_.handle(),
                                "UPDATE incidents SET channel = ? WHERE workspace = ? AND channel = ?");
    incidents.bind(1, to);
    incidents.bind(2, workspace);
    incidents.bind(3, from);
    incidents.exec();
}

std::vector<domain::incident> incident_store::list(const std::string& workspace, incident_filter filter,
                                                   std::size_t limit) {
    std::string where = " WHERE workspace = ?";
    if (filter == incident_filter::open) where += " AND status IN ('active', 'mitigated')";
    SQLite::Statement s(db_.handle(), std::string("SELECT ") + incident_columns + " FROM incidents" + where +
                                          " ORDER BY number DESC LIMIT ?");
    s.bind(1, workspace);
    s.bind(2, static_cast<int64_t>(limit));
    std::vector<domain::incident> out;
    while (s.executeStep()) out.push_back(read_incident(s));
    return out;
}

void incident_store::upsert_user(const std::string& workspace, const user_profile& user) {
    SQLite::Statement s(
        db_.handle(),
        "INSERT INTO users (workspace, user_id, display_name, time_zone) VALUES (?,?,?,?) "
        "ON CONFLICT (workspace, user_id) DO UPDATE SET display_name = excluded.display_name, "
        "time_zone = excluded.time_zone");
    s.bind(1, workspace);
    s.bind(2, user.id);
    s.bind(3, user.display_name);
    s.bind(4, user.time_zone);
    s.exec();
}

std::vector<user_profile> incident_store::users(const std::string& workspace) {
    SQLite::Statement s(db_.handle(),
                        "SELECT user_id, display_name, time_zone FROM users WHERE workspace = ?");
    s.bind(1, workspace);
    std::vector<user_profile> out;
    while (s.executeStep())
        out.push_back({s.getColumn(0).getString(), s.getColumn(1).getString(), s.getColumn(2).getString()});
    return out;
}

std::optional<user_profile> incident_store::find_user(const std::string& workspace, const std::string& id) {
    SQLite::Statement s(
        db_.handle(),
        "SELECT user_id, display_name, time_zone FROM users WHERE workspace = ? AND user_id = ?");
    s.bind(1, workspace);
    s.bind(2, id);
    if (!s.executeStep()) return std::nullopt;
    return user_profile{s.getColumn(0).getString(), s.getColumn(1).getString(), s.getColumn(2).getString()};
}

std::optional<user_profile> incident_store::find_user_by_name(const std::string& workspace,
                                                              const std::string& name) {
    SQLite::Statement s(
        db_.handle(),
        "SELECT user_id, display_name, time_zone FROM users WHERE workspace = ? AND display_name = ? "
        "ORDER BY user_id LIMIT 1");
    s.bind(1, workspace);
    s.bind(2, name);
    if (!s.executeStep()) return std::nullopt;
    return user_profile{s.getColumn(0).getString(), s.getColumn(1).getString(), s.getColumn(2).getString()};
}

std::string incident_store::display_name(const std::string& workspace, const std::string& id) {
    auto user = find_user(workspace, id);
    return user ? user->display_name : id;
}

std::vector<domain::incident> incident_store::with_timebox(const std::string& workspace) {
    SQLite::Statement s(db_.handle(),
                        std::string("SELECT ") + incident_columns +
                            " FROM incidents WHERE workspace = ? AND timebox_ends_at IS NOT NULL AND "
                            "status <> 'reviewed' ORDER BY id");
    s.bind(1, workspace);
    std::vector<domain::incident> out;
    while (s.executeStep()) out.push_back(read_incident(s));
    return out;
}

void incident_store::set_workspace_platform(const std::string& workspace, const std::string& platform) {
    SQLite::Statement s(
        db_.handle(),
        "INSERT INTO workspaces (id, platform) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET platform = "
        "excluded.platform");
    s.bind(1, workspace);
    s.bind(2, platform);
    s.exec();
}

std::string incident_store::workspace_platform(const std::string& workspace) {
    SQLite::Statement s(db_.handle(), "SELECT platform FROM workspaces WHERE id = ?");
    s.bind(1, workspace);
    return s.executeStep() ? s.getColumn(0).getString() : std::string();
}

bool incident_store::add_label(std::int64_t incident_id, label_kind kind, const std::string& name,
                               domain::timestamp at, const std::string& by) {
    SQLite::Statement s(db_.handle(),
                        "INSERT OR IGNORE INTO incident_labels (incident_id, kind, name, added_at, added_by) "
                        "VALUES (?, ?, ?, ?, ?)");
    s.bind(1, static_cast<int64_t>(incident_id));
    s.bind(2, kind == label_kind::service ? "service" : "tag");
    s.bind(3, name);
    s.bind(4, static_cast<int64_t>(domain::to_millis(at)));
    s.bind(5, by);
    return s.exec() > 0;
}

bool incident_store::remove_label(std::int64_t incident_id, label_kind kind, const std::string& name) {
    SQLite::Statement s(db_.handle(),
                        "DELETE FROM incident_labels WHERE incident_id = ? AND kind = ? AND name = ?");
    s.bind(1, static_cast<int64_t>(incident_id));
    s.bind(2, kind == label_kind::service ? "service" : "tag");
    s.bind(3, name);
    return s.exec() > 0;
}

std::vector<domain::incident> incident_store::list_labelled(const std::string& workspace, label_kind kind,
                                                            const std::string& name, incident_filter filter,
                                                            std::size_t limit) {
    std::string where =
        " WHERE workspace = ? AND id IN (SELECT incident_id FROM incident_labels WHERE kind = ? AND name = "
        "?)";
    if (filter == incident_filter::open) where += " AND status IN ('active', 'mitigated')";
    SQLite::Statement s(db_.handle(), std::string("SELECT ") + incident_columns + " FROM incidents" + where +
                                          " ORDER BY number DESC LIMIT ?");
    s.bind(1, workspace);
    s.bind(2, kind == label_kind::service ? "service" : "tag");
    s.bind(3, name);
    s.bind(4, static_cast<int64_t>(limit));
    std::vector<domain::incident> out;
    while (s.executeStep()) out.push_back(read_incident(s));
    return out;
}

std::vector<incident_store::text_match> incident_store::similar_text(const std::string& workspace,
                                                                     const std::string& fts_query,
                                                                     std::int64_t except_id,
                                                                     std::size_t limit) {
    std::vector<text_match> out;
    if (fts_query.empty()) return out;
    // The title counts twice what the rest does: it is what a responder writes first and best. The words are
    // matched in title and body only; the workspace is an unindexed column checked inside the search, so
    // other workspaces never crowd the best out.
    SQLite::Statement s(
        db_.handle(),
        "SELECT rowid, -rank FROM incident_search WHERE incident_search MATCH ? AND workspace = ? "
        "AND rowid <> ? AND rank MATCH 'bm25(0.0, 2.0, 1.0)' ORDER BY rank LIMIT ?");
    s.bind(1, "{title body} : (" + fts_query + ")");
    s.bind(2, workspace);
    s.bind(3, static_cast<int64_t>(except_id));
    s.bind(4, static_cast<int64_t>(limit));
    while (s.executeStep()) out.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getDouble()});
    return out;
}

std::vector<std::string> incident_store::distinctive_words(const std::vector<std::string>& words,
                                                           double most_share, std::size_t keep) {
    // max(rowid) stands for the number of indexed incidents: exact enough, and a lookup rather than a count.
    auto indexed = db_.handle().execAndGet("SELECT COALESCE(MAX(rowid), 0) FROM incident_search").getInt64();
    // A small history ranks quickly whatever it is asked, and there a word in two incidents is not common.
    if (indexed < 2000) return words;
    SQLite::Statement s(db_.handle(), "SELECT doc FROM incident_search_vocab WHERE term = ?");
    std::vector<std::pair<std::int64_t, std::string>> counted;
    for (const auto& word : words) {
        s.reset();
        s.bind(1, word);
        counted.emplace_back(s.executeStep() ? s.getColumn(0).getInt64() : 0, word);
    }
    std::stable_sort(counted.begin(), counted.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (const auto& [documents, word] : counted)
        if (out.size() < keep || static_cast<double>(documents) <= most_share * static_cast<double>(indexed))
            out.push_back(word);
    return out;
}

std::vector<std::int64_t> incident_store::sharing_labels(const std::string& workspace,
                                                         std::int64_t incident_id, double service_weight,
                                                         double tag_weight, double at_least,
                                                         std::size_t limit) {
    SQLite::Statement s(
        db_.handle(),
        "SELECT other.incident_id FROM incident_labels mine "
        "JOIN incident_labels other ON other.kind = mine.kind AND other.name = mine.name "
        "JOIN incidents i ON i.id = other.incident_id "
        "WHERE mine.incident_id = ? AND other.incident_id <> ? AND i.workspace = ? "
        "GROUP BY other.incident_id "
        "HAVING SUM(CASE other.kind WHEN 'service' THEN ? ELSE ? END) >= ? "
        "ORDER BY SUM(CASE other.kind WHEN 'service' THEN ? ELSE ? END) DESC, other.incident_id DESC "
        "LIMIT ?");
    s.bind(1, static_cast<int64_t>(incident_id));
    s.bind(2, static_cast<int64_t>(incident_id));
    s.bind(3, workspace);
    s.bind(4, service_weight);
    s.bind(5, tag_weight);
    s.bind(6, at_least);
    s.bind(7, service_weight);
    s.bind(8, tag_weight);
    s.bind(9, static_cast<int64_t>(limit));
    std::vector<std::int64_t> out;
    while (s.executeStep()) out.push_back(s.getColumn(0).getInt64());
    return out;
}

std::string incident_store::indexed_text(std::int64_t incident_id) {
    SQLite::Statement s(db_.handle(), "SELECT title, body FROM incident_search WHERE rowid = ?");
    s.bind(1, static_cast<int64_t>(incident_id));
    if (!s.executeStep()) return {};
    return s.getColumn(0).getString() + " " + s.getColumn(1).getString();
}

}  // namespace hindsight::storage
