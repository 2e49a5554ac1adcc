#pragma once
// The sub-command handlers, grouped by topic in incident_commands.cpp, review_commands.cpp and
// action_commands.cpp. Each returns an expected failure as a value; the dispatcher adds the usage line.
#include "commands/arguments.hpp"
#include "commands/context.hpp"
#include "domain/insights.hpp"
#include "domain/related.hpp"
#include "domain/result.hpp"

namespace hindsight::commands {

using handler = result<void> (*)(context&, arguments&);

// incident lifecycle
result<void> start_incident(context&, arguments&);
result<void> show_status(context&, arguments&);
result<void> change_severity(context&, arguments&);
result<void> change_commander(context&, arguments&);
result<void> change_title(context&, arguments&);
result<void> change_summary(context&, arguments&);
result<void> change_impact(context&, arguments&);
result<void> change_detection(context&, arguments&);
result<void> add_note(context&, arguments&);
result<void> set_started_at(context&, arguments&);
result<void> set_detected_at(context&, arguments&);
result<void> set_resolved_at(context&, arguments&);
result<void> show_timeline(context&, arguments&);
result<void> mark_mitigated(context&, arguments&);
result<void> resolve_incident(context&, arguments&);
result<void> reopen(context&, arguments&);  // an incident, or an action with A-n
result<void> list_incidents(context&, arguments&);
result<void> import_history(context&, arguments&);

// related incidents (SPEC §11)
struct related_incident {
    domain::incident inc;
    domain::relation_evidence evidence;
    double score = 0;
};
// Every incident of the workspace related to this one above the threshold, best first (no visibility rule:
// callers apply it).
std::vector<related_incident> find_related(stores& store, const domain::incident& inc);
// Up to three related incidents the caller may see, told to the caller; nothing when none is.
void say_related(context& ctx, const domain::incident& inc);
// The same, said where the incident's channel sees it (its review thread once there is one): for an
// incident an alert declared, and in the review's recap.
void post_related(context& ctx, const domain::incident& inc);
result<void> show_related(context&, arguments&);
// Links by hand (`link INC-n`, `unlink INC-n`) and recurrences (SPEC §11).
result<void> link_incident(context&, arguments&);
result<void> unlink_incident(context&, arguments&);
// A new factor or cause that matches one of an earlier incident whose actions were all done: recorded and
// said in the review's thread.
void note_recurrence(context& ctx, const domain::incident& inc, const domain::cause_node& node);
// The record's linked incidents and recurrences, private ones of other channels counted only.
void load_relations(stores& store, domain::incident_record& record);
// Insights (SPEC §11) over [since, until), of one service or all; overdue is judged on until's local day.
domain::insights compute_report(stores& store, const config::settings& cfg, const std::string& workspace,
                                domain::timestamp since, domain::timestamp until, const std::string& service);
result<void> show_insights(context&, arguments&);

// classification (SPEC §11)
result<void> add_service(context&, arguments&);
result<void> remove_service(context&, arguments&);
result<void> add_tag(context&, arguments&);
result<void> remove_tag(context&, arguments&);

// review
result<void> open_review(context&, arguments&);
result<void> add_factor(context&, arguments&);
result<void> answer_why(context&, arguments&);
result<void> add_went_well(context&, arguments&);
result<void> add_went_wrong(context&, arguments&);
result<void> add_lucky(context&, arguments&);
result<void> render_postmortem(context&, arguments&);

// action items
result<void> create_action(context&, arguments&);
result<void> list_actions(context&, arguments&);
result<void> close_action_done(context&, arguments&);
result<void> close_action_wontdo(context&, arguments&);
result<void> assign_action(context&, arguments&);
result<void> change_due(context&, arguments&);
result<void> snooze_action(context&, arguments&);
result<void> reopen_action(context&, arguments&, int number);

// shared lookups
// The incident a command acts on: "INC-n" as the next word when present, else the channel's current incident.
// Applies the private-channel rule of SPEC §3.
result<domain::incident> target_incident(context& ctx, arguments& args);
result<void> check_visible(const context& ctx, const domain::incident& inc);
// Announces in the incident's channel: where the command ran when it ran there, else in the incident channel
// with a private confirmation to the caller.
void announce_for(context& ctx, const domain::incident& inc, std::string text);
// Appends a bot event to the incident's timeline ("Severity sev3 → sev1 by @alice").
// An event on the incident's timeline, at occurred_at (a corrected key time) or now.
void record_event(context& ctx, const domain::incident& inc, const std::string& text,
                  std::optional<domain::timestamp> occurred_at = std::nullopt);
// `at <time>` at the start of what is left: consumed and returned when a time follows "at" (SPEC §9); nothing
// consumed when what follows is no time (`mitigated at last` stays a note); a refusal for a time in the
// future.
result<std::optional<domain::timestamp>> take_at_time(context& ctx, arguments& args);
// Resolves "@alice" or "<@U1>" to a user id.
result<std::string> resolve_user(context& ctx, std::string_view word);
// Refuses text that is empty or longer than the limit, with the limit in the message.
result<std::string> checked_text(std::string_view raw, std::string_view what, std::size_t limit);
// Opens (or points to) the review thread; used by `review` and by `resolve`.
void start_review_thread(context& ctx, domain::incident& inc);
// Edits the incident's declaration to show its state now (status, severity, commander, title).
void refresh_header(context& ctx, const domain::incident& inc);
// Brings the review's summary up to date and marks the incident reviewed once the review is complete.
void complete_review_if_ready(context& ctx, domain::incident& inc);
// `review start [45m]`: a time-boxed session of the review.
result<void> start_timebox(context& ctx, domain::incident& inc, arguments& args);
// A reply in a review thread is an answer to the question asked before it (or a command, a control word,
// chatter …); returns false for any message outside a review thread.
bool on_review_reply(context& ctx, const chat::message_posted& m);
// An edited reply updates the answers it gave; a deleted one removes them. Both return false when the
// message was not an answer.
bool on_review_reply_edited(context& ctx, const chat::message_edited& m);
bool on_review_reply_deleted(context& ctx, const chat::message_deleted& m);
// An action item given as a review reply, re-read after the reply was edited: returns the confirmation.
result<std::string> reparse_action_text(context& ctx, domain::action_item& action, const std::string& text);
// Takes back the action item of a deleted reply; returns its label.
std::optional<std::string> withdraw_action(context& ctx, std::int64_t action_id);
// Everything the postmortem shows about an incident.
domain::incident_record load_record(stores& store, const domain::incident& inc);
// Adds the transcript to a loaded record: the channel's stored messages from the incident's start (or the
// earliest import's) to its review's end (or now), without those on the timeline.
void load_transcript(stores& store, domain::incident_record& record, domain::timestamp now);
// The bot joined a channel: it introduces itself (unless an incident lives there already). Someone else
// joined a channel with an open incident: they alone get its status, to catch up.
void on_member_joined(context& ctx, const chat::member_joined& joined, const std::string& bot_user);
// An incident opened by a firing alert on a route with `declare = true`: no commander until someone takes it.
domain::incident declare_from_alert(context& ctx, const domain::alert& a, domain::severity sev);
// A monitoring alert: on the timeline of the channel's incident, or declaring one, or recorded as unrouted.
void on_alert(context& ctx, const chat::alert_received& ev);
// Alerts that reached the channel in the hour before an incident was declared there by hand join it.
void attach_waiting_alerts(context& ctx, const domain::incident& inc);
// What `import` read back: a message stored once (and captured when it carries the prefix), a mark found on
// it, and the end of the reading with its report.
void on_imported_message(context& ctx, const chat::message_posted& m, const std::string& bot_user);
void on_imported_reaction(context& ctx, const chat::reaction_changed& r, const std::string& bot_user);
void on_history_read(context& ctx, const chat::history_read& done);
// Issues in the team's tracker (SPEC §10): a new action queued for its tracker by the first route that takes
// it; what the tracker reports about an issue; pull requests and deployments naming incidents; `track`.
void queue_tracker_issue(context& ctx, const domain::incident& inc, const domain::action_item& a);
void on_tracker_issue(context& ctx, const chat::tracker_issue_changed& ev);
void on_tracker_mention(context& ctx, const chat::tracker_mention& ev);
result<void> track_action(context&, arguments&);
// [trackers.users] both ways; "" when the person is not mapped.
std::string chat_user_for(const config::settings& cfg, const std::string& tracker, const std::string& login);
std::string tracker_login_for(const config::settings& cfg, const std::string& tracker,
                              const std::string& chat_user);
// Private nudges for blaming language; never blocks.
void nudge_if_blaming(context& ctx, std::string_view text);

}  // namespace hindsight::commands
