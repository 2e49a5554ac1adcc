#pragma once
// Jira as the tracker of action items (SPEC §10, protocols/alerts-and-trackers.md §6), Cloud or Data Center:
// the requests and answers of its REST API (Retry-After on 429), workflow transitions chosen by status
// category, the lookup of a create whose answer was lost (JQL by the marker label, once Jira's index has
// caught up), and its admin webhooks (POST /trackers/jira, X-Hub-Signature, deduplicated by
// X-Atlassian-Webhook-Identifier).
#include "bot/trackers/jira.hpp"
#include "bot/trackers/tracker_worker.hpp"

namespace hindsight::trackers {

class jira_worker final : public tracker_worker {
public:
    jira_worker(boost::asio::io_context& io, const config::settings& cfg, bot::clock& time,
                bot::metrics& stats, commands::engine& engine, chat::event_sink sink,
                workspace_list workspaces, std::function<void()> wake_outbox);
    void add_routes(bot::http_server& server) override;

private:
    boost::asio::awaitable<bool> sign_in() override;
    boost::asio::awaitable<lookup> find_created(const storage::tracker_link& link) override;
    boost::asio::awaitable<created> send_create(const storage::tracker_link& link,
                                                const domain::action_item& a) override;
    boost::asio::awaitable<tracker_verdict> send_update(const storage::tracker_link& link,
                                                        const domain::action_item& a,
                                                        update_plan& plan) override;
    boost::asio::awaitable<fetched> fetch(const storage::tracker_link& link) override;
    tracker_verdict judge_answer(const bot::web_response& response, int attempts, bool about_issue) override;
    header_pairs request_headers() override;
    std::string base_url() override;

    boost::asio::awaitable<tracker_verdict> send_transition(const storage::tracker_link& link,
                                                            std::string& status);
    boost::asio::awaitable<std::string> state_now(const storage::tracker_link& link,
                                                  tracker_verdict& verdict);
    boost::asio::awaitable<bot::http_response> on_webhook(const bot::http_request& request);
    std::optional<jira_content> content_for(const storage::tracker_link& link, const domain::action_item& a);
    tracked_issue tracked(const jira_issue& issue) const;
    void due_refused(const storage::tracker_link& link);

    const config::jira_tracker_settings& jira_;
    bool with_due_ = true;  // false once Jira said duedate is not on the project's screens
    std::string account_;   // the account hindsight acts as (GET myself)
};

}  // namespace hindsight::trackers
