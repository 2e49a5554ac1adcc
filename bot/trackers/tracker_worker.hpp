#pragma once
// Keeps one tracker's issues and action items in step (SPEC §10), one request at a time: the one writer for
// that tracker, so its limits (pacing, Retry-After, GitHub's secondary limits) are kept in one place. The
// shared part here creates each action's issue once (the row says `creating` durably before the create is
// sent; a create whose answer was lost is looked for by its marker before any second create), pushes the
// action's changes, reads every open linked issue back after downtime and turns webhooks into inbox events.
// What differs per tracker (its requests and answers) is the adapter's: github_worker, jira_worker.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <optional>
#include <string>

#include "bot/app/clock.hpp"
#include "bot/app/metrics.hpp"
#include "bot/net/http_server.hpp"
#include "bot/net/web_client.hpp"
#include "bot/trackers/tracker_http.hpp"
#include "chat/platform.hpp"
#include "commands/engine.hpp"

namespace hindsight::trackers {

// An issue as its tracker says it is, in the worker's terms.
struct tracked_issue {
    std::string issue;   // what the link keeps (GitHub: the number; Jira: the id)
    std::string url;     // the issue's page
    std::string state;   // open, done, wontdo
    std::string reason;  // why it was closed as wontdo ("not planned", a Jira resolution)
    std::vector<std::string> assignees;
    std::string version;  // changes whenever the issue does (its updated time)
};

// What a push must change on the issue.
struct update_plan {
    std::string status;    // open, done, wontdo: what the issue should say
    std::string assignee;  // the tracker user (the owner's, or the issue's own when the owner has none)
    bool state_changed = false;
    bool assignee_changed = false;
    bool body_changed = false;  // the owner or due date an issue hindsight wrote shows
};

class tracker_worker {
public:
    using workspace_list = std::function<std::vector<std::string>()>;
    struct identity {
        std::string name;     // "github": in links, events and metrics
        std::string display;  // "GitHub": in what people read
        std::chrono::milliseconds between_mutations;
        std::chrono::milliseconds between_reads;
    };
    // wake_outbox: a notice for a channel was queued.
    tracker_worker(boost::asio::io_context& io, const config::settings& cfg, bot::clock& time,
                   bot::metrics& stats, commands::engine& engine, chat::event_sink sink,
                   workspace_list workspaces, std::function<void()> wake_outbox, identity who);
    virtual ~tracker_worker() = default;

    virtual void add_routes(bot::http_server& server) = 0;
    boost::asio::awaitable<void> run();
    void stop();
    void wake();  // something may be due now (a new action, a change)
    const std::string& name() const { return who_.name; }

protected:
    struct lookup {
        std::optional<tracked_issue> found = {};
        bool complete = false;  // false: could not look everywhere (postponed: no second create on a guess)
        std::chrono::seconds retry_after{5};
    };
    struct created {
        tracker_verdict verdict;
        std::optional<tracked_issue> issue = {};
    };
    struct fetched {
        tracker_verdict verdict;
        std::optional<tracked_issue> issue = {};
    };

    // The adapter. Every request goes through call(); every answer through judge().
    virtual boost::asio::awaitable<bool> sign_in() = 0;  // once at start; false: stop (shutting down)
    virtual boost::asio::awaitable<lookup> find_created(const storage::tracker_link& link) = 0;
    virtual boost::asio::awaitable<created> send_create(const storage::tracker_link& link,
                                                        const domain::action_item& a) = 0;
    // May set plan.status to what the issue says after the update (a workflow that went elsewhere).
    virtual boost::asio::awaitable<tracker_verdict> send_update(const storage::tracker_link& link,
                                                                const domain::action_item& a,
                                                                update_plan& plan) = 0;
    virtual boost::asio::awaitable<fetched> fetch(const storage::tracker_link& link) = 0;
    virtual tracker_verdict judge_answer(const bot::web_response& response, int attempts,
                                         bool about_issue) = 0;
    virtual header_pairs request_headers() = 0;
    virtual std::string base_url() = 0;
    // After any answer: how long to hold every request (a quota used up), 0 for none.
    virtual std::chrono::seconds quota_pause(const header_pairs&) { return std::chrono::seconds{0}; }

    boost::asio::awaitable<bot::web_response> call(std::string method, std::string path, std::string body,
                                                   bool mutation);
    // GET path until the tracker answers, read by `read`: the account the credentials are (nullopt:
    // stopping).
    boost::asio::awaitable<std::optional<std::string>> who_am_i(
        std::string path, std::function<result<std::string>(std::string_view)> read);
    // The verdict's consequences that are the same for every request: a pause for every request after a
    // rate limit, the metrics, and a problem said once in the incident's channel.
    tracker_verdict judge(const bot::web_response& response, const storage::tracker_link& link,
                          bool about_issue);
    void say_problem(const storage::tracker_link& link, const std::string& problem);
    void count_problem();
    boost::asio::awaitable<void> pause(std::chrono::milliseconds how_long);
    void postpone(const storage::tracker_link& link, std::chrono::seconds after);
    std::int64_t now_epoch();
    // The webhook's side: a refusal counted and logged; the batch made durable before the answer.
    bot::http_response refuse_webhook(int status, std::string why);
    boost::asio::awaitable<bot::http_response> accept_webhook(std::vector<chat::inbound> batch,
                                                              const std::string& ignored);
    // A workspace for events that name no link (merged pull requests): the configured one, or the only one.
    std::string only_workspace(const std::string& configured);

    boost::asio::io_context& io_;
    const config::settings& cfg_;
    bot::clock& clock_;
    bot::metrics& metrics_;
    commands::engine& engine_;
    identity who_;
    bool stopping_ = false;

private:
    boost::asio::awaitable<void> reconcile();
    boost::asio::awaitable<void> step(const storage::tracker_link& link);
    boost::asio::awaitable<void> create(storage::tracker_link link);
    boost::asio::awaitable<void> push(const storage::tracker_link& link);
    boost::asio::awaitable<void> read_linked(const storage::tracker_link& link,
                                             const std::string& key_prefix);
    void postpone_orphan(const storage::tracker_link& link);
    std::chrono::seconds hold_repeated_creates(const storage::tracker_link& link);
    void announce_issue(const storage::tracker_link& link, const domain::action_item& a,
                        const std::string& url);

    chat::event_sink sink_;
    workspace_list workspaces_;
    std::function<void()> wake_outbox_;
    bot::web_client client_;
    boost::asio::steady_timer wait_;
    std::chrono::steady_clock::time_point held_until_{};     // every request waits (a rate limit)
    std::chrono::steady_clock::time_point next_mutation_{};  // pacing between mutating requests
    std::optional<domain::timestamp> next_reconcile_;
};

}  // namespace hindsight::trackers
