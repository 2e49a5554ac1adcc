#pragma once
// The platform-neutral pipeline: inbound events are made durable in the inbox (persist-then-ack), handled
// from there, and every reply is written to the outbox in the same transaction as the state it reports.
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "chat/event.hpp"
#include "chat/outgoing.hpp"
#include "commands/context.hpp"
#include "commands/marking.hpp"
#include "config/config.hpp"
#include "storage/queue_store.hpp"

namespace hindsight::commands {

struct failed_event {
    std::string workspace;
    chat::outgoing notice;  // to be delivered directly: the outbox itself may be what failed
    std::string reason;
};

struct processing_report {
    std::size_t handled = 0;
    bool progressed = false;  // the watermark moved: there may be more to do
    std::vector<failed_event> failures;
    // Set when a reaction names a message the bot has not seen: the caller fetches it, calls remember(), and
    // processes again. Processing stops there so events stay in order.
    std::optional<std::pair<std::string, missing_message>> needs_message;  // workspace, message
    std::int64_t waiting_inbox_id = 0;
};

class engine {
public:
    engine(storage::database& db, const config::settings& cfg, std::string platform);

    // The bot's own user id per workspace: its posts and reactions are never captured.
    void set_bot_user(const std::string& workspace, const std::string& user_id);
    // The platform a workspace lives on ("slack", "mattermost"): timeline entries record it as their source.
    void set_platform(const std::string& workspace, const std::string& platform);

    // Records every event of the batch in one transaction (one fsync for the burst). Returns, per event, true
    // if it is new and false for a replay. Throws storage::storage_error when nothing could be recorded: then
    // the platform must not be acknowledged.
    std::vector<bool> accept(const std::vector<chat::inbound>& batch, domain::timestamp now);

    // Handles up to limit pending inbox rows, all in one transaction with a savepoint per event, and stops
    // early once the deadline has passed: a round never holds the thread for long, however slow each event
    // is (a machine short of CPU), so sockets keep being read and acks keep going out.
    using deadline = std::chrono::steady_clock::time_point;
    processing_report process_pending(domain::timestamp now, std::size_t limit = 512,
                                      deadline stop_after = deadline::max());

    // Plans the reminders due now in every workspace and writes the ones not sent before to the outbox,
    // claiming each in the same transaction. Returns how many were queued and when planning can next find
    // something.
    struct reminder_report {
        std::size_t queued = 0;
        std::optional<domain::timestamp> next_check;
    };
    reminder_report send_due_reminders(domain::timestamp now);

    // People named in events recorded by this process whom the directory does not know yet (at most limit):
    // the app asks the platform for their names and time zones before handling those events.
    std::vector<std::pair<std::string, std::string>> unknown_users(std::size_t limit);
    void learn_user(const std::string& workspace, const storage::user_profile& user);

    // Forgets handled inbox rows older than a week: Slack retries for minutes and Mattermost replays within a
    // reconnect, so a week of keys is plenty to recognise a replay.
    std::int64_t prune_inbox(domain::timestamp now);

    // A message fetched from the platform for a reaction on something the bot never saw.
    void remember(const std::string& workspace, const storage::cached_message& message);
    // The fetch found nothing (deleted, no access): the waiting event is closed with this reason.
    void give_up_waiting(std::int64_t inbox_id, const std::string& reason);

    // The channel asked for with `start --new-channel` exists: its incident moves there from the placeholder,
    // and messages waiting for the placeholder go there.
    // The caller hears where the incident is (publicly in the channel it was declared in, when that is
    // public), and why when they could not be invited.
    void channel_created(const std::string& workspace, const chat::channel_request& request,
                         const std::string& channel, const std::string& name,
                         const std::string& invite_problem, domain::timestamp now);
    // Creating it failed for good: the incident moves to the channel it was declared in when that channel is
    // free, and is otherwise closed unopened; either way the caller is told why.
    void channel_not_created(const std::string& workspace, const chat::channel_request& request,
                             const std::string& reason, domain::timestamp now);

    // Open incidents whose silences are due for a look (their first alert arrived, or an hour has passed).
    std::vector<std::int64_t> incidents_due_for_silences(domain::timestamp now);
    // Puts on the incident's timeline every silence that muted one of its alerts within the lookback and is
    // not there yet, and notes the look. Returns how many were added.
    std::size_t record_silences(std::int64_t incident_id, const std::vector<domain::silence>& silences,
                                domain::timestamp now);

    // Handles one event without the inbox or outbox (used by tests and by process_pending).
    std::vector<chat::outgoing> handle(const std::string& workspace, const chat::event& e,
                                       domain::timestamp now,
                                       std::optional<missing_message>* missing = nullptr);

    stores& store() { return stores_; }
    storage::queue_store& queue() { return stores_.queue; }
    const config::settings& settings() const { return cfg_; }
    const std::string& platform() const { return platform_; }

private:
    const std::string& platform_of(const std::string& workspace);
    processing_report run_batch(const std::vector<storage::inbox_row>& rows, domain::timestamp now,
                                bool careful, std::vector<std::pair<std::int64_t, std::string>>& failed,
                                deadline stop_after);

    storage::database& db_;
    const config::settings& cfg_;
    std::string platform_;
    stores stores_;
    std::vector<std::pair<std::string, std::string>> bot_users_;
    std::unordered_map<std::string, std::string> platforms_;  // workspace → platform, when not platform_
    // Events recorded by this process and not yet handled, by inbox id. After a restart they are decoded from
    // the inbox instead; the bound keeps a stalled handler from growing memory without limit.
    static constexpr std::size_t max_remembered_events = 20000;
    std::unordered_map<std::int64_t, chat::event> accepted_;
    std::unordered_map<std::int64_t, std::string> accepted_workspaces_;
    std::set<std::string> asked_about_;
};

// What to tell the people whose commands could not even be recorded (the inbox write failed): the platform is
// not acknowledged, and nothing they typed vanishes silently.
std::vector<failed_event> unrecorded_notices(const std::vector<chat::inbound>& batch,
                                             const std::string& reason);

// A dedup key for events whose platform gives no event id: the message identity plus what happened to it.
std::string identity_key(const chat::event& e);

}  // namespace hindsight::commands
