#include "storage/review_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

namespace hindsight::storage {

domain::factor review_store::add_factor(std::int64_t incident_id, const std::string& text,
                                        const std::string& author) {
    SQLite::Statement s(
        db_.handle(),
        "INSERT INTO factors (incident_id, position, text, author) VALUES (?, (SELECT "
        "coalesce(max(position), 0) + 1 FROM factors WHERE incident_id = ?), ?, ?) RETURNING id, "
        "position");
    s.bind(1, static_cast<int64_t>(incident_id));
    s.bind(2, static_cast<int64_t>(incident_id));
    s.bind(3, text);
    s.bind(4, author);
    s.executeStep();
    domain::factor f;
    f.id = s.getColumn(0).getInt64();
    f.position = s.getColumn(1).getInt();
    f.text = text;
    f.author = author;
    return f;
}

void review_store::add_why(std::int64_t factor_id, int position, const std::string& text,
                           const std::string& author) {
    SQLite::Statement s(db_.handle(),
                        "INSERT INTO whys (factor_id, position, text, author) VALUES (?,?,?,?)");
    s.bind(1, static_cast<int64_t>(factor_id));
    s.bind(2, position);
    s.bind(3, text);
    s.bind(4, author);
    s.exec();
}

void review_store::close_chain(std::int64_t factor_id) {
    SQLite::Statement s(db_.handle(), "UPDATE factors SET chain_closed = 1 WHERE id = ?");
    s.bind(1, static_cast<int64_t>(factor_id));
    s.exec();
}

std::vector<domain::factor> review_store::factors(std::int64_t incident_id) {
    std::vector<domain::factor> out;
    SQLite::Statement s(db_.handle(),
                        "SELECT id, position, text, author, chain_closed FROM factors WHERE incident_id = ? "
                        "ORDER BY position");
    s.bind(1, static_cast<int64_t>(incident_id));
    while (s.executeStep()) {
        domain::factor f;
        f.id = s.getColumn(0).getInt64();
        f.position = s.getColumn(1).getInt();
        f.text = s.getColumn(2).getString();
        f.author = s.getColumn(3).getString();
        f.chain_closed = s.getColumn(4).getInt() != 0;
        out.push_back(std::move(f));
    }
    SQLite::Statement w(
        db_.handle(),
        "SELECT w.factor_id, w.position, w.text, w.author FROM whys w JOIN factors f ON f.id = "
        "w.factor_id WHERE f.incident_id = ? ORDER BY f.position, w.position");
    w.bind(1, static_cast<int64_t>(incident_id));
    std::size_t cursor = 0;
    while (w.executeStep()) {
        auto factor_id = w.getColumn(0).getInt64();
        while (cursor < out.size() && out[cursor].id != factor_id) ++cursor;
        if (cursor == out.size()) break;
        out[cursor].whys.push_back(
            {w.getColumn(1).getInt(), w.getColumn(2).getString(), w.getColumn(3).getString()});
    }
    return out;
}

std::int64_t review_store::add_note(std::int64_t incident_id, const domain::review_note& note) {
    SQLite::Statement s(db_.handle(),
                        "INSERT INTO review_notes (incident_id, list, text, author) VALUES (?,?,?,?)");
    s.bind(1, static_cast<int64_t>(incident_id));
    s.bind(2, std::string(domain::to_string(note.list)));
    s.bind(3, note.text);
    s.bind(4, note.author);
    s.exec();
    return db_.handle().getLastInsertRowid();
}

void review_store::record_answer(const std::string& workspace, const std::string& channel,
                                 const std::string& message_id, const answer& a) {
    SQLite::Statement s(
        db_.handle(),
        "INSERT OR REPLACE INTO review_answers (workspace, channel, message_id, kind, target_id) "
        "VALUES (?,?,?,?,?)");
    s.bind(1, workspace);
    s.bind(2, channel);
    s.bind(3, message_id);
    s.bind(4, a.kind);
    s.bind(5, static_cast<int64_t>(a.target_id));
    s.exec();
}

std::optional<review_store::answer> review_store::find_answer(const std::string& workspace,
                                                              const std::string& channel,
                                                              const std::string& message_id) {
    SQLite::Statement s(db_.handle(),
                        "SELECT kind, target_id FROM review_answers WHERE workspace = ? AND channel = ? AND "
                        "message_id = ?");
    s.bind(1, workspace);
    s.bind(2, channel);
    s.bind(3, message_id);
    if (!s.executeStep()) return std::nullopt;
    return answer{s.getColumn(0).getString(), s.getColumn(1).getInt64()};
}

void review_store::update_factor_text(std::int64_t factor_id, const std::string& text) {
    SQLite::Statement s(db_.handle(), "UPDATE factors SET text = ? WHERE id = ?");
    s.bind(1, text);
    s.bind(2, static_cast<int64_t>(factor_id));
    s.exec();
}

void review_store::update_why_text(std::int64_t why_rowid, const std::string& text) {
    SQLite::Statement s(db_.handle(), "UPDATE whys SET text = ? WHERE rowid = ?");
    s.bind(1, text);
    s.bind(2, static_cast<int64_t>(why_rowid));
    s.exec();
}

void review_store::update_note_text(std::int64_t note_id, const std::string& text) {
    SQLite::Statement s(db_.handle(), "UPDATE review_notes SET text = ? WHERE id = ?");
    s.bind(1, text);
    s.bind(2, static_cast<int64_t>(note_id));
    s.exec();
}

std::int64_t review_store::why_rowid(std::int64_t factor_id, int position) {
    SQLite::Statement s(db_.handle(), "SELECT rowid FROM whys WHERE factor_id = ? AND position = ?");
    s.bind(1, static_cast<int64_t>(factor_id));
    s.bind(2, position);
    return s.executeStep() ? s.getColumn(0).getInt64() : 0;
}

std::vector<domain::review_note> review_store::notes(std::int64_t incident_id) {
    SQLite::Statement s(db_.handle(),
                        "SELECT list, text, author FROM review_notes WHERE incident_id = ? ORDER BY id");
    s.bind(1, static_cast<int64_t>(incident_id));
    std::vector<domain::review_note> out;
    while (s.executeStep())
        out.push_back(
            {domain::parse_review_list(s.getColumn(0).getString()).value_or(domain::review_list::went_well),
             s.getColumn(1).getString(), s.getColumn(2).getString()});
    return out;
}

}  // namespace hindsight::storage
