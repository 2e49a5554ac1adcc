#include "storage/import_store.hpp"

#include "storage/row_mapping.hpp"

namespace hindsight::storage {
namespace {

constexpr const char* import_columns =
    "id, workspace, channel, incident_id, since, requested_by, requested_at, reply_thread, cursor, state, "
    "next_at, requests, rate_limited, failures, events, stored, known, entries, problem";

import_state state_from(const std::string& text) {
    if (text == "done") return import_state::done;
    if (text == "finishing") return import_state::finishing;
    return import_state::reading;
}

history_import read_import(SQLite::Statement& row) {
    history_import job;
    job.id = row.getColumn(0).getInt64();
    job.workspace = row.getColumn(1).getString();
    job.channel = row.getColumn(2).getString();
    job.incident_id = row.getColumn(3).getInt64();
    job.since = domain::from_millis(row.getColumn(4).getInt64());
    job.requested_by = row.getColumn(5).getString();
    job.requested_at = domain::from_millis(row.getColumn(6).getInt64());
    job.reply_thread = row.getColumn(7).getString();
    job.cursor = row.getColumn(8).getString();
    job.state = state_from(row.getColumn(9).getString());
    job.next_at = domain::from_millis(row.getColumn(10).getInt64());
    job.requests = row.getColumn(11).getInt();
    job.rate_limited = row.getColumn(12).getInt();
    job.failures = row.getColumn(13).getInt();
    job.events = row.getColumn(14).getInt64();
    job.stored = row.getColumn(15).getInt64();
    job.known = row.getColumn(16).getInt64();
    job.entries = row.getColumn(17).getString();
    job.problem = row.getColumn(18).getString();
    return job;
}

std::optional<history_import> first(SQLite::Statement& s) {
    if (!s.executeStep()) return std::nullopt;
    return read_import(s);
}

}  // namespace

std::int64_t import_store::create(const history_import& job) {
    SQLite::Statement s(db_.handle(),
                        "INSERT INTO imports (workspace, channel, incident_id, since, requested_by, "
                        "requested_at, reply_thread, next_at) VALUES (?,?,?,?,?,?,?,?)");
    s.bind(1, job.workspace);
    s.bind(2, job.channel);
    s.bind(3, static_cast<int64_t>(job.incident_id));
    detail::bind_time(s, 4, job.since);
    s.bind(5, job.requested_by);
    detail::bind_time(s, 6, job.requested_at);
    s.bind(7, job.reply_thread);
    detail::bind_time(s, 8, job.next_at);
    s.exec();
    return db_.handle().getLastInsertRowid();
}

std::optional<history_import> import_store::find(std::int64_t id) {
    SQLite::Statement s(db_.handle(), std::string("SELECT ") + import_columns + " FROM imports WHERE id = ?");
    s.bind(1, static_cast<int64_t>(id));
    return first(s);
}

std::optional<history_import> import_store::active(const std::string& workspace, const std::string& channel) {
    SQLite::Statement s(db_.handle(), std::string("SELECT ") + import_columns +
                                          " FROM imports WHERE workspace = ? AND channel = ? AND state = "
                                          "'reading' ORDER BY id LIMIT 1");
    s.bind(1, workspace);
    s.bind(2, channel);
    return first(s);
}

std::optional<history_import> import_store::next_due(domain::timestamp now) {
    SQLite::Statement s(db_.handle(), std::string("SELECT ") + import_columns +
                                          " FROM imports WHERE state = 'reading' AND next_at <= ? ORDER BY "
                                          "next_at, id LIMIT 1");
    detail::bind_time(s, 1, now);
    return first(s);
}

void import_store::wait_until(std::int64_t id, domain::timestamp next_at) {
    SQLite::Statement s(db_.handle(), "UPDATE imports SET next_at = ? WHERE id = ?");
    detail::bind_time(s, 1, next_at);
    s.bind(2, static_cast<int64_t>(id));
    s.exec();
}

void import_store::advanced(std::int64_t id, const std::string& cursor, std::int64_t events,
                            domain::timestamp next_at) {
    SQLite::Statement s(db_.handle(),
                        "UPDATE imports SET cursor = ?, events = events + ?, requests = requests + 1, "
                        "failures = 0, next_at = ? WHERE id = ?");
    s.bind(1, cursor);
    s.bind(2, static_cast<int64_t>(events));
    detail::bind_time(s, 3, next_at);
    s.bind(4, static_cast<int64_t>(id));
    s.exec();
}

void import_store::postponed(std::int64_t id, domain::timestamp next_at, bool rate_limited,
                             const std::string& why) {
    // A 429 is the platform pacing us, not a failure: only other problems count towards giving up.
    SQLite::Statement s(
        db_.handle(),
        "UPDATE imports SET next_at = ?, requests = requests + 1, rate_limited = rate_limited "
        "+ ?, failures = failures + ?, problem = ? WHERE id = ?");
    detail::bind_time(s, 1, next_at);
    s.bind(2, rate_limited ? 1 : 0);
    s.bind(3, rate_limited ? 0 : 1);
    s.bind(4, why);
    s.bind(5, static_cast<int64_t>(id));
    s.exec();
}

void import_store::finishing(std::int64_t id, const std::string& problem) {
    SQLite::Statement s(
        db_.handle(),
        "UPDATE imports SET state = 'finishing', problem = ? WHERE id = ? AND state = 'reading'");
    s.bind(1, problem);
    s.bind(2, static_cast<int64_t>(id));
    s.exec();
}

void import_store::done(std::int64_t id) {
    SQLite::Statement s(db_.handle(), "UPDATE imports SET state = 'done' WHERE id = ?");
    s.bind(1, static_cast<int64_t>(id));
    s.exec();
}

std::optional<domain::timestamp> import_store::earliest_since(std::int64_t incident_id) {
    SQLite::Statement s(db_.handle(), "SELECT MIN(since) FROM imports WHERE incident_id = ?");
    s.bind(1, static_cast<int64_t>(incident_id));
    if (!s.executeStep()) return std::nullopt;
    return detail::optional_time(s.getColumn(0));
}

void import_store::count_message(std::int64_t id, bool was_new) {
    SQLite::Statement s(db_.handle(), was_new ? "UPDATE imports SET stored = stored + 1 WHERE id = ?"
                                              : "UPDATE imports SET known = known + 1 WHERE id = ?");
    s.bind(1, static_cast<int64_t>(id));
    s.exec();
}

void import_store::count_entry(std::int64_t id, int entry_number) {
    SQLite::Statement s(db_.handle(),
                        "UPDATE imports SET entries = ltrim(entries || ' E' || ?) WHERE id = ?");
    s.bind(1, entry_number);
    s.bind(2, static_cast<int64_t>(id));
    s.exec();
}

}  // namespace hindsight::storage
