#include "storage/tracker_store.hpp"

#include "storage/row_mapping.hpp"

namespace hindsight::storage {
namespace {

constexpr const char* link_columns =
    "action_id, workspace, tracker, marker, state, issue, url, remote_status, remote_assignee, pushed_owner, "
    "pushed_due, change_seq, synced_seq, creating_since, next_at, attempts, problem, ours, last_sent_at, "
    "sends";

link_state state_from(const std::string& text) {
    if (text == "creating") return link_state::creating;
    if (text == "linked") return link_state::linked;
    if (text == "gone") return link_state::gone;
    return link_state::queued;
}

tracker_link read_link(SQLite::Statement& row) {
    tracker_link link;
    link.action_id = row.getColumn(0).getInt64();
    link.workspace = row.getColumn(1).getString();
    link.tracker = row.getColumn(2).getString();
    link.marker = row.getColumn(3).getString();
    link.state = state_from(row.getColumn(4).getString());
    link.issue = row.getColumn(5).getString();
    link.url = row.getColumn(6).getString();
    link.remote_status = row.getColumn(7).getString();
    link.remote_assignee = row.getColumn(8).getString();
    link.pushed_owner = row.getColumn(9).getString();
    link.pushed_due = row.getColumn(10).getString();
    link.change_seq = row.getColumn(11).getInt64();
    link.synced_seq = row.getColumn(12).getInt64();
    link.creating_since = detail::optional_time(row.getColumn(13));
    link.next_at = domain::from_millis(row.getColumn(14).getInt64());
    link.attempts = row.getColumn(15).getInt();
    link.problem = row.getColumn(16).getString();
    link.ours = row.getColumn(17).getInt() != 0;
    link.last_sent_at = detail::optional_time(row.getColumn(18));
    link.sends = row.getColumn(19).getInt();
    return link;
}

std::optional<tracker_link> first_link(SQLite::Statement& s) {
    if (!s.executeStep()) return std::nullopt;
    return read_link(s);
}

constexpr const char* due_condition =
    "tracker = ? AND (state IN ('queued', 'creating') OR (state = 'linked' AND change_seq > synced_seq))";

}  // namespace

std::string_view to_string(link_state state) {
    switch (state) {
        case link_state::queued:
            return "queued";
        case link_state::creating:
            return "creating";
        case link_state::linked:
            return "linked";
        case link_state::gone:
            return "gone";
    }
    return "queued";
}

void tracker_store::queue_create(std::int64_t action_id, const std::string& workspace,
                                 const std::string& tracker, const std::string& marker,
                                 domain::timestamp now) {
    SQLite::Statement s(db_.handle(),
                        "INSERT INTO tracker_links (action_id, workspace, tracker, marker, state, next_at) "
                        "VALUES (?, ?, ?, ?, 'queued', ?)");
    s.bind(1, static_cast<int64_t>(action_id));
    s.bind(2, workspace);
    s.bind(3, tracker);
    s.bind(4, marker);
    detail::bind_time(s, 5, now);
    s.exec();
}

void tracker_store::link_existing(std::int64_t action_id, const std::string& workspace,
                                  const std::string& tracker, const std::string& marker,
                                  const std::string& issue, const std::string& url) {
    // synced_seq 0: the worker reads the issue before anything is pushed to it (an issue someone else
    // wrote keeps its title and body; only its state and assignee follow the action from then on).
    SQLite::Statement s(
        db_.handle(),
        "INSERT INTO tracker_links (action_id, workspace, tracker, marker, ours, state, issue, "
        "url, change_seq, synced_seq) VALUES (?, ?, ?, ?, 0, 'linked', ?, ?, 1, 0) "
        "ON CONFLICT (action_id) DO UPDATE SET tracker = excluded.tracker, "
        "marker = excluded.marker, ours = 0, state = 'linked', issue = excluded.issue, "
        "url = excluded.url, remote_status = 'open', remote_assignee = '', problem = '', "
        "attempts = 0, next_at = 0, synced_seq = 0");
    s.bind(1, static_cast<int64_t>(action_id));
    s.bind(2, workspace);
    s.bind(3, tracker);
    s.bind(4, marker);
    s.bind(5, issue);
    s.bind(6, url);
    s.exec();
}

std::optional<tracker_link> tracker_store::find(std::int64_t action_id) {
    SQLite::Statement s(db_.handle(),
                        std::string("SELECT ") + link_columns + " FROM tracker_links WHERE action_id = ?");
    s.bind(1, static_cast<int64_t>(action_id));
    return first_link(s);
}

std::optional<tracker_link> tracker_store::find_by_issue(const std::string& tracker,
                                                         const std::string& issue) {
    SQLite::Statement s(db_.handle(),
                        std::string("SELECT ") + link_columns +
                            " FROM tracker_links WHERE tracker = ? AND issue = ? AND issue <> '' "
                            "AND state <> 'gone'");
    s.bind(1, tracker);
    s.bind(2, issue);
    return first_link(s);
}

std::optional<tracker_link> tracker_store::next_due(const std::string& tracker, domain::timestamp now) {
    SQLite::Statement s(db_.handle(), std::string("SELECT ") + link_columns + " FROM tracker_links WHERE " +
                                          due_condition +
                                          " AND next_at <= ? ORDER BY next_at, action_id LIMIT 1");
    s.bind(1, tracker);
    detail::bind_time(s, 2, now);
    return first_link(s);
}

std::optional<domain::timestamp> tracker_store::next_due_at(const std::string& tracker) {
    SQLite::Statement s(db_.handle(),
                        std::string("SELECT MIN(next_at) FROM tracker_links WHERE ") + due_condition);
    s.bind(1, tracker);
    if (!s.executeStep() || s.getColumn(0).isNull()) return std::nullopt;
    return domain::from_millis(s.getColumn(0).getInt64());
}

void tracker_store::mark_creating(std::int64_t action_id, domain::timestamp now) {
    SQLite::Statement s(
        db_.handle(),
        "UPDATE tracker_links SET state = 'creating', creating_since = COALESCE(creating_since, ?), "
        "last_sent_at = ?, sends = sends + 1 WHERE action_id = ?");
    detail::bind_time(s, 1, now);
    detail::bind_time(s, 2, now);
    s.bind(3, static_cast<int64_t>(action_id));
    s.exec();
}

void tracker_store::mark_queued(std::int64_t action_id) {
    exec_for(action_id, "UPDATE tracker_links SET state = 'queued' WHERE action_id = ?");
}

void tracker_store::linked(std::int64_t action_id, const issue_mirror& issue, std::int64_t synced_seq) {
    SQLite::Statement s(db_.handle(),
                        "UPDATE tracker_links SET state = 'linked', issue = ?, url = ? WHERE action_id = ?");
    s.bind(1, issue.issue);
    s.bind(2, issue.url);
    s.bind(3, static_cast<int64_t>(action_id));
    s.exec();
    synced(action_id, issue, synced_seq);
}

void tracker_store::synced(std::int64_t action_id, const issue_mirror& issue, std::int64_t synced_seq) {
    SQLite::Statement s(db_.handle(),
                        "UPDATE tracker_links SET remote_status = ?, remote_assignee = ?, pushed_owner = ?, "
                        "pushed_due = ?, synced_seq = MAX(synced_seq, ?), attempts = 0, next_at = 0, "
                        "problem = '' WHERE action_id = ?");
    s.bind(1, issue.status);
    s.bind(2, issue.assignee);
    s.bind(3, issue.owner);
    s.bind(4, issue.due);
    s.bind(5, static_cast<int64_t>(synced_seq));
    s.bind(6, static_cast<int64_t>(action_id));
    s.exec();
}

void tracker_store::remote_changed(std::int64_t action_id, const std::string& status,
                                   const std::string& assignee) {
    SQLite::Statement s(
        db_.handle(), "UPDATE tracker_links SET remote_status = ?, remote_assignee = ? WHERE action_id = ?");
    s.bind(1, status);
    s.bind(2, assignee);
    s.bind(3, static_cast<int64_t>(action_id));
    s.exec();
}

void tracker_store::gone(std::int64_t action_id) {
    exec_for(action_id, "UPDATE tracker_links SET state = 'gone' WHERE action_id = ?");
}

void tracker_store::postpone(std::int64_t action_id, domain::timestamp next_at) {
    SQLite::Statement s(db_.handle(),
                        "UPDATE tracker_links SET next_at = ?, attempts = attempts + 1 WHERE action_id = ?");
    detail::bind_time(s, 1, next_at);
    s.bind(2, static_cast<int64_t>(action_id));
    s.exec();
}

void tracker_store::set_problem(std::int64_t action_id, const std::string& problem) {
    SQLite::Statement s(db_.handle(), "UPDATE tracker_links SET problem = ? WHERE action_id = ?");
    s.bind(1, problem);
    s.bind(2, static_cast<int64_t>(action_id));
    s.exec();
}

void tracker_store::set_issue(std::int64_t action_id, const std::string& issue) {
    SQLite::Statement s(db_.handle(), "UPDATE tracker_links SET issue = ? WHERE action_id = ?");
    s.bind(1, issue);
    s.bind(2, static_cast<int64_t>(action_id));
    s.exec();
}

void tracker_store::touch(std::int64_t action_id) {
    exec_for(action_id, "UPDATE tracker_links SET change_seq = change_seq + 1 WHERE action_id = ?");
}

void tracker_store::exec_for(std::int64_t action_id, const char* sql) {
    SQLite::Statement s(db_.handle(), sql);
    s.bind(1, static_cast<int64_t>(action_id));
    s.exec();
}

std::vector<tracker_link> tracker_store::linked_for_reconciliation(const std::string& tracker,
                                                                   std::size_t limit) {
    SQLite::Statement s(
        db_.handle(),
        std::string("SELECT ") + link_columns +
            " FROM tracker_links l WHERE tracker = ? AND state = 'linked' AND "
            "(remote_status = 'open' OR EXISTS (SELECT 1 FROM actions a WHERE a.id = l.action_id "
            "AND a.status = 'open')) ORDER BY action_id LIMIT ?");
    s.bind(1, tracker);
    s.bind(2, static_cast<int64_t>(limit));
    std::vector<tracker_link> out;
    while (s.executeStep()) out.push_back(read_link(s));
    return out;
}

std::optional<domain::timestamp> tracker_store::reconciled_at(const std::string& tracker) {
    SQLite::Statement s(db_.handle(), "SELECT reconciled_at FROM tracker_state WHERE tracker = ?");
    s.bind(1, tracker);
    if (!s.executeStep()) return std::nullopt;
    return domain::from_millis(s.getColumn(0).getInt64());
}

void tracker_store::set_reconciled_at(const std::string& tracker, domain::timestamp at) {
    SQLite::Statement s(db_.handle(),
                        "INSERT INTO tracker_state (tracker, reconciled_at) VALUES (?, ?) "
                        "ON CONFLICT (tracker) DO UPDATE SET reconciled_at = excluded.reconciled_at");
    s.bind(1, tracker);
    detail::bind_time(s, 2, at);
    s.exec();
}

std::int64_t tracker_store::count(const std::string& tracker, link_state state) {
    SQLite::Statement s(db_.handle(), "SELECT COUNT(*) FROM tracker_links WHERE tracker = ? AND state = ?");
    s.bind(1, tracker);
    s.bind(2, std::string(to_string(state)));
    s.executeStep();
    return s.getColumn(0).getInt64();
}

}  // namespace hindsight::storage
