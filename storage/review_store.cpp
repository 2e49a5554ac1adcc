#include "storage/review_store.hpp"

#include <optional>

#include "storage/row_mapping.hpp"

namespace hindsight::storage {
namespace {

void run(SQLite::Database& db, const char* sql, std::int64_t a, std::int64_t b = 0) {
    SQLite::Statement s(db, sql);
    s.bind(1, static_cast<int64_t>(a));
    if (s.getBindParameterCount() > 1) s.bind(2, static_cast<int64_t>(b));
    s.exec();
}

}  // namespace

domain::causal_map review_store::map(std::int64_t incident_id) {
    std::vector<domain::cause_node> nodes;
    SQLite::Statement n(
        db_.handle(),
        "SELECT id, label, origin, depth, text, author, closed, removed, merged_into, "
        "children_made, created_at, skipped FROM review_nodes WHERE incident_id = ? ORDER BY id");
    n.bind(1, static_cast<int64_t>(incident_id));
    while (n.executeStep()) {
        domain::cause_node node;
        node.id = n.getColumn(0).getInt64();
        node.label = n.getColumn(1).getString();
        node.origin = n.getColumn(2).getInt64();
        node.depth = n.getColumn(3).getInt();
        node.text = n.getColumn(4).getString();
        node.author = n.getColumn(5).getString();
        node.closed = n.getColumn(6).getInt() != 0;
        node.removed = n.getColumn(7).getInt() != 0;
        node.merged_into = n.getColumn(8).getInt64();
        node.children_made = n.getColumn(9).getInt();
        node.created_at = domain::from_millis(n.getColumn(10).getInt64());
        node.skipped = n.getColumn(11).getInt() != 0;
        nodes.push_back(std::move(node));
    }
    std::vector<domain::cause_edge> edges;
    SQLite::Statement e(db_.handle(),
                        "SELECT e.effect, e.cause FROM review_edges e JOIN review_nodes n ON n.id = e.effect "
                        "WHERE n.incident_id = ? ORDER BY e.cause");
    e.bind(1, static_cast<int64_t>(incident_id));
    while (e.executeStep()) edges.push_back({e.getColumn(0).getInt64(), e.getColumn(1).getInt64()});
    return {std::move(nodes), std::move(edges)};
}

domain::cause_node review_store::add_node(std::int64_t incident_id, std::int64_t parent_id,
                                          const std::string& text, const std::string& author,
                                          domain::timestamp at) {
    domain::cause_node node;
    node.origin = parent_id;
    node.text = text;
    node.author = author;
    node.created_at = at;
    if (parent_id == 0) {
        SQLite::Statement next(
            db_.handle(),
            "SELECT coalesce(max(CAST(substr(label, 2) AS INTEGER)), 0) + 1 FROM review_nodes "
            "WHERE incident_id = ? AND depth = 0");
        next.bind(1, static_cast<int64_t>(incident_id));
        next.executeStep();
        node.label = "F" + std::to_string(next.getColumn(0).getInt());
    } else {
        SQLite::Statement parent(
            db_.handle(),
            "UPDATE review_nodes SET children_made = children_made + 1 WHERE id = ? RETURNING label, "
            "children_made, depth");
        parent.bind(1, static_cast<int64_t>(parent_id));
        parent.executeStep();
        node.label = parent.getColumn(0).getString() + "." + std::to_string(parent.getColumn(1).getInt());
        node.depth = parent.getColumn(2).getInt() + 1;
    }
    SQLite::Statement s(
        db_.handle(),
        "INSERT INTO review_nodes (incident_id, label, origin, depth, text, author, created_at) "
        "VALUES (?,?,?,?,?,?,?) RETURNING id");
    s.bind(1, static_cast<int64_t>(incident_id));
    s.bind(2, node.label);
    s.bind(3, static_cast<int64_t>(parent_id));
    s.bind(4, node.depth);
    s.bind(5, text);
    s.bind(6, author);
    detail::bind_time(s, 7, at);
    s.executeStep();
    node.id = s.getColumn(0).getInt64();
    if (parent_id != 0)
        run(db_.handle(), "INSERT OR IGNORE INTO review_edges (effect, cause) VALUES (?, ?)", parent_id,
            node.id);
    return node;
}

void review_store::set_node_text(std::int64_t node_id, const std::string& text) {
    SQLite::Statement s(db_.handle(), "UPDATE review_nodes SET text = ?, removed = 0 WHERE id = ?");
    s.bind(1, text);
    s.bind(2, static_cast<int64_t>(node_id));
    s.exec();
}

void review_store::set_node_closed(std::int64_t node_id, bool closed) {
    run(db_.handle(), "UPDATE review_nodes SET closed = ?, skipped = 0 WHERE id = ?", closed ? 1 : 0,
        node_id);
}

void review_store::skip_node(std::int64_t node_id) {
    run(db_.handle(), "UPDATE review_nodes SET closed = 1, skipped = 1 WHERE id = ?", node_id);
}

namespace {

struct node_row {
    std::int64_t origin = 0;
    std::int64_t merged_into = 0;
    std::string text, author;
};

std::optional<node_row> read_row(SQLite::Database& db, std::int64_t id) {
    SQLite::Statement s(db, "SELECT origin, merged_into, text, author FROM review_nodes WHERE id = ?");
    s.bind(1, static_cast<int64_t>(id));
    if (!s.executeStep()) return std::nullopt;
    return node_row{s.getColumn(0).getInt64(), s.getColumn(1).getInt64(), s.getColumn(2).getString(),
                    s.getColumn(3).getString()};
}

// The node a number stands for now, following joins (bounded: a corrupt chain cannot loop).
std::int64_t resolved(SQLite::Database& db, std::int64_t id) {
    for (int hops = 0; hops < 64 && id != 0; ++hops) {
        auto row = read_row(db, id);
        if (!row || row->merged_into == 0) return id;
        id = row->merged_into;
    }
    return id;
}

}  // namespace

void review_store::remove_node(std::int64_t node_id) {
    auto& db = db_.handle();
    auto row = read_row(db, node_id);
    if (!row) return;
    if (row->merged_into != 0) {
        // A node joined into another: only the link its own reply gave goes; the shared cause stays.
        auto kept = resolved(db, node_id);
        auto kept_row = read_row(db, kept);
        if (row->origin != 0 && (!kept_row || resolved(db, kept_row->origin) != resolved(db, row->origin)))
            run(db, "DELETE FROM review_edges WHERE effect = ? AND cause = ?", resolved(db, row->origin),
                kept);
        run(db, "UPDATE review_nodes SET removed = 1 WHERE id = ?", node_id);
        return;
    }
    SQLite::Statement heir(
        db, "SELECT id FROM review_nodes WHERE merged_into = ? AND removed = 0 ORDER BY id LIMIT 1");
    heir.bind(1, static_cast<int64_t>(node_id));
    if (heir.executeStep()) {
        // Others said the same cause: the node lives on as the oldest of their answers, without the link the
        // deleted reply gave.
        auto heir_id = heir.getColumn(0).getInt64();
        auto heir_row = read_row(db, heir_id);
        if (row->origin != 0 && heir_row && resolved(db, heir_row->origin) != resolved(db, row->origin))
            run(db, "DELETE FROM review_edges WHERE effect = ? AND cause = ?", resolved(db, row->origin),
                node_id);
        SQLite::Statement adopt(db, "UPDATE review_nodes SET text = ?, author = ? WHERE id = ?");
        adopt.bind(1, heir_row ? heir_row->text : row->text);
        adopt.bind(2, heir_row ? heir_row->author : row->author);
        adopt.bind(3, static_cast<int64_t>(node_id));
        adopt.exec();
        run(db, "UPDATE review_nodes SET removed = 1 WHERE id = ?", heir_id);
        // The heir's reply now stands for this node: its edit or deletion must reach the node people see.
        run(db, "UPDATE OR IGNORE review_replies SET target_id = ? WHERE kind = 'node' AND target_id = ?",
            node_id, heir_id);
        return;
    }
    SQLite::Statement has(db, "SELECT 1 FROM review_edges WHERE effect = ? LIMIT 1");
    has.bind(1, static_cast<int64_t>(node_id));
    if (has.executeStep()) {
        run(db, "UPDATE review_nodes SET removed = 1 WHERE id = ?", node_id);
        return;
    }
    // The number stays taken (children_made of the parent is not lowered): a number once said in the
    // thread never comes to mean something else.
    run(db, "DELETE FROM review_edges WHERE cause = ?", node_id);
    run(db, "UPDATE review_nodes SET removed = 1, merged_into = 0 WHERE id = ?", node_id);
}

void review_store::unjoin(std::int64_t merged) {
    auto& db = db_.handle();
    auto row = read_row(db, merged);
    if (!row || row->merged_into == 0) return;
    auto kept = resolved(db, merged);
    auto kept_row = read_row(db, kept);
    run(db, "UPDATE review_nodes SET merged_into = 0 WHERE id = ?", merged);
    if (row->origin == 0) return;
    auto parent = resolved(db, row->origin);
    run(db, "INSERT OR IGNORE INTO review_edges (effect, cause) VALUES (?, ?)", parent, merged);
    if (!kept_row || resolved(db, kept_row->origin) != parent)
        run(db, "DELETE FROM review_edges WHERE effect = ? AND cause = ?", parent, kept);
}

void review_store::join_nodes(std::int64_t kept, std::int64_t merged) {
    auto& db = db_.handle();
    run(db,
        "INSERT OR IGNORE INTO review_edges (effect, cause) SELECT effect, ? FROM review_edges WHERE cause = "
        "?",
        kept, merged);
    run(db,
        "INSERT OR IGNORE INTO review_edges (effect, cause) SELECT ?, cause FROM review_edges WHERE effect = "
        "?",
        kept, merged);
    run(db, "DELETE FROM review_edges WHERE cause = ? OR effect = ?", merged, merged);
    run(db, "UPDATE review_nodes SET merged_into = ? WHERE id = ?", kept, merged);
    run(db, "UPDATE review_nodes SET merged_into = ? WHERE merged_into = ?", kept, merged);
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

void review_store::update_note_text(std::int64_t note_id, const std::string& text) {
    SQLite::Statement s(db_.handle(), "UPDATE review_notes SET text = ? WHERE id = ?");
    s.bind(1, text);
    s.bind(2, static_cast<int64_t>(note_id));
    s.exec();
}

void review_store::delete_note(std::int64_t note_id) {
    run(db_.handle(), "DELETE FROM review_notes WHERE id = ?", note_id);
}

std::vector<domain::review_note> review_store::notes(std::int64_t incident_id) {
    SQLite::Statement s(db_.handle(),
                        "SELECT id, list, text, author FROM review_notes WHERE incident_id = ? ORDER BY id");
    s.bind(1, static_cast<int64_t>(incident_id));
    std::vector<domain::review_note> out;
    while (s.executeStep())
        out.push_back(
            {s.getColumn(0).getInt64(),
             domain::parse_review_list(s.getColumn(1).getString()).value_or(domain::review_list::went_well),
             s.getColumn(2).getString(), s.getColumn(3).getString()});
    return out;
}

void review_store::record_reply(const std::string& workspace, const std::string& channel,
                                const std::string& message_id, const reply_target& target) {
    SQLite::Statement s(
        db_.handle(),
        "INSERT OR IGNORE INTO review_replies (workspace, channel, message_id, kind, target_id) "
        "VALUES (?,?,?,?,?)");
    s.bind(1, workspace);
    s.bind(2, channel);
    s.bind(3, message_id);
    s.bind(4, target.kind);
    s.bind(5, static_cast<int64_t>(target.target_id));
    s.exec();
}

std::vector<review_store::reply_target> review_store::replies_of(const std::string& workspace,
                                                                 const std::string& channel,
                                                                 const std::string& message_id) {
    SQLite::Statement s(db_.handle(),
                        "SELECT kind, target_id FROM review_replies WHERE workspace = ? AND channel = ? AND "
                        "message_id = ? ORDER BY kind, target_id");
    s.bind(1, workspace);
    s.bind(2, channel);
    s.bind(3, message_id);
    std::vector<reply_target> out;
    while (s.executeStep()) out.push_back({s.getColumn(0).getString(), s.getColumn(1).getInt64()});
    return out;
}

void review_store::forget_replies(const std::string& workspace, const std::string& channel,
                                  const std::string& message_id) {
    SQLite::Statement s(db_.handle(),
                        "DELETE FROM review_replies WHERE workspace = ? AND channel = ? AND message_id = ?");
    s.bind(1, workspace);
    s.bind(2, channel);
    s.bind(3, message_id);
    s.exec();
}

void review_store::record_question(std::int64_t incident_id, const question& q) {
    SQLite::Statement s(
        db_.handle(), "INSERT INTO review_questions (incident_id, asked_at, stage, focus) VALUES (?,?,?,?)");
    s.bind(1, static_cast<int64_t>(incident_id));
    detail::bind_time(s, 2, q.asked_at);
    s.bind(3, std::string(domain::to_string(q.stage)));
    s.bind(4, q.focus);
    s.exec();
}

std::optional<review_store::question> review_store::question_before(std::int64_t incident_id,
                                                                    domain::timestamp at) {
    SQLite::Statement s(
        db_.handle(),
        "SELECT stage, focus, asked_at FROM review_questions WHERE incident_id = ? AND asked_at <= ? "
        "ORDER BY asked_at DESC, id DESC LIMIT 1");
    s.bind(1, static_cast<int64_t>(incident_id));
    detail::bind_time(s, 2, at);
    if (!s.executeStep()) return std::nullopt;
    return question{
        domain::parse_review_stage(s.getColumn(0).getString()).value_or(domain::review_stage::none),
        s.getColumn(1).getString(), domain::from_millis(s.getColumn(2).getInt64())};
}

}  // namespace hindsight::storage
