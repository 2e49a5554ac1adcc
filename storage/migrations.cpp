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
        // 4: the review as a team holds it (SPEC §4): a causal map of numbered nodes joined by edges instead
        // of one chain per factor, replies that may give several answers, the questions asked (so a late
        // reply
        // answers the question it was written under), the recap's detection question and the time-box.
        R"sql(
ALTER TABLE incidents ADD COLUMN review_focus TEXT NOT NULL DEFAULT '';
-- The platform a workspace lives on, so events recorded before a restart are filed under it even while that
-- platform is still coming up.
ALTER TABLE workspaces ADD COLUMN platform TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN detection TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN timebox_started_at INTEGER;
ALTER TABLE incidents ADD COLUMN timebox_ends_at INTEGER;
ALTER TABLE incidents ADD COLUMN summary_posted INTEGER NOT NULL DEFAULT 0;
UPDATE incidents SET review_stage = 'recap' WHERE review_stage = 'impact';
UPDATE incidents SET review_stage = 'summary' WHERE review_stage = 'complete';
CREATE TABLE review_nodes (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    label TEXT NOT NULL,
    origin INTEGER NOT NULL DEFAULT 0,
    depth INTEGER NOT NULL,
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    closed INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    removed INTEGER NOT NULL DEFAULT 0,
    merged_into INTEGER NOT NULL DEFAULT 0,
    children_made INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL DEFAULT 0,
    old_factor INTEGER,
    old_why INTEGER,
    UNIQUE (incident_id, label)
);
CREATE TABLE review_edges (
    effect INTEGER NOT NULL REFERENCES review_nodes(id),
    cause INTEGER NOT NULL REFERENCES review_nodes(id),
    PRIMARY KEY (effect, cause)
) WITHOUT ROWID;
CREATE INDEX review_edges_by_cause ON review_edges (cause);
-- Factors become the roots; each why of a chain a cause of the one before it (F1, F1.1, F1.1.1, …).
INSERT INTO review_nodes (incident_id, label, depth, text, author, old_factor)
    SELECT incident_id, 'F' || position, 0, text, author, id FROM factors;
INSERT INTO review_nodes (incident_id, label, depth, text, author, old_why)
    SELECT f.incident_id, 'F' || f.position || substr('.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1', 1, 2 * w.position),
           w.position, w.text, w.author, w.rowid
    FROM whys w JOIN factors f ON f.id = w.factor_id;
UPDATE review_nodes SET origin = (SELECT p.id FROM review_nodes p WHERE p.incident_id = review_nodes.incident_id
                                  AND p.label = substr(review_nodes.label, 1, length(review_nodes.label) - 2))
    WHERE depth > 0;
INSERT INTO review_edges (effect, cause) SELECT origin, id FROM review_nodes WHERE depth > 0;
UPDATE review_nodes SET children_made = 1 WHERE id IN (SELECT effect FROM review_edges);
-- A closed chain ends at its last why.
UPDATE review_nodes SET closed = 1
    WHERE old_why IS NOT NULL AND id NOT IN (SELECT effect FROM review_edges)
      AND (SELECT f.chain_closed FROM whys w JOIN factors f ON f.id = w.factor_id
           WHERE w.rowid = review_nodes.old_why) = 1;
-- A review that was asking "why?" of an open chain goes on asking it, at the chain's last answer; a recap
-- asks for its first missing field.
UPDATE incidents SET review_stage = 'causes', review_focus = (
    SELECT CAST(n.id AS TEXT) FROM review_nodes n
    WHERE n.incident_id = incidents.id
      AND (n.label = 'F' || (SELECT max(f.position) FROM factors f
                             WHERE f.incident_id = incidents.id AND f.chain_closed = 0)
           OR n.label LIKE 'F' || (SELECT max(f.position) FROM factors f
                                   WHERE f.incident_id = incidents.id AND f.chain_closed = 0) || '.%')
    ORDER BY n.depth DESC LIMIT 1)
WHERE review_stage IN ('recap', 'factors')
  AND EXISTS (SELECT 1 FROM factors f WHERE f.incident_id = incidents.id AND f.chain_closed = 0);
UPDATE incidents SET review_focus = CASE WHEN impact = '' THEN 'impact' WHEN detection = '' THEN 'detection'
                                         ELSE 'summary' END
WHERE review_stage = 'recap';
CREATE TABLE review_replies (
    workspace TEXT NOT NULL,
    channel TEXT NOT NULL,
    message_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    PRIMARY KEY (workspace, channel, message_id, kind, target_id)
) WITHOUT ROWID;
INSERT INTO review_replies (workspace, channel, message_id, kind, target_id)
    SELECT workspace, channel, message_id, kind, target FROM (
        SELECT workspace, channel, message_id,
               CASE kind WHEN 'factor' THEN 'node' WHEN 'why' THEN 'node' ELSE kind END AS kind,
               CASE kind WHEN 'factor' THEN (SELECT n.id FROM review_nodes n WHERE n.old_factor = a.target_id)
                         WHEN 'why' THEN (SELECT n.id FROM review_nodes n WHERE n.old_why = a.target_id)
                         ELSE a.target_id END AS target
        FROM review_answers a)
    WHERE target IS NOT NULL;
CREATE TABLE review_questions (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    asked_at INTEGER NOT NULL,
    stage TEXT NOT NULL,
    focus TEXT NOT NULL
);
CREATE INDEX review_questions_by_incident ON review_questions (incident_id, asked_at, id);
CREATE INDEX incidents_with_timebox ON incidents (workspace) WHERE timebox_ends_at IS NOT NULL;
-- Everyone who spoke in an incident's channel or review: the postmortem names its participants.
CREATE TABLE incident_speakers (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    user_id TEXT NOT NULL,
    PRIMARY KEY (incident_id, user_id)
) WITHOUT ROWID;
DROP TABLE review_answers;
DROP TABLE whys;
DROP TABLE factors;
ALTER TABLE review_nodes DROP COLUMN old_factor;
ALTER TABLE review_nodes DROP COLUMN old_why;
)sql",
        // 5: the names an outbox row defines or waits for as columns, not substrings of its payload: the
        // thread a reply goes under, the named message an edit replaces, and the thread or channel the row
        // itself brings into being.
        R"sql(
ALTER TABLE outbox ADD COLUMN thread_key TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN edit_key TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN defines_thread TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN defines_channel TEXT NOT NULL DEFAULT '';
-- 6 is chat::delivery::update: its thread_key named the message to edit.
UPDATE outbox SET
    thread_key = CASE WHEN json_extract(payload, '$.how') = 6 THEN ''
                      ELSE coalesce(json_extract(payload, '$.thread_key'), '') END,
    edit_key = CASE WHEN json_extract(payload, '$.how') = 6 THEN coalesce(json_extract(payload, '$.thread_key'), '')
                    ELSE '' END,
    defines_thread = coalesce(json_extract(payload, '$.defines_thread'), ''),
    defines_channel = coalesce(json_extract(payload, '$.defines_channel'), '')
    WHERE json_valid(payload);  -- an unreadable row is given up by the worker, not a failed upgrade
CREATE INDEX outbox_defining_thread ON outbox (workspace, defines_thread) WHERE defines_thread != '';
CREATE INDEX outbox_defining_channel ON outbox (workspace, defines_channel) WHERE defines_channel != '';
CREATE INDEX outbox_edits ON outbox (workspace, edit_key, id) WHERE edit_key != '';
)sql",
        // 6: stable entry numbers (E<n>, per incident, in creation order, never reused: entries are never
        // deleted), entries hidden from exports, and the story tags behind the postmortem's "Key moments".
        R"sql(
ALTER TABLE timeline_entries ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE timeline_entries ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
ALTER TABLE timeline_entries ADD COLUMN tag TEXT NOT NULL DEFAULT '';
UPDATE timeline_entries SET number = numbered.n
    FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY incident_id ORDER BY id) AS n FROM timeline_entries) AS numbered
    WHERE numbered.id = timeline_entries.id;
CREATE UNIQUE INDEX timeline_entry_numbers ON timeline_entries (incident_id, number);
)sql",
        // 7: every monitoring alert received, routed or not (an alert instance is source + fingerprint +
        // startsAt; firing and resolved are its two facts, each kept once however often it is re-sent), the
        // silences already put on an incident's timeline, and when its silences were last looked up.
        R"sql(
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL,
    channel TEXT NOT NULL,  -- '' when no route matched
    incident_id INTEGER REFERENCES incidents(id),
    source TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    name TEXT NOT NULL,
    labels TEXT NOT NULL,  -- JSON objects
    annotations TEXT NOT NULL,
    ends_at INTEGER,
    link TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (workspace, source, fingerprint, starts_at, status)
);
CREATE INDEX alerts_by_incident ON alerts (incident_id) WHERE incident_id IS NOT NULL;
CREATE INDEX alerts_waiting ON alerts (workspace, channel, received_at) WHERE incident_id IS NULL;
CREATE INDEX alerts_unrouted ON alerts (workspace) WHERE channel = '';
CREATE TABLE incident_silences (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    silence_id TEXT NOT NULL,
    PRIMARY KEY (incident_id, silence_id)
) WITHOUT ROWID;
ALTER TABLE incidents ADD COLUMN silences_checked_at INTEGER;
)sql",
        // 8: `import` reading a channel's history back (one row per import: where it got to and what
        // it found), and which stored messages hindsight posted itself (a transcript leaves them out). No
        // index by time: the primary key already narrows to the channel, and one more index on the
        // busiest table cost the capture path 5 %.
        R"sql(
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL,
    channel TEXT NOT NULL,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    since INTEGER NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    reply_thread TEXT NOT NULL DEFAULT '',
    cursor TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'reading',  -- reading, then finishing (its end is in the inbox), then done
    next_at INTEGER NOT NULL,
    requests INTEGER NOT NULL DEFAULT 0,
    rate_limited INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,  -- in a row; a success starts again from 0
    events INTEGER NOT NULL DEFAULT 0,
    stored INTEGER NOT NULL DEFAULT 0,
    known INTEGER NOT NULL DEFAULT 0,
    entries TEXT NOT NULL DEFAULT '',  -- the entry numbers it added, "E3 E7"
    problem TEXT NOT NULL DEFAULT ''
);
CREATE INDEX imports_reading ON imports (next_at) WHERE state = 'reading';
ALTER TABLE messages ADD COLUMN by_hindsight INTEGER NOT NULL DEFAULT 0;
)sql",
        // 9: action items linked to issues in a tracker (SPEC §10). One row per action: the issue it has
        // (or is being created), what hindsight last knew the issue to say, and how far the action's own
        // changes were pushed (change_seq counts them, synced_seq is the last one the issue has).
        R"sql(
CREATE TABLE tracker_links (
    action_id INTEGER PRIMARY KEY REFERENCES actions(id),
    workspace TEXT NOT NULL,
    tracker TEXT NOT NULL,                 -- 'github'
    marker TEXT NOT NULL,                  -- the hidden identity in the issue
    ours INTEGER NOT NULL DEFAULT 1,       -- hindsight created it (and writes its title and body)
    state TEXT NOT NULL,                   -- queued, creating (a create was sent), linked, gone
    issue TEXT NOT NULL DEFAULT '',        -- GitHub's issue number
    url TEXT NOT NULL DEFAULT '',
    remote_status TEXT NOT NULL DEFAULT 'open',
    remote_assignee TEXT NOT NULL DEFAULT '',
    pushed_owner TEXT NOT NULL DEFAULT '',  -- the owner and due date the issue's body was last written with
    pushed_due TEXT NOT NULL DEFAULT '',
    change_seq INTEGER NOT NULL DEFAULT 1,
    synced_seq INTEGER NOT NULL DEFAULT 0,
    creating_since INTEGER,
    next_at INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    problem TEXT NOT NULL DEFAULT '',      -- the last problem said in the channel (said once)
    UNIQUE (tracker, marker)
);
CREATE INDEX tracker_links_by_issue ON tracker_links (tracker, issue) WHERE issue <> '';
CREATE INDEX tracker_links_due ON tracker_links (next_at) WHERE state IN ('queued', 'creating', 'linked');
CREATE TABLE tracker_state (
    tracker TEXT PRIMARY KEY,
    reconciled_at INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
)sql",
        // 10: an incident's services and tags (SPEC §11): classification that insights and related
        // incidents group by. One row per label; the index answers "which incidents have service X".
        R"sql(
CREATE TABLE incident_labels (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    kind TEXT NOT NULL,                    -- 'service' or 'tag'
    name TEXT NOT NULL,                    -- normalised: lower case, [a-z0-9._/-]
    added_at INTEGER NOT NULL,
    added_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (incident_id, kind, name)
) WITHOUT ROWID;
CREATE INDEX incident_labels_by_name ON incident_labels (kind, name, incident_id);
)sql",
        // 11: when a tracker create was last sent and how many were sent without a known answer: Jira's
        // search lags the latest send (not the first), and creates that never answer stop being repeated.
        R"sql(
ALTER TABLE tracker_links ADD COLUMN last_sent_at INTEGER;
ALTER TABLE tracker_links ADD COLUMN sends INTEGER NOT NULL DEFAULT 0;
)sql",
        // 12: what related incidents are found by (SPEC §11): an FTS5 index (bm25) over each incident's
        // title,
        // and its summary, impact, detection and review answers (factors and causes). Triggers keep it
        // current in the same transaction as every change to them.
        R"sql(
CREATE VIRTUAL TABLE incident_search USING fts5(workspace UNINDEXED, title, body,
                                               tokenize = 'porter unicode61 remove_diacritics 2');
INSERT INTO incident_search (rowid, workspace, title, body)
    SELECT id, workspace, title, summary || ' ' || impact || ' ' || detection || ' ' ||
            COALESCE((SELECT group_concat(text, ' ') FROM review_nodes
                      WHERE incident_id = incidents.id AND removed = 0 AND merged_into = 0), '')
    FROM incidents;
-- SQLite triggers cannot share a procedure: the same refresh four times, each for one kind of change.
CREATE TRIGGER incident_search_insert AFTER INSERT ON incidents BEGIN
    DELETE FROM incident_search WHERE rowid = new.id;
    INSERT INTO incident_search (rowid, workspace, title, body)
        SELECT id, workspace, title, summary || ' ' || impact || ' ' || detection || ' ' ||
            COALESCE((SELECT group_concat(text, ' ') FROM review_nodes
                      WHERE incident_id = new.id AND removed = 0 AND merged_into = 0), '')
        FROM incidents WHERE id = new.id;
END;
CREATE TRIGGER incident_search_update AFTER UPDATE OF title, summary, impact, detection ON incidents
WHEN old.title IS NOT new.title OR old.summary IS NOT new.summary OR old.impact IS NOT new.impact
     OR old.detection IS NOT new.detection BEGIN
    DELETE FROM incident_search WHERE rowid = new.id;
    INSERT INTO incident_search (rowid, workspace, title, body)
        SELECT id, workspace, title, summary || ' ' || impact || ' ' || detection || ' ' ||
            COALESCE((SELECT group_concat(text, ' ') FROM review_nodes
                      WHERE incident_id = new.id AND removed = 0 AND merged_into = 0), '')
        FROM incidents WHERE id = new.id;
END;
CREATE TRIGGER incident_search_node_insert AFTER INSERT ON review_nodes BEGIN
    DELETE FROM incident_search WHERE rowid = new.incident_id;
    INSERT INTO incident_search (rowid, workspace, title, body)
        SELECT id, workspace, title, summary || ' ' || impact || ' ' || detection || ' ' ||
            COALESCE((SELECT group_concat(text, ' ') FROM review_nodes
                      WHERE incident_id = new.incident_id AND removed = 0 AND merged_into = 0), '')
        FROM incidents WHERE id = new.incident_id;
END;
CREATE TRIGGER incident_search_node_update AFTER UPDATE OF text, removed, merged_into ON review_nodes BEGIN
    DELETE FROM incident_search WHERE rowid = new.incident_id;
    INSERT INTO incident_search (rowid, workspace, title, body)
        SELECT id, workspace, title, summary || ' ' || impact || ' ' || detection || ' ' ||
            COALESCE((SELECT group_concat(text, ' ') FROM review_nodes
                      WHERE incident_id = new.incident_id AND removed = 0 AND merged_into = 0), '')
        FROM incidents WHERE id = new.incident_id;
END;
)sql",
        // 13: what is learned across incidents (SPEC §11): relations recorded by hand (`link`), factors that
        // came back after a past incident's actions were all done, and the index a report reads its window
        // by.
        R"sql(
CREATE TABLE incident_links (
    low_id INTEGER NOT NULL REFERENCES incidents(id),   -- the pair in id order: a link has no direction
    high_id INTEGER NOT NULL REFERENCES incidents(id),
    linked_by TEXT NOT NULL,
    linked_at INTEGER NOT NULL,
    PRIMARY KEY (low_id, high_id)
) WITHOUT ROWID;
CREATE INDEX incident_links_by_high ON incident_links (high_id);
CREATE TABLE recurrences (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    node_id INTEGER NOT NULL REFERENCES review_nodes(id),  -- the new factor or cause
    past_incident_id INTEGER NOT NULL REFERENCES incidents(id),
    past_node_id INTEGER NOT NULL REFERENCES review_nodes(id),
    fixed_by TEXT NOT NULL,                                -- the past incident's done actions: "A-4, A-5"
    found_at INTEGER NOT NULL,
    PRIMARY KEY (incident_id, node_id)
) WITHOUT ROWID;
CREATE INDEX recurrences_by_past ON recurrences (past_incident_id);
CREATE INDEX incidents_by_start ON incidents (workspace, started_at);
CREATE INDEX actions_by_close ON actions (workspace, closed_at);
)sql",
        // 14: how many incidents each indexed word is in, read from the FTS5 index itself: a related-incident
        // lookup leaves out the words so common that they would make it rank most of the corpus.
        R"sql(
CREATE VIRTUAL TABLE incident_search_vocab USING fts5vocab(incident_search, 'row');
)sql",
    };
    return steps;
}

}  // namespace hindsight::storage
