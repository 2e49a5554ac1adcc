#include "bot/slack_platform.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "domain/json_writer.hpp"
#include "slack/signature.hpp"
#include "slack/web_api.hpp"

namespace hindsight::bot {

namespace asio = boost::asio;

namespace {

// One place for the plain-text answers of the routes.
http_response plain_response(int status, std::string body) {
    return http_response{status, "text/plain; charset=utf-8", std::move(body)};
}

}  // namespace

slack_platform::slack_platform(asio::io_context& io, const config::settings& cfg, clock& time, metrics& stats)
    : io_(io),
      cfg_(cfg),
      clock_(time),
      metrics_(stats),
      client_(io, cfg.tls.ca_file, std::chrono::seconds{10}),
      stopped_(io) {
    metrics_.describe("hindsight_slack_api_calls_total", "Slack Web API calls by method and outcome");
    metrics_.describe("hindsight_slack_requests_total", "Signed Slack requests accepted, by path");
    metrics_.describe("hindsight_slack_rejected_total", "Slack requests refused, by reason");
    metrics_.describe("hindsight_slack_429_total", "Slack Web API answers of 429");
}

std::vector<std::pair<std::string, std::string>> slack_platform::workspaces() const {
    if (team_id_.empty()) return {};
    return {{team_id_, self_.user_id}};
}

asio::awaitable<std::optional<std::string>> slack_platform::connect() {
    web_request request;
    request.url = cfg_.slack.api_url + "auth.test";
    request.headers.emplace_back("Authorization", "Bearer " + cfg_.secret.slack_bot_token);
    request.content_type = "application/x-www-form-urlencoded";
    auto response = co_await client_.send(std::move(request));
    if (response.status == 0) co_return "cannot reach Slack: " + response.error;
    auto reply = slack::read_reply(response.status, response.body, response.header("retry-after"));
    if (reply.status != slack::api_reply::verdict::ok)
        co_return "auth.test: " + reply.error + " (" + reply.explanation + ")";
    auto info = slack::read_auth_test(response.body);
    if (!info) co_return std::string("auth.test answered without team_id or user_id");
    team_id_ = info->team_id;
    self_ = {info->user_id, info->bot_id};
    connected_ = true;
    co_return std::nullopt;
}

void slack_platform::add_routes(http_server& server) {
    server.route("POST", "/slack/events", [this](const http_request& r) { return on_events(r); });
    server.route("POST", "/slack/commands", [this](const http_request& r) { return on_command(r); });
}

asio::awaitable<void> slack_platform::run(chat::event_sink sink) {
    // Events arrive through the HTTP routes; this only holds the sink until the app stops.
    sink_ = std::move(sink);
    stopped_.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ignored;
    co_await stopped_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    sink_.reset();
}

void slack_platform::stop() {
    stopped_.cancel();
}

std::optional<http_response> slack_platform::refuse_unsigned(const http_request& request) {
    auto now = std::chrono::floor<std::chrono::seconds>(clock_.now());
    auto verdict =
        slack::verify_signature(cfg_.secret.slack_signing_secret, request.header("x-slack-request-timestamp"),
                                request.header("x-slack-signature"), request.body, now);
    if (verdict == slack::signature_verdict::valid) return std::nullopt;
    auto reason = std::string(slack::describe(verdict));
    metrics_.add("hindsight_slack_rejected_total", "reason=\"" + reason + "\"");
    spdlog::warn("refused a Slack request to {}: {}", request.path(), reason);
    return plain_response(401, "invalid signature\n");
}

asio::awaitable<http_response> slack_platform::on_events(http_request request) {
    if (auto refusal = refuse_unsigned(request)) co_return *refusal;
    auto decoded = slack::decode_events_api(request.body, self_);
    if (!decoded) {
        metrics_.add("hindsight_slack_rejected_total", "reason=\"malformed payload\"");
        co_return plain_response(400, "malformed payload\n");
    }
    metrics_.add("hindsight_slack_requests_total", "path=\"/slack/events\"");
    switch (decoded->what) {
        case slack::decoded_payload::kind::url_verification: {
            domain::json_writer json;
            json.begin_object().key("challenge").value(decoded->challenge).end_object();
            co_return http_response{200, std::string("application/json"), json.str()};
        }
        case slack::decoded_payload::kind::rate_limited:
            spdlog::error("{}", decoded->reason);
            co_return plain_response(200, "");
        case slack::decoded_payload::kind::ignored:
            spdlog::debug("ignored Slack event: {}", decoded->reason);
            co_return plain_response(200, "");
        case slack::decoded_payload::kind::event:
            break;
    }
    if (!sink_) co_return plain_response(503, "not ready\n");
    // Persist, then acknowledge: a failure to record answers 500 so that Slack delivers the event again.
    bool recorded = true;
    try {
        std::vector<chat::inbound> batch;  // not a braced list inside co_await: g++ 12 rejects that
        batch.push_back(std::move(*decoded->event));
        co_await sink_->accept(std::move(batch));
    } catch (const std::exception&) {
        recorded = false;
    }
    co_return recorded ? plain_response(200, "") : plain_response(500, "could not record the event\n");
}

asio::awaitable<http_response> slack_platform::on_command(http_request request) {
    if (auto refusal = refuse_unsigned(request)) co_return *refusal;
    auto fields = slack::parse_form(request.body);
    if (!fields) co_return plain_response(400, "malformed form\n");
    if (fields->count("ssl_check")) co_return plain_response(200, "");
    auto command = slack::decode_slash_command(*fields, cfg_.incidents.command, clock_.now());
    if (!command) co_return plain_response(200, command.failure().message);
    metrics_.add("hindsight_slack_requests_total", "path=\"/slack/commands\"");
    if (!sink_) co_return plain_response(503, "not ready\n");
    bool recorded = true;
    try {
        std::vector<chat::inbound> batch;
        batch.push_back(std::move(*command));
        co_await sink_->accept(std::move(batch));
    } catch (const std::exception&) {
        recorded = false;  // the author was told why through chat.postEphemeral
    }
    // An empty 200 acknowledges; the answer comes as a message through the outbox.
    co_return plain_response(200, recorded ? "" : "That could not be recorded.\n");
}

asio::awaitable<chat::call_result> slack_platform::call(std::string method, std::string json_body) {
    web_request request;
    request.url = cfg_.slack.api_url + method;
    request.headers.emplace_back("Authorization", "Bearer " + cfg_.secret.slack_bot_token);
    request.content_type = "application/json; charset=utf-8";
    request.body = std::move(json_body);
    auto response = co_await client_.send(std::move(request));
    auto reply = slack::read_reply(response.status, response.body, response.header("retry-after"));
    if (response.status == 429) metrics_.add("hindsight_slack_429_total");
    metrics_.add("hindsight_slack_api_calls_total",
                 "method=\"" + method + "\",outcome=\"" +
                     (reply.status == slack::api_reply::verdict::ok ? "ok" : reply.error) + "\"");
    switch (reply.status) {
        case slack::api_reply::verdict::ok:
            co_return chat::call_result::success(reply.ts);
        case slack::api_reply::verdict::retry:
            co_return chat::call_result{
                chat::call_result::outcome::retry, {}, method + ": " + reply.error, reply.retry_after};
        case slack::api_reply::verdict::rejected:
            break;
    }
    co_return chat::call_result{chat::call_result::outcome::rejected,
                                {},
                                method + ": " + reply.error + " (" + reply.explanation + ")",
                                {}};
}

asio::awaitable<web_response> slack_platform::get(std::string method_and_query) {
    web_request request;
    request.method = "GET";
    request.url = cfg_.slack.api_url + method_and_query;
    request.headers.emplace_back("Authorization", "Bearer " + cfg_.secret.slack_bot_token);
    co_return co_await client_.send(std::move(request));
}

asio::awaitable<chat::call_result> slack_platform::post(const std::string&, const chat::outgoing& m) {
    co_return co_await call("chat.postMessage",
                            slack::post_message_body(m.channel, slack::to_slack_text(m.text), ""));
}

asio::awaitable<chat::call_result> slack_platform::reply_in_thread(const std::string&,
                                                                   const chat::outgoing& m) {
    co_return co_await call("chat.postMessage",
                            slack::post_message_body(m.channel, slack::to_slack_text(m.text), m.thread_root));
}

asio::awaitable<chat::call_result> slack_platform::post_ephemeral(const std::string&,
                                                                  const chat::outgoing& m) {
    co_return co_await call(
        "chat.postEphemeral",
        slack::post_ephemeral_body(m.channel, m.user, slack::to_slack_text(m.text), m.thread_root));
}

asio::awaitable<chat::call_result> slack_platform::direct_message(const std::string&,
                                                                  const chat::outgoing& m) {
    // A user id as the channel posts in the bot's direct conversation with that person.
    co_return co_await call("chat.postMessage",
                            slack::post_message_body(m.user, slack::to_slack_text(m.text), ""));
}

asio::awaitable<chat::call_result> slack_platform::react(const std::string&, const chat::outgoing& m) {
    auto result = co_await call("reactions.add", slack::reaction_body(m.channel, m.message_id, m.emoji));
    if (!result.ok() && result.error.find("already_reacted") != std::string::npos)
        co_return chat::call_result::success();
    co_return result;
}

asio::awaitable<chat::call_result> slack_platform::upload_file(const std::string&, const chat::outgoing& m) {
    web_request ask;
    ask.url = cfg_.slack.api_url + "files.getUploadURLExternal";
    ask.headers.emplace_back("Authorization", "Bearer " + cfg_.secret.slack_bot_token);
    ask.content_type = "application/x-www-form-urlencoded";
    ask.body = slack::upload_url_form(m.file_name, m.text.size());
    auto asked = co_await client_.send(std::move(ask));
    auto reply = slack::read_reply(asked.status, asked.body, asked.header("retry-after"));
    if (reply.status != slack::api_reply::verdict::ok)
        co_return chat::call_result{reply.status == slack::api_reply::verdict::retry
                                        ? chat::call_result::outcome::retry
                                        : chat::call_result::outcome::rejected,
                                    {},
                                    "files.getUploadURLExternal: " + reply.error,
                                    reply.retry_after};
    auto target = slack::read_upload_url(asked.body);
    if (!target)
        co_return chat::call_result{
            chat::call_result::outcome::rejected, {}, "no upload_url in the reply", {}};
    web_request upload;
    upload.url = target->upload_url;
    upload.content_type = "text/markdown; charset=utf-8";
    upload.body = m.text;
    auto uploaded = co_await client_.send(std::move(upload));
    if (uploaded.status != 200)
        co_return chat::call_result{
            chat::call_result::outcome::retry,
            {},
            "upload: " + (uploaded.status ? "HTTP " + std::to_string(uploaded.status) : uploaded.error),
            {}};
    co_return co_await call(
        "files.completeUploadExternal",
        slack::complete_upload_body(target->file_id, m.file_name, m.channel, m.thread_root));
}

asio::awaitable<std::optional<chat::message_posted>> slack_platform::fetch_message(
    const std::string&, const std::string& channel, const std::string& message_id) {
    auto response = co_await get("conversations.history?channel=" + channel + "&latest=" + message_id +
                                 "&inclusive=true&limit=1");
    metrics_.add("hindsight_slack_api_calls_total",
                 "method=\"conversations.history\",outcome=\"" + std::to_string(response.status) + "\"");
    if (response.status != 200) co_return std::nullopt;
    co_return slack::read_history_message(response.body, channel, message_id);
}

asio::awaitable<std::optional<chat::user_info>> slack_platform::lookup_user(const std::string&,
                                                                            const std::string& user_id) {
    auto response = co_await get("users.info?user=" + user_id);
    if (response.status != 200) co_return std::nullopt;
    auto profile = slack::read_user_info(response.body);
    if (!profile) co_return std::nullopt;
    co_return chat::user_info{user_id, profile->display_name, profile->time_zone};
}

}  // namespace hindsight::bot
