#pragma once
// GitHub Issues as the tracker of action items (SPEC §10, protocols/alerts-and-trackers.md §5): the requests
// and answers of the REST API (a second between mutations, GitHub's secondary limits), the lookup of a create
// whose answer was lost (the repository's issue list by the bot's login, never search, which lags), and its
// webhooks (POST /trackers/github, X-Hub-Signature-256, deduplicated by X-GitHub-Delivery).
#include "bot/trackers/github.hpp"
#include "bot/trackers/tracker_worker.hpp"

namespace hindsight::trackers {

class github_worker final : public tracker_worker {
public:
    github_worker(boost::asio::io_context& io, const config::settings& cfg, bot::clock& time,
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
    std::chrono::seconds quota_pause(const header_pairs& headers) override;

    boost::asio::awaitable<bot::http_response> on_webhook(const bot::http_request& request);
    std::optional<issue_content> content_for(const storage::tracker_link& link, const domain::action_item& a);
    std::string repo_path() const;

    std::string login_;
};

}  // namespace hindsight::trackers
