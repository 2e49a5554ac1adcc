#pragma once
// The alert receivers (SPEC §9): POST /alerts/alertmanager, /alerts/grafana, /alerts/pagerduty and
// /alerts/webhook. Each checks its sender's token or signature, decodes the payload, routes every alert, and
// answers 2xx only once the alerts are durable in the inbox, like a chat event. The status codes steer the
// senders' retries: 400/401/403 for what a retry cannot fix, 503 for what it can (storage, no chat yet).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bot/alerts/payloads.hpp"
#include "bot/alerts/routing.hpp"
#include "bot/app/clock.hpp"
#include "bot/app/group_commit.hpp"
#include "bot/app/metrics.hpp"
#include "bot/net/http_server.hpp"
#include "chat/platform.hpp"

namespace hindsight::alerts {

class alert_receiver {
public:
    // The workspaces connected now: a route without `workspace` goes to the only one.
    using workspace_list = std::function<std::vector<std::string>()>;
    // chat_expected: a chat platform is configured, so "no workspace yet" is worth a retry (503).
    alert_receiver(boost::asio::io_context& io, const config::settings& cfg, bot::clock& time,
                   bot::metrics& stats, chat::event_sink sink, workspace_list workspaces, bool chat_expected);

    void add_routes(bot::http_server& server);
    // Commits the deliveries that arrive together in one transaction (one fsync for an Alertmanager storm of
    // group notifications, so chat acks do not queue behind hundreds of commits).
    boost::asio::awaitable<void> run();

    // Routed inbound events for decoded alerts; errc::unavailable when a routed alert's workspace is not
    // connected yet (the sender retries).
    result<std::vector<chat::inbound>> route_all(const std::vector<domain::alert>& alerts,
                                                 const std::string& delivery_id, domain::timestamp now);

private:
    boost::asio::awaitable<bot::http_response> on_alertmanager(const bot::http_request& request);
    boost::asio::awaitable<bot::http_response> on_grafana(const bot::http_request& request);
    boost::asio::awaitable<bot::http_response> on_pagerduty(const bot::http_request& request);
    boost::asio::awaitable<bot::http_response> on_webhook(const bot::http_request& request);
    boost::asio::awaitable<bot::http_response> receive(std::string source, result<decoded_alerts> decoded,
                                                       std::string delivery_id);
    static boost::asio::awaitable<bot::http_response> ready(bot::http_response response);
    bot::http_response refuse(const std::string& source, const error& why);
    struct delivery;
    boost::asio::awaitable<void> commit(std::vector<delivery>& batch);
    // Waits until the group commit has made these events durable; the failure's text, or "".
    boost::asio::awaitable<std::string> store(std::vector<chat::inbound> events);

    struct delivery {
        std::vector<chat::inbound> events;
        struct outcome {
            explicit outcome(boost::asio::io_context& io) : wake(io) {}
            bool done = false;
            std::string failure;
            boost::asio::steady_timer wake;
        };
        std::shared_ptr<outcome> result;
    };
    std::string workspace_for(const std::string& configured);

    const config::settings& cfg_;
    bot::clock& clock_;
    bot::metrics& metrics_;
    chat::event_sink sink_;
    workspace_list workspaces_;
    bool chat_expected_;
    alert_router router_;
    boost::asio::io_context& io_;
    bot::group_commit<delivery> commits_;
};

}  // namespace hindsight::alerts
