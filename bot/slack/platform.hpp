#pragma once
// Slack as a chat platform. Events come in over Socket Mode (the default: a WebSocket the bot opens, no
// public URL) or the Events API (signed requests at /slack/events and /slack/commands); replies go out
// through the Web API. Either way an event is acknowledged only once it is durable in the inbox.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/app/clock.hpp"
#include "bot/app/metrics.hpp"
#include "bot/common/channel_creation.hpp"
#include "bot/common/rate_pause.hpp"
#include "bot/net/http_server.hpp"
#include "bot/net/web_client.hpp"
#include "bot/slack/events.hpp"
#include "bot/slack/history.hpp"
#include "bot/slack/socket_mode.hpp"
#include "bot/slack/socket_session.hpp"
#include "bot/slack/web_api.hpp"
#include "chat/platform.hpp"
#include "config/config.hpp"

namespace hindsight::bot {

class slack_platform final : public chat::platform {
public:
    slack_platform(boost::asio::io_context& io, const config::settings& cfg, clock& time, metrics& stats);

    // auth.test: who the bot is and in which workspace. Returns the reason when the token is not accepted.
    boost::asio::awaitable<result<void>> connect() override;
    void add_routes(http_server& server) override;

    std::string name() const override { return "slack"; }
    std::vector<std::pair<std::string, std::string>> workspaces() const override;
    bool connected() const override { return connected_; }
    // About one post per second per channel with short bursts (Slack's documented tolerance). Benchmarks
    // against the fake lift it with set_pacing.
    std::optional<chat::pace> pacing() const override { return pace_; }
    void set_pacing(std::optional<chat::pace> pace) { pace_ = pace; }
    boost::asio::awaitable<void> run(chat::event_sink sink) override;
    void stop() override;

    boost::asio::awaitable<chat::call_result> send(const chat::sending&, const chat::channel_post&) override;
    boost::asio::awaitable<chat::call_result> send(const chat::sending&, const chat::thread_reply&) override;
    boost::asio::awaitable<chat::call_result> send(const chat::sending&,
                                                   const chat::ephemeral_note&) override;
    boost::asio::awaitable<chat::call_result> send(const chat::sending&,
                                                   const chat::direct_message&) override;
    boost::asio::awaitable<chat::call_result> send(const chat::sending&, const chat::reaction&) override;
    boost::asio::awaitable<chat::call_result> send(const chat::sending&, const chat::file_upload&) override;
    boost::asio::awaitable<chat::call_result> send(const chat::sending&, const chat::message_edit&) override;
    boost::asio::awaitable<chat::call_result> send(const chat::sending&,
                                                   const chat::channel_request&) override;
    boost::asio::awaitable<std::optional<chat::message_posted>> fetch_message(const std::string&,
                                                                              const std::string&,
                                                                              const std::string&) override;
    boost::asio::awaitable<std::optional<chat::user_info>> lookup_user(const std::string&,
                                                                       const std::string& user_id) override;
    boost::asio::awaitable<chat::history_page> read_history(const std::string& workspace,
                                                            const chat::history_request& request) override;
    // conversations.history and .replies are Tier 3 (50+ a minute) for an app installed in its own
    // workspace, as hindsight is: one request every 1.2 s stays inside it.
    std::chrono::milliseconds history_pace() const override { return std::chrono::milliseconds{1200}; }

private:
    struct socket_link;
    boost::asio::awaitable<void> run_socket_mode();
    // A connection that has said hello; refused: retrying cannot help (a revoked token, an uninstalled app).
    boost::asio::awaitable<result<std::shared_ptr<socket_link>>> open_socket();
    void adopt(std::shared_ptr<socket_link> link);
    void on_disconnect_frame(socket_link& link, const std::string& reason);
    boost::asio::awaitable<void> read_link(std::shared_ptr<socket_link> link);
    boost::asio::awaitable<void> commit_link(std::shared_ptr<socket_link> link);
    struct socket_pending;
    boost::asio::awaitable<socket_pending> read_envelope(slack::socket_frame frame);
    boost::asio::awaitable<std::optional<chat::inbound>> read_interaction(std::string payload);
    boost::asio::awaitable<void> commit(socket_link& link, std::vector<socket_pending>& batch);
    void ack(socket_link& link, const std::string& envelope_id, const std::string& answer = {});
    void wake_supervisor();
    boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds delay);

    // How long calls of this method still wait after a 429 (nullopt: not paused).
    std::optional<std::chrono::milliseconds> paused(const std::string& method);
    boost::asio::awaitable<slack::api_reply> exchange(std::string method, std::string json_body);
    boost::asio::awaitable<chat::call_result> call(std::string method, std::string json_body);
    static chat::call_result as_result(const std::string& method, const slack::api_reply& reply);
    boost::asio::awaitable<void> open_form(slack::form_request form);
    // By value: these run inside the shared channel-creation flow, across its co_awaits.
    boost::asio::awaitable<common::create_attempt> try_create(std::string name, bool is_private);
    boost::asio::awaitable<common::orphan_check> own_orphan(std::string name, bool is_private);
    boost::asio::awaitable<common::invite_attempt> invite(std::string channel, std::string user);
    void add_permalink(chat::inbound& event) const;
    boost::asio::awaitable<void> learn_privacy(chat::inbound& event);
    boost::asio::awaitable<web_response> get(std::string method_and_query);
    boost::asio::awaitable<http_response> on_events(http_request request);
    boost::asio::awaitable<http_response> on_command(http_request request);
    boost::asio::awaitable<http_response> on_interaction(http_request request);
    // Checks the signature; on failure returns the 401 to send.
    std::optional<http_response> refuse_unsigned(const http_request& request);

    boost::asio::io_context& io_;
    const config::settings& cfg_;
    clock& clock_;
    metrics& metrics_;
    web_client client_;
    web_client lookups_;  // conversations.info before an ack: a short timeout
    slack::bot_identity self_;
    std::string team_id_;
    std::string workspace_url_;  // from auth.test, for permalinks
    common::rate_pause paused_;  // by Web API method: Slack limits each on its own
    // Channel names each create request (by its outbox key) has tried: only those can be its own lost create.
    std::map<std::string, std::vector<std::string>> names_tried_;
    std::map<std::string, std::pair<slack::conversation_kind, std::chrono::steady_clock::time_point>>
        conversations_;
    bool connected_ = false;
    std::optional<chat::event_sink> sink_;
    boost::asio::steady_timer stopped_;
    // Socket Mode: the open connections (two during a handover), and what the supervisor should do next.
    std::vector<std::shared_ptr<socket_link>> links_;
    boost::asio::steady_timer supervisor_wake_;
    slack::socket_session session_;
    bool stopping_ = false;
    int next_link_id_ = 1;
    std::optional<chat::pace> pace_ = chat::pace{std::chrono::milliseconds{1000}, 3};
};

}  // namespace hindsight::bot
