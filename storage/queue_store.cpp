#include "storage/queue_store.hpp"

#include "storage/codec.hpp"
#include "storage/row_mapping.hpp"

namespace hindsight::storage {

queue_store::queue_store(database& db)
    : db_(db),
      inbox_add_statement_(std::make_unique<SQLite::Statement>(
          db.handle(),
          "INSERT INTO inbox (workspace, dedup_key, payload, received_at) VALUES (?,?,?,?) "
          "ON CONFLICT (workspace, dedup_key) DO NOTHING")),
      outbox_add_statement_(std::make_unique<SQLite::Statement>(
          db.handle(),
          "INSERT INTO outbox (workspace, payload, created_at, next_attempt_at, thread_key, edit_key, "
          "defines_thread, defines_channel) VALUES (?,?,?,?,?,?,?,?)")) {}

queue_store::~queue_store() = default;

std::optional<std::int64_t> queue_store::inbox_add(const std::string& workspace, const std::string& dedup_key,
                                                   const std::string& payload,
                                                   domain::timestamp received_at) {
    auto& s = *inbox_add_statement_;
    s.tryReset();  // reset() would rethrow the previous failure (a full disk) forever
    s.bind(1, workspace);
    s.bind(2, dedup_key);
    s.bind(3, payload);
    detail::bind_time(s, 4, received_at);
    if (s.exec() == 0) return std::nullopt;
    return db_.handle().getLastInsertRowid();
}

std::vector<inbox_row> queue_store::inbox_pending(std::size_t limit) {
    SQLite::Statement s(
        db_.handle(),
        "SELECT id, workspace, payload FROM inbox WHERE id > (SELECT handled_up_to FROM inbox_cursor) "
        "ORDER BY id LIMIT ?");
    s.bind(1, static_cast<int64_t>(limit));
    std::vector<inbox_row> out;
    while (s.executeStep())
        out.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getString(), s.getColumn(2).getString()});
    return out;
}

void queue_store::inbox_advance(std::int64_t handled_up_to) {
    SQLite::Statement s(db_.handle(), "UPDATE inbox_cursor SET handled_up_to = max(handled_up_to, ?)");
    s.bind(1, static_cast<int64_t>(handled_up_to));
    s.exec();
}

void queue_store::inbox_mark_failed(std::int64_t id, const std::string& reason) {
    SQLite::Statement s(db_.handle(), "UPDATE inbox SET error = ? WHERE id = ?");
    s.bind(1, reason.empty() ? std::string("failed") : reason);
    s.bind(2, static_cast<int64_t>(id));
    s.exec();
}

std::int64_t queue_store::inbox_depth() {
    return db_.handle()
        .execAndGet("SELECT count(*) FROM inbox WHERE id > (SELECT handled_up_to FROM inbox_cursor)")
        .getInt64();
}

std::int64_t queue_store::inbox_prune(domain::timestamp done_before) {
    SQLite::Statement s(
        db_.handle(),
        "DELETE FROM inbox WHERE id <= (SELECT handled_up_to FROM inbox_cursor) AND received_at < ?");
    detail::bind_time(s, 1, done_before);
    return s.exec();
}

std::int64_t queue_store::outbox_add(const std::string& workspace, const chat::outgoing& message,
                                     domain::timestamp now) {
    auto& s = *outbox_add_statement_;
    s.tryReset();  // reset() would rethrow the previous failure (a full disk) forever
    s.bind(1, workspace);
    s.bind(2, encode_outgoing(message));
    detail::bind_time(s, 3, now);
    detail::bind_time(s, 4, now);
    auto* reply = std::get_if<chat::thread_reply>(&message);
    auto* edit = std::get_if<chat::message_edit>(&message);
    auto* request = std::get_if<chat::channel_request>(&message);
    s.bind(5, reply ? reply->thread_key : std::string());
    s.bind(6, edit ? edit->edit_key : std::string());
    s.bind(7, chat::defined_thread_of(message));
    s.bind(8, request ? request->placeholder : std::string());
    s.exec();
    return db_.handle().getLastInsertRowid();
}

std::vector<outbox_row> queue_store::outbox_due(domain::timestamp now, std::size_t limit) {
    SQLite::Statement s(
        db_.handle(),
        "SELECT id, workspace, payload, attempts, created_at FROM outbox WHERE state = 'pending' "
        "AND next_attempt_at <= ? ORDER BY id LIMIT ?");
    detail::bind_time(s, 1, now);
    s.bind(2, static_cast<int64_t>(limit));
    std::vector<outbox_row> out;
    while (s.executeStep())
        out.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getString(), s.getColumn(2).getString(),
                       s.getColumn(3).getInt(), domain::from_millis(s.getColumn(4).getInt64())});
    return out;
}

void queue_store::outbox_sent(std::int64_t id) {
    SQLite::Statement s(db_.handle(),
                        "UPDATE outbox SET state = 'sent', attempts = attempts + 1 WHERE id = ?");
    s.bind(1, static_cast<int64_t>(id));
    s.exec();
}

void queue_store::outbox_retry(std::int64_t id, domain::timestamp next_attempt_at, const std::string& error) {
    SQLite::Statement s(
        db_.handle(),
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?");
    detail::bind_time(s, 1, next_attempt_at);
    s.bind(2, error);
    s.bind(3, static_cast<int64_t>(id));
    s.exec();
}

void queue_store::outbox_defer(std::int64_t id, domain::timestamp at) {
    SQLite::Statement s(db_.handle(), "UPDATE outbox SET next_attempt_at = ? WHERE id = ?");
    detail::bind_time(s, 1, at);
    s.bind(2, static_cast<int64_t>(id));
    s.exec();
}

void queue_store::outbox_give_up(std::int64_t id, const std::string& error) {
    SQLite::Statement s(
        db_.handle(),
        "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?");
    s.bind(1, error);
    s.bind(2, static_cast<int64_t>(id));
    s.exec();
}

std::int64_t queue_store::outbox_depth() {
    return db_.handle().execAndGet("SELECT count(*) FROM outbox WHERE state = 'pending'").getInt64();
}

std::optional<domain::timestamp> queue_store::outbox_next_due() {
    SQLite::Statement s(db_.handle(), "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'");
    s.executeStep();
    return detail::optional_time(s.getColumn(0));
}

bool queue_store::claim_reminder(const std::string& workspace, const std::string& kind,
                                 const std::string& recipient, const std::string& period,
                                 domain::timestamp now) {
    SQLite::Statement s(db_.handle(),
                        "INSERT OR IGNORE INTO reminders_sent (workspace, kind, recipient, period, sent_at) "
                        "VALUES (?,?,?,?,?)");
    s.bind(1, workspace);
    s.bind(2, kind);
    s.bind(3, recipient);
    s.bind(4, period);
    detail::bind_time(s, 5, now);
    return s.exec() > 0;
}

void queue_store::set_thread_root(const std::string& workspace, const std::string& key,
                                  const std::string& channel, const std::string& root_message_id) {
    SQLite::Statement s(db_.handle(),
                        "INSERT OR REPLACE INTO threads (workspace, thread_key, channel, root_message_id) "
                        "VALUES (?,?,?,?)");
    s.bind(1, workspace);
    s.bind(2, key);
    s.bind(3, channel);
    s.bind(4, root_message_id);
    s.exec();
}

std::optional<std::string> queue_store::thread_root(const std::string& workspace, const std::string& key) {
    SQLite::Statement s(db_.handle(),
                        "SELECT root_message_id FROM threads WHERE workspace = ? AND thread_key = ?");
    s.bind(1, workspace);
    s.bind(2, key);
    if (!s.executeStep()) return std::nullopt;
    return s.getColumn(0).getString();
}

}  // namespace hindsight::storage

namespace hindsight::storage {

bool queue_store::thread_root_pending(const std::string& workspace, const std::string& key) {
    SQLite::Statement s(
        db_.handle(),
        // The "!= ''" repeats the partial index's condition, so SQLite uses it.
        "SELECT 1 FROM outbox WHERE workspace = ? AND defines_thread = ? AND defines_thread != '' "
        "AND state = 'pending' LIMIT 1");
    s.bind(1, workspace);
    s.bind(2, key);
    return s.executeStep();
}

bool queue_store::newer_edit_exists(const std::string& workspace, std::int64_t id,
                                    const std::string& edit_key) {
    SQLite::Statement s(
        db_.handle(),
        "SELECT 1 FROM outbox WHERE workspace = ? AND edit_key = ? AND edit_key != '' AND id > ? "
        "LIMIT 1");
    s.bind(1, workspace);
    s.bind(2, edit_key);
    s.bind(3, static_cast<int64_t>(id));
    return s.executeStep();
}

bool queue_store::channel_pending(const std::string& workspace, const std::string& placeholder) {
    SQLite::Statement s(
        db_.handle(),
        // The "!= ''" repeats the partial index's condition, so SQLite uses it.
        "SELECT 1 FROM outbox WHERE workspace = ? AND defines_channel = ? AND defines_channel != '' "
        "AND state = 'pending' LIMIT 1");
    s.bind(1, workspace);
    s.bind(2, placeholder);
    return s.executeStep();
}

std::optional<std::string> queue_store::thread_key_for_root(const std::string& workspace,
                                                            const std::string& channel,
                                                            const std::string& root_message_id) {
    SQLite::Statement s(
        db_.handle(),
        "SELECT thread_key FROM threads WHERE workspace = ? AND channel = ? AND root_message_id = ?");
    s.bind(1, workspace);
    s.bind(2, channel);
    s.bind(3, root_message_id);
    if (!s.executeStep()) return std::nullopt;
    return s.getColumn(0).getString();
}

}  // namespace hindsight::storage
