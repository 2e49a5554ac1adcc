#pragma once
// Keeps GitHub issues and action items in step (SPEC §10), one request at a time: the one writer for the
// repository, so GitHub's limits (a second between mutations, its secondary limits, Retry-After) are kept
// in one place. Creates each action's issue once (a create whose answer was lost is looked up by its marker
// in the repository's issue list before any second create), pushes the action's changes, reads every open
// linked issue back after downtime, and takes GitHub's webhooks (POST /trackers/github).
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
#include "bot/trackers/github.hpp"
#include "chat/platform.hpp"
#include "commands/engine.hpp"

namespace hindsight::trackers {

class github_worker {
public:
    using workspace_list = std::function<std::vector<std::string>()>;
    // wake_outbox: a notice for a channel was queued (a problem that needs a human).
    github_worker(boost::asio::io_context& io, const config::settings& cfg, bot::clock& time,
                  bot::metrics& stats, commands::engine& engine, chat::event_sink sink,
                  workspace_list workspaces, std::function<void()> wake_outbox);

    void add_routes(bot::http_server& server);
    boost::asio::awaitable<void> run();
    void stop();
    void wake();  // something may be due now (a new action, a change)

private:
    boost::asio::awaitable<bot::web_response> call(std::string method, std::string path, std::string body,
                                                   bool mutation);
    boost::asio::awaitable<bool> learn_login();
    boost::asio::awaitable<void> reconcile();
    boost::asio::awaitable<void> step(const storage::tracker_link& link);
    boost::asio::awaitable<void> create(storage::tracker_link link);
    boost::asio::awaitable<std::optional<github_issue>> look_for_created(const storage::tracker_link& link,
                                                                         bool& complete);
    boost::asio::awaitable<void> push(const storage::tracker_link& link);
    boost::asio::awaitable<void> read_linked(const storage::tracker_link& link,
                                             const std::string& key_prefix);
    boost::asio::awaitable<void> pause(std::chrono::milliseconds how_long);
    boost::asio::awaitable<bot::http_response> on_webhook(const bot::http_request& request);

    // The verdict's consequences that are the same for every request: a pause for every request after a
    // rate limit, the metrics, and a problem said once in the incident's channel.
    github_verdict judge(const bot::web_response& response, const storage::tracker_link& link,
                         bool about_issue);
    void say_problem(const storage::tracker_link& link, const std::string& problem);
    void postpone_orphan(const storage::tracker_link& link);
    void announce_issue(const storage::tracker_link& link, const domain::action_item& a,
                        const std::string& url);
    std::optional<issue_content> content_for(const storage::tracker_link& link, const domain::action_item& a);
    std::string workspace_for_mentions();
    std::string repo_path() const;

    boost::asio::io_context& io_;
    const config::settings& cfg_;
    bot::clock& clock_;
    bot::metrics& metrics_;
    commands::engine& engine_;
    chat::event_sink sink_;
    workspace_list workspaces_;
    std::function<void()> wake_outbox_;
    bot::web_client client_;
    boost::asio::steady_timer wait_;
    std::string login_;
    bool stopping_ = false;
    std::chrono::steady_clock::time_point held_until_{};     // every request waits (a rate limit)
    std::chrono::steady_clock::time_point next_mutation_{};  // a second between mutating requests
    std::optional<domain::timestamp> next_reconcile_;
};

}  // namespace hindsight::trackers
