#pragma once
// Platform-neutral inbound events. Adapters (Slack, Mattermost, console) decode their wire formats into
// these; the core never sees a platform payload.
#include <cstdint>
#include <string>
#include <variant>

#include "domain/alert.hpp"
#include "domain/time.hpp"

namespace hindsight::chat {

struct channel_ref {
    std::string id;
    bool is_private = false;
    bool is_direct = false;  // a direct-message conversation with the bot
};

struct message_posted {
    channel_ref channel;
    std::string message_id;
    std::string thread_root;  // empty for a top-level message
    std::string user;
    std::string text;
    domain::timestamp at{};
    bool from_bot = false;  // any bot, including ourselves: never captured by a prefix
    std::string permalink;
    // Read back from the channel's history by `import` (that import's id), not seen live: stored and
    // captured once, never taken for a review answer.
    std::int64_t import_id = 0;
};

struct message_edited {
    channel_ref channel;
    std::string message_id;
    std::string text;
    domain::timestamp at{};  // when the edit happened
};

struct message_deleted {
    channel_ref channel;
    std::string message_id;
    domain::timestamp at{};
};

struct reaction_changed {
    channel_ref channel;
    std::string message_id;
    std::string user;
    std::string emoji;  // without colons: "pushpin"
    bool added = true;
    domain::timestamp at{};
    std::int64_t import_id = 0;  // a mark found in the history `import` read (that import's id)
};

struct command_invoked {
    channel_ref channel;
    std::string thread_root;
    std::string user;
    std::string text;  // everything after the trigger word
    domain::timestamp at{};
};

// Someone (or the bot itself) joined a channel: Slack member_joined_channel, Mattermost user_added.
struct member_joined {
    channel_ref channel;
    std::string user;
    domain::timestamp at{};
};

// A monitoring alert, routed when it was received: where it goes and what the route says to do with it. An
// unrouted alert has no channel and is only recorded (and counted).
struct alert_received {
    channel_ref channel;
    bool declare = false;
    std::string severity;  // "sev1".."sev4" from the route's severity_labels, or "" for the default
    domain::alert alert;
    domain::timestamp at{};  // when it was received
};

// An import has read all of a channel's history it was asked for (or stopped, with the problem): it comes
// after the messages it read, so what it reports counts them all.
struct history_read {
    channel_ref channel;
    std::int64_t import_id = 0;
    std::string problem;  // empty when the whole window was read
    domain::timestamp at{};
};

// An issue tracker says something about an issue linked to an action item (SPEC §10): a signed webhook, or
// the reconciliation read after downtime. The handler finds the action through the link; channel is empty.
struct tracker_issue_changed {
    channel_ref channel;
    std::string tracker;  // "github"
    std::string issue;    // the issue number
    std::string state;    // "open", "done", "wontdo", "deleted", or "" when the event says nothing of it
    std::string reason;   // why it was closed ("not planned"), when the tracker says
    bool assignee_known = false;  // the event says who is assigned now…
    std::string assignee;         // …and this is who ("" nobody)
    std::string actor;            // the tracker login of whoever did it ("" for a reconciliation read)
    std::string url;
    domain::timestamp at{};
};

// A pull request merged or a deployment that names incidents or actions (INC-7, A-12): timeline events.
struct tracker_mention {
    channel_ref channel;
    std::string tracker;  // "github"
    std::string what;     // "Pull request acme/api#42 merged: Fix the pool size"
    std::string text;     // where the names are looked for (title and body)
    std::string url;
    std::string actor;
    domain::timestamp at{};
};

using event =
    std::variant<message_posted, message_edited, message_deleted, reaction_changed, command_invoked,
                 member_joined, alert_received, history_read, tracker_issue_changed, tracker_mention>;

struct inbound {
    std::string workspace;
    std::string dedup_key;  // the platform's event id, or a key built from the message identity
    event payload;
};

}  // namespace hindsight::chat
