#pragma once
// Action items linked to issues in a tracker (SPEC §10): one row per action. The row is written in the same
// transaction as the action it follows, so the issue is created once and every later change reaches it:
// change_seq counts the action's changes (action_store::update bumps it), synced_seq is the last one the
// issue has; remote_* is what hindsight last knew the issue to say, so a change the tracker reports that
// hindsight made itself is recognised and not announced again.
#include <optional>
#include <string>
#include <vector>

#include "domain/time.hpp"
#include "storage/database.hpp"

namespace hindsight::storage {

enum class link_state { queued, creating, linked, gone };

struct tracker_link {
    std::int64_t action_id = 0;
    std::string workspace;
    std::string tracker;  // "github"
    std::string marker;   // the hidden identity in the issue
    bool ours = true;     // created by hindsight, which writes its title and body; false: `track`ed
    link_state state = link_state::queued;
    std::string issue;  // the issue number
    std::string url;
    std::string remote_status = "open";  // open, done, wontdo
    std::string remote_assignee;         // the tracker login assigned
    std::string pushed_owner;            // the owner (chat user) and due date the issue was last written with
    std::string pushed_due;
    std::int64_t change_seq = 1;
    std::int64_t synced_seq = 0;
    std::optional<domain::timestamp> creating_since;  // when the first create was sent
    std::optional<domain::timestamp> last_sent_at;    // when the latest create was sent
    int sends = 0;                                    // creates sent without a known answer
    domain::timestamp next_at{};
    int attempts = 0;
    std::string problem;
};

// What the issue says after a create or an update went through.
struct issue_mirror {
    std::string issue;
    std::string url;
    std::string status;
    std::string assignee;
    std::string owner;
    std::string due;
};

class tracker_store {
public:
    explicit tracker_store(database& db) : db_(db) {}

    // A new action item gets an issue in this tracker: queued for the worker.
    void queue_create(std::int64_t action_id, const std::string& workspace, const std::string& tracker,
                      const std::string& marker, domain::timestamp now);
    // `track A-n <url>`: an existing issue (its state unknown until the tracker is read: reconciled next).
    void link_existing(std::int64_t action_id, const std::string& workspace, const std::string& tracker,
                       const std::string& marker, const std::string& issue, const std::string& url);
    std::optional<tracker_link> find(std::int64_t action_id);
    std::optional<tracker_link> find_by_issue(const std::string& tracker, const std::string& issue);

    // The row the worker should look at first: queued or creating, or linked with changes the issue does not
    // have yet, and due (next_at ≤ now). nullopt when none is.
    std::optional<tracker_link> next_due(const std::string& tracker, domain::timestamp now);
    // When the next row falls due (for the worker's sleep), when any is waiting.
    std::optional<domain::timestamp> next_due_at(const std::string& tracker);

    // Said durably before the create is sent: after a crash the worker looks for the issue first.
    void mark_creating(std::int64_t action_id, domain::timestamp now);
    // A create that failed for certain (refused, or looked for and not found): queued again.
    void mark_queued(std::int64_t action_id);
    void linked(std::int64_t action_id, const issue_mirror& issue, std::int64_t synced_seq);
    // The issue took the action's state up to synced_seq.
    void synced(std::int64_t action_id, const issue_mirror& issue, std::int64_t synced_seq);
    // The tracker says the issue is now so (a webhook or the reconciliation read).
    void remote_changed(std::int64_t action_id, const std::string& status, const std::string& assignee);
    void gone(std::int64_t action_id);
    // Try again at next_at (attempts counts the tries in a row; a success sets it back to 0).
    void postpone(std::int64_t action_id, domain::timestamp next_at);
    void set_problem(std::int64_t action_id, const std::string& problem);
    // The tracker's own id for an issue first known otherwise (a Jira issue `track`ed by its key).
    void set_issue(std::int64_t action_id, const std::string& issue);
    // The action changed: its issue must follow.
    void touch(std::int64_t action_id);

    // Linked issues to read back after downtime: those whose action or issue is open, at most limit.
    std::vector<tracker_link> linked_for_reconciliation(const std::string& tracker, std::size_t limit);
    std::optional<domain::timestamp> reconciled_at(const std::string& tracker);
    void set_reconciled_at(const std::string& tracker, domain::timestamp at);
    // Rows by state, for /metrics and tests.
    std::int64_t count(const std::string& tracker, link_state state);

private:
    void exec_for(std::int64_t action_id, const char* sql);  // a statement whose one parameter is the action
    database& db_;
};

std::string_view to_string(link_state state);

}  // namespace hindsight::storage
