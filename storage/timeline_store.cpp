#include "storage/timeline_store.hpp"

#include <algorithm>

#include "storage/row_mapping.hpp"

namespace hindsight::storage {
namespace {

constexpr const char* entry_columns =
    "id, incident_id, kind, state, occurred_at, author, text, platform, channel, message_id, thread_root, "
    "permalink, marked_by, captured_at, number, hidden, tag";

domain::timeline_entry read_entry(SQLite::Statement& row) {
    domain::timeline_entry e;
    e.id = row.getColumn(0).getInt64();
    e.incident_id = row.getColumn(1).getInt64();
    e.kind = domain::parse_entry_kind(row.getColumn(2).getString()).value_or(domain::entry_kind::message);
    e.state = domain::parse_entry_state(row.getColumn(3).getString()).value_or(domain::entry_state::live);
    e.occurred_at = domain::from_millis(row.getColumn(4).getInt64());
    e.author = row.getColumn(5).getString();
    e.text = row.getColumn(6).getString();
    e.source.platform = row.getColumn(7).getString();
    e.source.channel = row.getColumn(8).getString();
    e.source.message_id = row.getColumn(9).getString();
    e.source.thread_root = row.getColumn(10).getString();
    e.source.permalink = row.getColumn(11).getString();
    e.marked_by = row.getColumn(12).getString();
    e.captured_at = domain::from_millis(row.getColumn(13).getInt64());
    e.number = row.getColumn(14).getInt();
    e.hidden = row.getColumn(15).getInt() != 0;
    e.tag = domain::parse_entry_tag(row.getColumn(16).getString()).value_or(domain::entry_tag::none);
    return e;
}

cached_message read_message(SQLite::Statement& row) {
    cached_message m;
    m.workspace = row.getColumn(0).getString();
    m.channel = row.getColumn(1).getString();
    m.message_id = row.getColumn(2).getString();
    m.thread_root = row.getColumn(3).getString();
    m.author = row.getColumn(4).getString();
    m.text = row.getColumn(5).getString();
    m.posted_at = domain::from_millis(row.getColumn(6).getInt64());
    m.permalink = row.getColumn(7).getString();
    m.deleted = row.getColumn(8).getInt() != 0;
    return m;
}

}  // namespace

timeline_store::timeline_store(database& db)
    : db_(db),
      remember_statement_(
          std::make_unique<SQLite::Statement>(db.handle(),
                                              "INSERT OR IGNORE INTO messages (workspace, channel, "
                                              "message_id, thread_root, author, text, posted_at, "
                                              "permalink, by_hindsight) VALUES (?,?,?,?,?,?,?,?,?)")) {}

timeline_store::~timeline_store() = default;

std::int64_t timeline_store::add(domain::timeline_entry& e, bool by_prefix) {
    // Prepared once per store: a burst of pins adds thousands of entries.
    if (!add_statement_)
        add_statement_ = std::make_unique<SQLite::Statement>(
            db_.handle(),
            "INSERT INTO timeline_entries (incident_id, kind, state, occurred_at, author, text, platform, "
            "channel, message_id, thread_root, permalink, marked_by, captured_at, by_prefix, number) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
            // The last number by the index, not MAX(): MAX with a WHERE reads every entry of the incident.
            "coalesce((SELECT number FROM timeline_entries WHERE incident_id = ?1 ORDER BY number DESC LIMIT "
            "1), 0) + 1) RETURNING id, number");
    auto& s = *add_statement_;
    s.tryReset();  // reset() would rethrow the previous failure (a full disk) forever
    s.bind(1, static_cast<int64_t>(e.incident_id));
    s.bind(2, std::string(domain::to_string(e.kind)));
    s.bind(3, std::string(domain::to_string(e.state)));
    detail::bind_time(s, 4, e.occurred_at);
    s.bind(5, e.author);
    s.bind(6, e.text);
    s.bind(7, e.source.platform);
    s.bind(8, e.source.channel);
    s.bind(9, e.source.message_id);
    s.bind(10, e.source.thread_root);
    s.bind(11, e.source.permalink);
    s.bind(12, e.marked_by);
    detail::bind_time(s, 13, e.captured_at);
    s.bind(14, by_prefix ? 1 : 0);
    s.executeStep();
    e.id = s.getColumn(0).getInt64();
    e.number = s.getColumn(1).getInt();
    s.tryReset();  // finishes the insert's statement now rather than at the next add
    return e.id;
}

std::optional<domain::timeline_entry> timeline_store::find_by_number(std::int64_t incident_id, int number) {
    SQLite::Statement s(db_.handle(), std::string("SELECT ") + entry_columns +
                                          " FROM timeline_entries WHERE incident_id = ? AND number = ?");
    s.bind(1, static_cast<int64_t>(incident_id));
    s.bind(2, number);
    if (!s.executeStep()) return std::nullopt;
    return read_entry(s);
}

void timeline_store::set_presentation(std::int64_t entry_id, bool hidden, domain::entry_tag tag) {
    SQLite::Statement s(db_.handle(), "UPDATE timeline_entries SET hidden = ?, tag = ? WHERE id = ?");
    s.bind(1, hidden ? 1 : 0);
    s.bind(2, std::string(domain::to_string(tag)));
    s.bind(3, static_cast<int64_t>(entry_id));
    s.exec();
}

std::optional<domain::timeline_entry> timeline_store::find_by_message(std::int64_t incident_id,
                                                                      const std::string& channel,
                                                                      const std::string& message_id) {
    SQLite::Statement s(db_.handle(), std::string("SELECT ") + entry_columns +
                                          " FROM timeline_entries WHERE incident_id = ? AND channel = ? AND "
                                          "message_id = ? AND message_id <> ''");
    s.bind(1, static_cast<int64_t>(incident_id));
    s.bind(2, channel);
    s.bind(3, message_id);
    if (!s.executeStep()) return std::nullopt;
    return read_entry(s);
}

std::vector<domain::timeline_entry> timeline_store::find_all_by_message(const std::string& workspace,
                                                                        const std::string& channel,
                                                                        const std::string& message_id) {
    SQLite::Statement s(
        db_.handle(), std::string("SELECT ") + entry_columns +
                          " FROM timeline_entries WHERE channel = ? AND message_id = ? AND message_id <> '' "
                          "AND incident_id IN (SELECT id FROM incidents WHERE workspace = ?) ORDER BY id");
    s.bind(1, channel);
    s.bind(2, message_id);
    s.bind(3, workspace);
    std::vector<domain::timeline_entry> out;
    while (s.executeStep()) out.push_back(read_entry(s));
    return out;
}

bool timeline_store::captured_by_prefix(std::int64_t entry_id) {
    SQLite::Statement s(db_.handle(), "SELECT by_prefix FROM timeline_entries WHERE id = ?");
    s.bind(1, static_cast<int64_t>(entry_id));
    return s.executeStep() && s.getColumn(0).getInt() != 0;
}

void timeline_store::set_state(std::int64_t entry_id, domain::entry_state state) {
    SQLite::Statement s(db_.handle(), "UPDATE timeline_entries SET state = ? WHERE id = ?");
    s.bind(1, std::string(domain::to_string(state)));
    s.bind(2, static_cast<int64_t>(entry_id));
    s.exec();
}

void timeline_store::revise(std::int64_t entry_id, const std::string& old_text, const std::string& new_text,
                            domain::timestamp at) {
    SQLite::Statement keep(db_.handle(),
                           "INSERT INTO entry_revisions (entry_id, text, replaced_at) VALUES (?,?,?)");
    keep.bind(1, static_cast<int64_t>(entry_id));
    keep.bind(2, old_text);
    detail::bind_time(keep, 3, at);
    keep.exec();
    SQLite::Statement update(db_.handle(), "UPDATE timeline_entries SET text = ? WHERE id = ?");
    update.bind(1, new_text);
    update.bind(2, static_cast<int64_t>(entry_id));
    update.exec();
}

std::vector<domain::timeline_entry> timeline_store::list(std::int64_t incident_id) {
    SQLite::Statement s(db_.handle(),
                        std::string("SELECT ") + entry_columns +
                            " FROM timeline_entries WHERE incident_id = ? ORDER BY occurred_at, id");
    s.bind(1, static_cast<int64_t>(incident_id));
    std::vector<domain::timeline_entry> out;
    while (s.executeStep()) out.push_back(read_entry(s));

    SQLite::Statement revisions(
        db_.handle(),
        "SELECT r.entry_id, r.text, r.replaced_at FROM entry_revisions r JOIN timeline_entries e "
        "ON e.id = r.entry_id WHERE e.incident_id = ? ORDER BY r.entry_id, r.rowid");
    revisions.bind(1, static_cast<int64_t>(incident_id));
    std::size_t cursor = 0;
    std::vector<std::size_t> order(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return out[a].id < out[b].id; });
    while (revisions.executeStep()) {
        auto entry_id = revisions.getColumn(0).getInt64();
        while (cursor < order.size() && out[order[cursor]].id < entry_id) ++cursor;
        if (cursor == order.size()) break;
        if (out[order[cursor]].id == entry_id)
            out[order[cursor]].revisions.push_back(
                {revisions.getColumn(1).getString(), domain::from_millis(revisions.getColumn(2).getInt64())});
    }
    return out;
}

std::int64_t timeline_store::count_live(std::int64_t incident_id) {
    SQLite::Statement s(db_.handle(),
                        "SELECT count(*) FROM timeline_entries WHERE incident_id = ? AND state = 'live'");
    s.bind(1, static_cast<int64_t>(incident_id));
    s.executeStep();
    return s.getColumn(0).getInt64();
}

bool timeline_store::add_mark(std::int64_t entry_id, const std::string& user, const std::string& emoji) {
    SQLite::Statement s(db_.handle(),
                        "INSERT OR IGNORE INTO entry_marks (entry_id, user, emoji) VALUES (?,?,?)");
    s.bind(1, static_cast<int64_t>(entry_id));
    s.bind(2, user);
    s.bind(3, emoji);
    return s.exec() > 0;
}

void timeline_store::remove_mark(std::int64_t entry_id, const std::string& user, const std::string& emoji) {
    SQLite::Statement s(db_.handle(),
                        "DELETE FROM entry_marks WHERE entry_id = ? AND user = ? AND emoji = ?");
    s.bind(1, static_cast<int64_t>(entry_id));
    s.bind(2, user);
    s.bind(3, emoji);
    s.exec();
}

std::int64_t timeline_store::count_marks(std::int64_t entry_id) {
    SQLite::Statement s(db_.handle(), "SELECT count(*) FROM entry_marks WHERE entry_id = ?");
    s.bind(1, static_cast<int64_t>(entry_id));
    s.executeStep();
    return s.getColumn(0).getInt64();
}

bool timeline_store::remember(const cached_message& m) {
    auto& s = *remember_statement_;
    s.tryReset();  // reset() would rethrow the previous failure (a full disk) forever
    s.bind(1, m.workspace);
    s.bind(2, m.channel);
    s.bind(3, m.message_id);
    s.bind(4, m.thread_root);
    s.bind(5, m.author);
    s.bind(6, m.text);
    detail::bind_time(s, 7, m.posted_at);
    s.bind(8, m.permalink);
    s.bind(9, m.by_hindsight ? 1 : 0);
    return s.exec() > 0;
}

std::vector<cached_message> timeline_store::transcript(const std::string& workspace,
                                                       const std::string& channel, domain::timestamp from,
                                                       domain::timestamp to, std::size_t limit) {
    SQLite::Statement s(
        db_.handle(),
        "SELECT workspace, channel, message_id, thread_root, author, text, posted_at, permalink "
        "FROM messages WHERE workspace = ? AND channel = ? AND posted_at BETWEEN ? AND ? AND "
        "deleted = 0 AND by_hindsight = 0 ORDER BY posted_at, message_id LIMIT ?");
    s.bind(1, workspace);
    s.bind(2, channel);
    detail::bind_time(s, 3, from);
    detail::bind_time(s, 4, to);
    s.bind(5, static_cast<int64_t>(limit));
    std::vector<cached_message> out;
    while (s.executeStep())
        out.push_back({s.getColumn(0).getString(), s.getColumn(1).getString(), s.getColumn(2).getString(),
                       s.getColumn(3).getString(), s.getColumn(4).getString(), s.getColumn(5).getString(),
                       domain::from_millis(s.getColumn(6).getInt64()), s.getColumn(7).getString(), false,
                       false});
    return out;
}

std::optional<domain::timestamp> timeline_store::newest_message_at(const std::string& workspace,
                                                                   const std::string& channel) {
    SQLite::Statement s(db_.handle(),
                        "SELECT MAX(posted_at) FROM messages WHERE workspace = ? AND channel = ?");
    s.bind(1, workspace);
    s.bind(2, channel);
    if (!s.executeStep() || s.getColumn(0).isNull()) return std::nullopt;
    return domain::from_millis(s.getColumn(0).getInt64());
}

std::optional<cached_message> timeline_store::find_message(const std::string& workspace,
                                                           const std::string& channel,
                                                           const std::string& message_id) {
    SQLite::Statement s(
        db_.handle(),
        "SELECT workspace, channel, message_id, thread_root, author, text, posted_at, permalink, deleted "
        "FROM messages WHERE workspace = ? AND channel = ? AND message_id = ?");
    s.bind(1, workspace);
    s.bind(2, channel);
    s.bind(3, message_id);
    if (!s.executeStep()) return std::nullopt;
    return read_message(s);
}

void timeline_store::update_message_text(const std::string& workspace, const std::string& channel,
                                         const std::string& message_id, const std::string& text) {
    SQLite::Statement s(
        db_.handle(), "UPDATE messages SET text = ? WHERE workspace = ? AND channel = ? AND message_id = ?");
    s.bind(1, text);
    s.bind(2, workspace);
    s.bind(3, channel);
    s.bind(4, message_id);
    s.exec();
}

void timeline_store::mark_message_deleted(const std::string& workspace, const std::string& channel,
                                          const std::string& message_id) {
    SQLite::Statement s(
        db_.handle(),
        "UPDATE messages SET deleted = 1 WHERE workspace = ? AND channel = ? AND message_id = ?");
    s.bind(1, workspace);
    s.bind(2, channel);
    s.bind(3, message_id);
    s.exec();
}

void timeline_store::add_speaker(std::int64_t incident_id, const std::string& user_id) {
    SQLite::Statement s(db_.handle(),
                        "INSERT OR IGNORE INTO incident_speakers (incident_id, user_id) VALUES (?, ?)");
    s.bind(1, static_cast<int64_t>(incident_id));
    s.bind(2, user_id);
    s.exec();
}

namespace {
std::string speaker_key(const std::string& workspace, const std::string& channel,
                        const std::string& user_id) {
    return workspace + '\n' + channel + '\n' + user_id;
}
}  // namespace

bool timeline_store::speaker_seen(const std::string& workspace, const std::string& channel,
                                  const std::string& user_id) const {
    return known_speakers_.count(speaker_key(workspace, channel, user_id)) > 0;
}

void timeline_store::note_speaker_seen(const std::string& workspace, const std::string& channel,
                                       const std::string& user_id) {
    if (known_speakers_.size() > 100000) known_speakers_.clear();  // bounded; a miss only costs a lookup
    known_speakers_.insert(speaker_key(workspace, channel, user_id));
}

void timeline_store::forget_speakers() {
    known_speakers_.clear();
}

std::vector<std::string> timeline_store::speakers(std::int64_t incident_id) {
    SQLite::Statement s(db_.handle(),
                        "SELECT user_id FROM incident_speakers WHERE incident_id = ? ORDER BY user_id");
    s.bind(1, static_cast<int64_t>(incident_id));
    std::vector<std::string> out;
    while (s.executeStep()) out.push_back(s.getColumn(0).getString());
    return out;
}

}  // namespace hindsight::storage
