#include "storage/action_store.hpp"

#include "storage/row_mapping.hpp"
#include "storage/tracker_store.hpp"

namespace hindsight::storage {
namespace {

// With the issue the action is linked to, when it is (tracker_links, SPEC §10).
constexpr const char* action_columns =
    "actions.id, actions.workspace, number, incident_id, text, owner, due, type, status, resolution, "
    "created_by, created_at, closed_at, snoozed_until, tracker_links.url";
constexpr const char* linked_actions =
    " FROM actions LEFT JOIN tracker_links ON tracker_links.action_id = actions.id AND "
    "tracker_links.state = 'linked'";

domain::action_item read_action(SQLite::Statement& row) {
    domain::action_item a;
    a.id = row.getColumn(0).getInt64();
    a.workspace = row.getColumn(1).getString();
    a.number = row.getColumn(2).getInt();
    a.incident_id = row.getColumn(3).getInt64();
    a.text = row.getColumn(4).getString();
    a.owner = row.getColumn(5).getString();
    a.due = domain::parse_date(row.getColumn(6).getString()).value_or(domain::civil_date{});
    a.type = domain::parse_action_type(row.getColumn(7).getString()).value_or(domain::action_type::other);
    a.status =
        domain::parse_action_status(row.getColumn(8).getString()).value_or(domain::action_status::open);
    a.resolution = row.getColumn(9).getString();
    a.created_by = row.getColumn(10).getString();
    a.created_at = domain::from_millis(row.getColumn(11).getInt64());
    a.closed_at = detail::optional_time(row.getColumn(12));
    if (auto snoozed = domain::parse_date(row.getColumn(13).getString())) a.snoozed_until = *snoozed;
    if (!row.getColumn(14).isNull()) a.issue_url = row.getColumn(14).getString();
    return a;
}

}  // namespace

std::int64_t action_store::insert(domain::action_item& a) {
    SQLite::Statement s(
        db_.handle(),
        "INSERT INTO actions (workspace, number, incident_id, text, owner, due, type, status, "
        "resolution, created_by, created_at, closed_at, snoozed_until) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, a.workspace);
    s.bind(2, a.number);
    s.bind(3, static_cast<int64_t>(a.incident_id));
    s.bind(4, a.text);
    s.bind(5, a.owner);
    s.bind(6, domain::format_date(a.due));
    s.bind(7, std::string(domain::to_string(a.type)));
    s.bind(8, std::string(domain::to_string(a.status)));
    s.bind(9, a.resolution);
    s.bind(10, a.created_by);
    detail::bind_time(s, 11, a.created_at);
    detail::bind_optional_time(s, 12, a.closed_at);
    s.bind(13, a.snoozed_until ? domain::format_date(*a.snoozed_until) : std::string());
    s.exec();
    a.id = db_.handle().getLastInsertRowid();
    return a.id;
}

void action_store::update(const domain::action_item& a) {
    SQLite::Statement s(
        db_.handle(),
        "UPDATE actions SET text = ?, owner = ?, due = ?, type = ?, status = ?, resolution = ?, "
        "closed_at = ?, snoozed_until = ? WHERE id = ?");
    s.bind(1, a.text);
    s.bind(2, a.owner);
    s.bind(3, domain::format_date(a.due));
    s.bind(4, std::string(domain::to_string(a.type)));
    s.bind(5, std::string(domain::to_string(a.status)));
    s.bind(6, a.resolution);
    detail::bind_optional_time(s, 7, a.closed_at);
    s.bind(8, a.snoozed_until ? domain::format_date(*a.snoozed_until) : std::string());
    s.bind(9, static_cast<int64_t>(a.id));
    s.exec();
    // Its issue follows (a no-op without one): in the same transaction, so no change is ever left behind.
    tracker_store(db_).touch(a.id);
}

void action_store::record_change(std::int64_t action_id, const domain::action_change& change) {
    SQLite::Statement s(db_.handle(),
                        "INSERT INTO action_history (action_id, at, actor, change) VALUES (?,?,?,?)");
    s.bind(1, static_cast<int64_t>(action_id));
    detail::bind_time(s, 2, change.at);
    s.bind(3, change.actor);
    s.bind(4, change.change);
    s.exec();
}

std::optional<domain::action_item> action_store::find(const std::string& workspace, int number) {
    SQLite::Statement s(db_.handle(), std::string("SELECT ") + action_columns + linked_actions +
                                          " WHERE actions.workspace = ? AND number = ?");
    s.bind(1, workspace);
    s.bind(2, number);
    if (!s.executeStep()) return std::nullopt;
    auto action = read_action(s);
    SQLite::Statement h(db_.handle(),
                        "SELECT at, actor, change FROM action_history WHERE action_id = ? ORDER BY rowid");
    h.bind(1, static_cast<int64_t>(action.id));
    while (h.executeStep())
        action.history.push_back({domain::from_millis(h.getColumn(0).getInt64()), h.getColumn(1).getString(),
                                  h.getColumn(2).getString()});
    return action;
}

std::vector<domain::action_item> action_store::list(const action_query& q) {
    std::string sql =
        std::string("SELECT ") + action_columns + linked_actions + " WHERE actions.workspace = ?";
    if (q.owner) sql += " AND owner = ?";
    if (q.incident_id) sql += " AND incident_id = ?";
    if (q.open_only) sql += " AND status = 'open'";
    if (q.incident_label)
        sql += " AND incident_id IN (SELECT incident_id FROM incident_labels WHERE kind = ? AND name = ?)";
    sql += " ORDER BY number";
    SQLite::Statement s(db_.handle(), sql);
    int index = 1;
    s.bind(index++, q.workspace);
    if (q.owner) s.bind(index++, *q.owner);
    if (q.incident_id) s.bind(index++, static_cast<int64_t>(*q.incident_id));
    if (q.incident_label) {
        s.bind(index++, q.incident_label->first);
        s.bind(index++, q.incident_label->second);
    }
    std::vector<domain::action_item> out;
    while (s.executeStep()) out.push_back(read_action(s));
    return out;
}

std::optional<domain::action_item> action_store::find_by_id(std::int64_t action_id) {
    SQLite::Statement s(db_.handle(), "SELECT workspace, number FROM actions WHERE id = ?");
    s.bind(1, static_cast<int64_t>(action_id));
    if (!s.executeStep()) return std::nullopt;
    return find(s.getColumn(0).getString(), s.getColumn(1).getInt());
}

void action_store::remove(std::int64_t action_id) {
    for (const char* sql :
         {"DELETE FROM action_history WHERE action_id = ?", "DELETE FROM tracker_links WHERE action_id = ?",
          "DELETE FROM actions WHERE id = ?"}) {
        SQLite::Statement s(db_.handle(), sql);
        s.bind(1, static_cast<int64_t>(action_id));
        s.exec();
    }
}

}  // namespace hindsight::storage
