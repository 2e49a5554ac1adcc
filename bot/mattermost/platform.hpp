#pragma once
// Mattermost as a chat platform: events over the WebSocket at /api/v4/websocket (Bearer header, so that a
// reconnect with connection_id + sequence_number replays what was missed), REST v4 for everything the bot
// says, and the slash command at POST /mattermost/command. Events are durable in the inbox before they are
// handled; when the server hands out a new connection_id (events were lost), or at start-up, the incident
// channels are read back through REST since the newest message seen there.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "bot/app/clock.hpp"
#include "bot/app/metrics.hpp"
#include "bot/common/channel_creation.hpp"
#include "bot/common/rate_pause.hpp"
#include "bot/mattermost/session.hpp"
#include "bot/mattermost/wire.hpp"
#include "bot/net/http_server.hpp"
#include "bot/net/web_client.hpp"
#include "bot/net/websocket.hpp"
#include "chat/platform.hpp"
#include "config/config.hpp"

namespace hindsight::bot {

class mattermost_platform final : public chat::platform {
public:
    mattermost_platform(boost::asio::io_context& io, const config::settings& cfg, clock& time,
                        metrics& stats);
    ~mattermost_platform() override;

    // users/me and the team: who the bot is and which team it serves. Returns the reason when that fails.
    boost::asio::awaitable<result<void>> connect() override;
    void add_routes(http_server& server) override;

    std::string name() const override { return "mattermost"; }
    std::vector<std::pair<std::string, std::string>> workspaces() const override;
    bool connected() const override { return connected_; }
    // Mattermost's own limiter (when an admin turns it on) allows 10 per second with bursts of 100 per client
    // address; a tenth of that per channel leaves room for everything else.
    std::optional<chat::pace> pacing() const override { return pace_; }
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
                                                                              const std::string& channel,
                                                                              const std::string& id) override;
    boost::asio::awaitable<std::optional<chat::user_info>> lookup_user(const std::string&,
                                                                       const std::string& user_id) override;
    boost::asio::awaitable<chat::history_page> read_history(const std::string& workspace,
                                                            const chat::history_request& request) override;
    // Mattermost's own rate limit, when an admin turns it on, is 10 requests a second per user by default:
    // five a second leaves room for everything else the bot does.
    std::chrono::milliseconds history_pace() const override { return std::chrono::milliseconds{200}; }

private:
    struct connection;
    struct api_answer {
        web_response response;
        mattermost::api_reply reply;
        bool sent = true;  // false: held back while the session waits out a 429
    };
    boost::asio::awaitable<api_answer> api(std::string method, std::string path, std::string body,
                                           std::string content_type = "application/json");
    chat::call_result as_call_result(const std::string& what, const api_answer& answer);
    // Every post the bot makes; the outbox key makes a retried create harmless (pending_post_id).
    struct post_request {
        std::string channel;
        std::string text;
        std::string root_id = {};
        std::vector<chat::button> buttons = {};
        std::string file_id = {};
    };
    boost::asio::awaitable<chat::call_result> create_post(const chat::sending& to, post_request post);
    boost::asio::awaitable<std::optional<mattermost::channel_info>> channel(const std::string& id);
    // By value: these run inside the shared channel-creation flow, across its co_awaits.
    boost::asio::awaitable<common::create_attempt> try_create(std::string name, bool is_private);
    boost::asio::awaitable<common::orphan_check> own_orphan(std::string name);
    boost::asio::awaitable<common::invite_attempt> invite(std::string channel, std::string user);
    websocket_options socket_options() const;
    boost::asio::awaitable<void> read_events(std::shared_ptr<connection> link);
    void on_hello(const mattermost::ws_frame& frame);
    boost::asio::awaitable<void> commit_events(std::shared_ptr<connection> link);
    boost::asio::awaitable<void> commit(std::vector<chat::inbound>& batch);
    boost::asio::awaitable<void> catch_up();
    boost::asio::awaitable<void> catch_up_channel(chat::channel_ref channel, std::int64_t since_ms);
    boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds delay);
    boost::asio::awaitable<http_response> on_command(http_request request);
    boost::asio::awaitable<http_response> on_action(http_request request);

    boost::asio::io_context& io_;
    const config::settings& cfg_;
    clock& clock_;
    metrics& metrics_;
    web_client client_;
    std::string self_, username_, team_id_;
    common::rate_pause paused_;
    // Channel names each create request (by its outbox key) has tried: only those can be its own lost create.
    std::map<std::string, std::vector<std::string>> names_tried_;
    bool connected_ = false;
    bool stopping_ = false;
    std::optional<chat::event_sink> sink_;
    std::shared_ptr<connection> current_;
    boost::asio::steady_timer backoff_timer_;
    mattermost::session session_;  // reliable reconnect: connection_id, the next seq, the backoff
    std::map<std::string, std::pair<std::chrono::steady_clock::time_point, mattermost::channel_info>>
        channels_;
    std::map<std::string, std::string> direct_channels_;  // user id → DM channel id
    bool ephemeral_forbidden_ = false;                    // 403 once: DMs from then on
    std::optional<chat::pace> pace_;
};

}  // namespace hindsight::bot
