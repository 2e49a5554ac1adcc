#include "storage/migrations.hpp"

namespace hindsight::storage {

const std::vector<std::string_view>& migrations() {
    static const std::vector<std::string_view> steps{
        // 1: the incident, its timeline, the review and action items; the inbox and outbox.
        R"sql(
CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    next_incident INTEGER NOT NULL DEFAULT 1,
    next_action INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL REFERENCES workspaces(id),
    number INTEGER NOT NULL,
    channel TEXT NOT NULL,
    private_channel INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL,
    severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),
    status TEXT NOT NULL,
    commander TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    detected_at INTEGER,
    mitigated_at INTEGER,
    resolved_at INTEGER,
    reviewed_at INTEGER,
    summary TEXT NOT NULL DEFAULT '',
    impact TEXT NOT NULL DEFAULT '',
    review_thread TEXT NOT NULL DEFAULT '',
    no_action_decided INTEGER NOT NULL DEFAULT 0,
    UNIQUE (workspace, number)
);
CREATE INDEX incidents_by_channel ON incidents (workspace, channel, id);
CREATE TABLE timeline_entries (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'live',
    occurred_at INTEGER NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    platform TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL DEFAULT '',
    thread_root TEXT NOT NULL DEFAULT '',
    permalink TEXT NOT NULL DEFAULT '',
    marked_by TEXT NOT NULL DEFAULT '',
    captured_at INTEGER NOT NULL,
    by_prefix INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX timeline_by_incident ON timeline_entries (incident_id, occurred_at, id);
CREATE UNIQUE INDEX timeline_one_entry_per_message ON timeline_entries (incident_id, channel, message_id)
    WHERE message_id <> '';
CREATE INDEX timeline_by_message ON timeline_entries (channel, message_id) WHERE message_id <> '';
-- Queries repeat "message_id <> ''" so SQLite can prove these partial indexes apply.
CREATE TABLE entry_revisions (
    entry_id INTEGER NOT NULL REFERENCES timeline_entries(id),
    text TEXT NOT NULL,
    replaced_at INTEGER NOT NULL
);
CREATE INDEX revisions_by_entry ON entry_revisions (entry_id);
CREATE TABLE entry_marks (
    entry_id INTEGER NOT NULL REFERENCES timeline_entries(id),
    user TEXT NOT NULL,
    emoji TEXT NOT NULL,
    PRIMARY KEY (entry_id, user, emoji)
) WITHOUT ROWID;
CREATE TABLE messages (
    workspace TEXT NOT NULL,
    channel TEXT NOT NULL,
    message_id TEXT NOT NULL,
    thread_root TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    posted_at INTEGER NOT NULL,
    permalink TEXT NOT NULL DEFAULT '',
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace, channel, message_id)
) WITHOUT ROWID;
CREATE TABLE factors (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    chain_closed INTEGER NOT NULL DEFAULT 0,
    UNIQUE (incident_id, position)
);
CREATE TABLE whys (
    factor_id INTEGER NOT NULL REFERENCES factors(id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    PRIMARY KEY (factor_id, position)
);
CREATE TABLE review_notes (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    list TEXT NOT NULL,
    text TEXT NOT NULL,
    author TEXT NOT NULL
);
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL REFERENCES workspaces(id),
    number INTEGER NOT NULL,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    text TEXT NOT NULL,
    owner TEXT NOT NULL,
    due TEXT NOT NULL,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    resolution TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    closed_at INTEGER,
    UNIQUE (workspace, number)
);
CREATE INDEX actions_by_owner ON actions (workspace, owner, status);
CREATE INDEX actions_by_incident ON actions (incident_id);
CREATE TABLE action_history (
    action_id INTEGER NOT NULL REFERENCES actions(id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    change TEXT NOT NULL
);
CREATE INDEX history_by_action ON action_history (action_id);
CREATE TABLE inbox (
    -- AUTOINCREMENT: ids must never be reused after a prune, or a new event would sit below the watermark.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace TEXT NOT NULL,
    dedup_key TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    UNIQUE (workspace, dedup_key)
);
-- Events are handled strictly in id order, so one watermark says what is done: no per-event update on the
-- hot path. Rows at or below it that failed keep their reason in inbox.error.
CREATE TABLE inbox_cursor (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    handled_up_to INTEGER NOT NULL
);
INSERT INTO inbox_cursor VALUES (1, 0);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
)sql",
        // 2: who people are (names and time zones for display) and where the bot's own threads live.
        R"sql(
CREATE TABLE users (
    workspace TEXT NOT NULL,
    user_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    time_zone TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (workspace, user_id)
) WITHOUT ROWID;
CREATE INDEX users_by_name ON users (workspace, display_name);
CREATE TABLE threads (
    workspace TEXT NOT NULL,
    thread_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    root_message_id TEXT NOT NULL,
    PRIMARY KEY (workspace, thread_key)
) WITHOUT ROWID;
)sql",
        // 3: the guided review (where it stands, which replies answered what), snoozed actions, and the log
        // that
        // makes every reminder go out once per (kind, recipient, period).
        R"sql(
ALTER TABLE incidents ADD COLUMN review_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN snoozed_until TEXT NOT NULL DEFAULT '';
CREATE TABLE review_answers (
    workspace TEXT NOT NULL,
    channel TEXT NOT NULL,
    message_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    PRIMARY KEY (workspace, channel, message_id)
) WITHOUT ROWID;
CREATE TABLE reminders_sent (
    workspace TEXT NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    period TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (workspace, kind, recipient, period)
) WITHOUT ROWID;
)sql",
    };
    return steps;
}

}  // namespace hindsight::storage
