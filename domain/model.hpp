#pragma once
// The values hindsight keeps: incidents, their timeline, the review and action items.
// Plain data with no I/O; rules about them live in rules.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/causal_map.hpp"
#include "domain/time.hpp"

namespace hindsight::domain {

enum class severity { sev1 = 1, sev2, sev3, sev4 };
enum class incident_status { active, mitigated, resolved, reviewed };
enum class entry_kind { message, note, event, alert };
// Why an entry is on the timeline: a reaction, a typed prefix, a command, or the bot itself.
enum class entry_state { live, deleted, unmarked };
enum class action_type { detection, playbook, tooling, training, process, other };
enum class action_status { open, done, wontdo };
enum class review_list { went_well, went_wrong, lucky };
// Where the guided review stands (SPEC §4). none: not opened; summary: the team passed the actions stage.
enum class review_stage { none, recap, factors, causes, went_well, went_wrong, lucky, actions, summary };

std::string_view to_string(severity s);
std::string_view to_string(incident_status s);
std::string_view to_string(entry_kind k);
std::string_view to_string(entry_state s);
std::string_view to_string(action_type t);
std::string_view to_string(action_status s);
std::string_view to_string(review_list l);
std::string_view to_string(review_stage s);
std::optional<severity> parse_severity(std::string_view text);  // "sev2", "2", "SEV2"
std::optional<incident_status> parse_incident_status(std::string_view text);
std::optional<entry_kind> parse_entry_kind(std::string_view text);
std::optional<entry_state> parse_entry_state(std::string_view text);
std::optional<action_type> parse_action_type(std::string_view text);
std::optional<action_status> parse_action_status(std::string_view text);
std::optional<review_list> parse_review_list(std::string_view text);
// Also reads the names older databases stored ("impact" → recap, "complete" → summary).
std::optional<review_stage> parse_review_stage(std::string_view text);

struct incident {
    std::int64_t id = 0;  // database key
    std::string workspace;
    int number = 0;  // INC-<number>, per workspace
    std::string channel;
    bool private_channel = false;
    std::string title;
    severity sev = severity::sev3;
    incident_status status = incident_status::active;
    std::string commander;  // user id
    timestamp started_at{};
    std::optional<timestamp> detected_at, mitigated_at, resolved_at, reviewed_at;
    std::string summary;
    std::string impact;
    std::string detection;      // how it was detected (asked in the review's recap)
    std::string review_thread;  // message id of the review thread root, once opened
    bool no_action_decided = false;
    review_stage stage = review_stage::none;
    // What the current question is about within the stage: "impact" / "detection" / "summary" in the
    // recap, the node id asked about in causes.
    std::string review_focus;
    // A time-boxed session (`review start 45m`): kept in the database so a restart keeps the clock.
    std::optional<timestamp> timebox_started_at, timebox_ends_at;
    bool summary_posted = false;  // the review's summary post exists and is edited from then on
    // Classification (SPEC §11), sorted: the services it touched ("checkout") and free tags ("dns").
    std::vector<std::string> services, tags;

    std::string label() const { return "INC-" + std::to_string(number); }
};

struct revision {
    std::string text;
    timestamp replaced_at{};
};

struct message_source {
    std::string platform;  // "slack", "mattermost", "console"
    std::string channel;
    std::string message_id;
    std::string thread_root;  // empty when not in a thread
    std::string permalink;
};

// What an entry tells in the story of the incident (`timeline tag E<n> …`); the postmortem's "Key moments".
enum class entry_tag { none, detection, diagnosis, repair, key };
std::string_view to_string(entry_tag tag);
std::optional<entry_tag> parse_entry_tag(std::string_view text);

struct timeline_entry {
    std::int64_t id = 0;
    std::int64_t incident_id = 0;
    int number = 0;       // E<n>: given when the entry is created, per incident, never reused
    bool hidden = false;  // left out of exports (kept, and shown as hidden in the channel)
    entry_tag tag = entry_tag::none;
    entry_kind kind = entry_kind::message;
    entry_state state = entry_state::live;
    timestamp occurred_at{};  // when it was said, not when it was captured
    std::string author;       // user id
    std::string text;
    message_source source;
    std::string marked_by;
    timestamp captured_at{};
    std::vector<revision> revisions;  // older texts, oldest first
};

struct review_note {
    std::int64_t id = 0;
    review_list list = review_list::went_well;
    std::string text;
    std::string author;
};

struct action_change {
    timestamp at{};
    std::string actor;
    std::string change;  // "created", "owner @a -> @b", "due 2026-03-01 -> 2026-03-08", "done: note"
};

struct action_item {
    std::int64_t id = 0;
    std::string workspace;
    int number = 0;  // A-<number>, per workspace
    std::int64_t incident_id = 0;
    std::string text;
    std::string owner;  // user id
    civil_date due{};
    action_type type = action_type::other;
    action_status status = action_status::open;
    std::string resolution;  // done note or wontdo reason
    std::string created_by;
    timestamp created_at{};
    std::optional<timestamp> closed_at;
    std::optional<civil_date> snoozed_until;  // no reminders before this day
    std::string issue_url;                    // its issue in the team's tracker, once linked (SPEC §10)
    std::vector<action_change> history;

    std::string label() const { return "A-" + std::to_string(number); }
};

// Everything the postmortem needs, read in one go.
// A message of the incident's channel that is not on its timeline, as the bot stored it.
struct transcript_line {
    std::string message_id;
    std::string thread_root;  // empty for a top-level message
    std::string author;
    std::string text;
    std::string permalink;
    timestamp at{};
};

// Another incident as this one's postmortem names it (SPEC §11): linked by hand. A private incident of
// another channel is only counted: its label and title stay empty.
struct linked_incident {
    std::string label, title;
    std::string linked_by;  // user id
};

// A factor or cause of this incident that matched one of an earlier incident whose actions were all done.
struct recurrence_note {
    std::string node_label;                              // "F2"
    std::string past_label, past_node_label, past_text;  // empty for a private incident of another channel
    std::string fixed_by;                                // "A-4, A-5" (empty when private)
};

struct incident_record {
    incident inc;
    std::vector<timeline_entry> timeline;  // ordered by occurred_at, then id
    causal_map map;                        // factors and their causes
    std::vector<review_note> notes;
    std::vector<action_item> actions;       // ordered by number
    std::vector<std::string> participants;  // user ids of everyone who spoke in the channel or the review
    std::optional<civil_date> as_of;        // the day overdue flags are judged on (the export's day)
    // Only when the export asked for it (`--transcript`): the channel's other messages, oldest first.
    std::optional<std::vector<transcript_line>> transcript;
    bool transcript_cut = false;  // there were more than an export takes
    std::vector<linked_incident> linked;
    std::vector<recurrence_note> came_back;
};

// A service or tag name as stored (SPEC §11): lower case; letters, digits, '.', '_', '-' and '/'; 1 to 40
// characters. nullopt for anything else (so names never carry a mention, markup or a separator).
std::optional<std::string> label_name(std::string_view text);
// "Services: checkout, payments · Tags: dns", or "" for an incident with neither.
std::string classification_text(const incident& inc);

}  // namespace hindsight::domain
