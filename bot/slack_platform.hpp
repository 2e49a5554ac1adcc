#pragma once
// Slack as a chat platform over the Events API (HTTP): signed requests come in at /slack/events and
// /slack/commands, replies go out through the Web API. Socket Mode is not built yet.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <optional>
#include <string>

#include "bot/clock.hpp"
#include "bot/http_server.hpp"
#include "bot/metrics.hpp"
#include "bot/web_client.hpp"
#include "chat/platform.hpp"
#include "config/config.hpp"
#include "slack/events.hpp"

namespace hindsight::bot {

class slack_platform final : public chat::platform {
public:
    slack_platform(boost::asio::io_context& io, const config::settings& cfg, clock& time, metrics& stats);

    // auth.test: who the bot is and in which workspace. Returns the reason when the token is not accepted.
    boost::asio::awaitable<std::optional<std::string>> connect();
    void add_routes(http_server& server);

    std::string name() const override { return "slack"; }
    std::vector<std::pair<std::string, std::string>> workspaces() const override;
    bool connected() const override { return connected_; }
    std::optional<chat::pace> pacing() const override {
        return chat::pace{std::chrono::milliseconds{1000}, 3};
    }
    boost::asio::awaitable<void> run(chat::event_sink sink) override;
    void stop() override;

    boost::asio::awaitable<chat::call_result> post(const std::string&, const chat::outgoing&) override;
    boost::asio::awaitable<chat::call_result> reply_in_thread(const std::string&,
                                                              const chat::outgoing&) override;
    boost::asio::awaitable<chat::call_result> post_ephemeral(const std::string&,
                                                             const chat::outgoing&) override;
    boost::asio::awaitable<chat::call_result> direct_message(const std::string&,
                                                             const chat::outgoing&) override;
    boost::asio::awaitable<chat::call_result> react(const std::string&, const chat::outgoing&) override;
    boost::asio::awaitable<chat::call_result> upload_file(const std::string&, const chat::outgoing&) override;
    boost::asio::awaitable<std::optional<chat::message_posted>> fetch_message(const std::string&,
                                                                              const std::string&,
                                                                              const std::string&) override;
    boost::asio::awaitable<std::optional<chat::user_info>> lookup_user(const std::string&,
                                                                       const std::string& user_id) override;

private:
    boost::asio::awaitable<chat::call_result> call(std::string method, std::string json_body);
    boost::asio::awaitable<web_response> get(std::string method_and_query);
    boost::asio::awaitable<http_response> on_events(http_request request);
    boost::asio::awaitable<http_response> on_command(http_request request);
    // Checks the signature; on failure returns the 401 to send.
    std::optional<http_response> refuse_unsigned(const http_request& request);

    boost::asio::io_context& io_;
    const config::settings& cfg_;
    clock& clock_;
    metrics& metrics_;
    web_client client_;
    slack::bot_identity self_;
    std::string team_id_;
    bool connected_ = false;
    std::optional<chat::event_sink> sink_;
    boost::asio::steady_timer stopped_;
};

}  // namespace hindsight::bot
