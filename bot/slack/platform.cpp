#include "bot/slack/platform.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>

#include "bot/app/group_commit.hpp"
#include "bot/common/channel_creation.hpp"
#include "bot/net/websocket.hpp"
#include "bot/slack/signature.hpp"
#include "bot/slack/socket_mode.hpp"
#include "bot/slack/web_api.hpp"
#include "domain/form.hpp"
#include "domain/json_writer.hpp"

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
      lookups_(io, cfg.tls.ca_file, std::chrono::milliseconds{1500}),
      stopped_(io),
      supervisor_wake_(io) {
    if (!cfg.slack.pacing) pace_.reset();
    metrics_.describe("hindsight_slack_api_calls_total", "Slack Web API calls by method and outcome");
    metrics_.describe("hindsight_slack_requests_total", "Signed Slack requests accepted, by path");
    metrics_.describe("hindsight_slack_rejected_total", "Slack requests refused, by reason");
    metrics_.describe("hindsight_slack_429_total", "Slack Web API answers of 429");
    metrics_.describe("hindsight_slack_envelopes_total", "Socket Mode envelopes received, by type");
    metrics_.describe("hindsight_slack_acks_total", "Socket Mode envelopes acknowledged");
    metrics_.describe("hindsight_slack_redeliveries_total", "Socket Mode envelopes with retry_attempt > 0");
    metrics_.describe("hindsight_slack_disconnects_total", "Socket Mode disconnect messages, by reason");
    metrics_.describe("hindsight_slack_connections_total", "Socket Mode connections opened");
    metrics_.describe("hindsight_slack_connection_failures_total",
                      "Socket Mode connection attempts that failed");
}

std::vector<std::pair<std::string, std::string>> slack_platform::workspaces() const {
    if (team_id_.empty()) return {};
    return {{team_id_, self_.user_id}};
}

asio::awaitable<result<void>> slack_platform::connect() {
    web_request request;
    request.url = cfg_.slack.api_url + "auth.test";
    request.headers.emplace_back("Authorization", "Bearer " + cfg_.secret.slack_bot_token);
    request.content_type = "application/x-www-form-urlencoded";
    auto response = co_await client_.send(std::move(request));
    if (response.status == 0)
        co_return make_error(errc::unavailable, "cannot reach Slack: " + response.error);
    auto reply = slack::read_reply(response.status, response.body, response.header("retry-after"));
    if (reply.status != slack::api_reply::verdict::ok)
        co_return make_error(
            reply.status == slack::api_reply::verdict::rejected ? errc::refused : errc::unavailable,
            "auth.test: " + reply.error + " (" + reply.explanation + ")");
    auto info = slack::read_auth_test(response.body);
    if (!info) co_return make_error(errc::unavailable, "auth.test answered without team_id or user_id");
    team_id_ = info->team_id;
    self_ = {info->user_id, info->bot_id};
    workspace_url_ = info->url;
    connected_ = true;
    co_return result<void>{};
}

void slack_platform::add_routes(http_server& server) {
    server.route("POST", "/slack/events", [this](const http_request& r) { return on_events(r); });
    server.route("POST", "/slack/commands", [this](const http_request& r) { return on_command(r); });
    server.route("POST", "/slack/interactive", [this](const http_request& r) { return on_interaction(r); });
}

// One WebSocket connection. Its reader decodes frames into `batch`; its committer makes each batch durable in
// one transaction and only then acks the envelopes in it, so a burst costs a few commits, not one per event,
// and nothing is acked that a crash could lose.
struct slack_platform::socket_pending {
    std::string envelope_id;
    std::optional<chat::inbound> event;
    std::string answer;  // for a slash command that could not be read: said in the ack
};

struct slack_platform::socket_link {
    explicit socket_link(asio::io_context& io) : commits(io) {}
    int id = 0;
    std::shared_ptr<websocket> socket;
    group_commit<socket_pending> commits;
};

asio::awaitable<void> slack_platform::run(chat::event_sink sink) {
    sink_ = std::move(sink);
    if (cfg_.slack.mode == config::slack_mode::socket) {
        co_await run_socket_mode();
    } else {
        // Events arrive through the HTTP routes; this only holds the sink until the app stops.
        stopped_.expires_at(asio::steady_timer::time_point::max());
        boost::system::error_code ignored;
        co_await stopped_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
}

void slack_platform::stop() {
    stopping_ = true;
    session_.stop();
    stopped_.cancel();
    supervisor_wake_.cancel();
    for (auto& link : links_) link->socket->close();
}

// ---- Socket Mode
// -------------------------------------------------------------------------------------------

namespace {

asio::awaitable<void> wait_on(asio::steady_timer& timer) {
    timer.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

}  // namespace

void slack_platform::wake_supervisor() {
    supervisor_wake_.cancel();
}

asio::awaitable<void> slack_platform::sleep_for(std::chrono::milliseconds delay) {
    supervisor_wake_.expires_after(delay);
    boost::system::error_code ignored;
    co_await supervisor_wake_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

asio::awaitable<void> slack_platform::run_socket_mode() {
    for (;;) {
        auto step = session_.next(std::chrono::steady_clock::now());
        if (step.what == slack::socket_session::step::kind::stop) break;
        if (step.what == slack::socket_session::step::kind::wait) {
            co_await wait_on(supervisor_wake_);
            continue;
        }
        if (step.what == slack::socket_session::step::kind::sleep) {
            spdlog::info("Slack Socket Mode: connecting in {} ms", step.delay.count());
            co_await sleep_for(step.delay);
            continue;
        }
        auto opened = co_await open_socket();
        if (stopping_) {
            if (opened) (*opened)->socket->close();
            break;
        }
        if (!opened) {
            metrics_.add("hindsight_slack_connection_failures_total");
            const auto& failure = opened.failure();
            session_.open_failed(std::chrono::steady_clock::now(), failure.code == errc::refused,
                                 failure.retry_after);
            if (session_.disabled())
                spdlog::error("Slack Socket Mode stopped: {}", failure.message);
            else
                spdlog::warn("Slack Socket Mode: {}", failure.message);
            continue;
        }
        adopt(*opened);
    }
    connected_ = false;
    for (auto& link : links_) link->socket->close();
}

void slack_platform::adopt(std::shared_ptr<socket_link> link) {
    metrics_.add("hindsight_slack_connections_total");
    // Make before break: the old connections close only now that the new one has said hello.
    for (int replaced : session_.opened(link->id, std::chrono::steady_clock::now()))
        for (auto& old : links_)
            if (old->id == replaced) old->socket->close();
    links_.push_back(link);
    connected_ = true;
    asio::co_spawn(io_, read_link(link), [](std::exception_ptr failure) {
        if (failure) spdlog::error("Slack Socket Mode reader failed");
    });
    asio::co_spawn(io_, commit_link(link), [](std::exception_ptr failure) {
        if (failure) spdlog::error("Slack Socket Mode committer failed");
    });
}

asio::awaitable<result<std::shared_ptr<slack_platform::socket_link>>> slack_platform::open_socket() {
    web_request request;
    request.url = cfg_.slack.api_url + "apps.connections.open";
    // The app-level token, and only in the header (Slack refuses it as a parameter).
    request.headers.emplace_back("Authorization", "Bearer " + cfg_.secret.slack_app_token);
    request.content_type = "application/x-www-form-urlencoded";
    auto response = co_await client_.send(std::move(request));
    auto reply = slack::read_reply(response.status, response.body, response.header("retry-after"));
    if (response.status == 429) metrics_.add("hindsight_slack_429_total");
    metrics_.add("hindsight_slack_api_calls_total",
                 "method=\"apps.connections.open\",outcome=\"" +
                     (reply.status == slack::api_reply::verdict::ok ? "ok" : reply.error) + "\"");
    if (reply.status != slack::api_reply::verdict::ok) {
        bool token_refused = reply.error == "invalid_auth" || reply.error == "not_authed";
        bool give_up = reply.status == slack::api_reply::verdict::rejected &&
                       slack::unrecoverable_open_error(reply.error);
        co_return error{
            give_up ? errc::refused : errc::unavailable,
            "apps.connections.open: " + reply.error +
                (token_refused
                     ? " (the app-level token is not accepted: check SLACK_APP_TOKEN, an xapp- token "
                       "with connections:write)"
                 : reply.explanation.empty() ? ""
                                             : " (" + reply.explanation + ")"),
            reply.retry_after};
    }
    auto url = slack::read_connections_open(response.body);
    if (!url) co_return make_error(errc::unavailable, "apps.connections.open answered without a url");
    websocket_options options;
    options.extra_ca_file = cfg_.tls.ca_file;
    std::string why;
    auto socket = co_await websocket::open(io_, *url, options, &why);
    if (!socket) co_return make_error(errc::unavailable, "connecting to Slack's WebSocket: " + why);
    // Connected means hello received; anything else first is a broken connection.
    auto first = co_await socket->read();
    if (!first)
        co_return make_error(errc::unavailable, "the WebSocket closed before hello: " + socket->end_reason());
    auto hello = slack::read_socket_frame(*first);
    if (hello.what != slack::socket_frame::kind::hello) {
        socket->drop();
        co_return make_error(errc::unavailable, "the WebSocket did not start with hello");
    }
    auto link = std::make_shared<socket_link>(io_);
    link->id = next_link_id_++;
    link->socket = std::move(socket);
    spdlog::info("Slack Socket Mode connection {} open ({} open for this app)", link->id,
                 hello.num_connections);
    co_return link;
}

void slack_platform::ack(socket_link& link, const std::string& envelope_id, const std::string& answer) {
    // On the connection it came from while that still sends; else on the newest that does (Slack accepts
    // either).
    websocket* target = link.socket->accepts_sends() ? link.socket.get() : nullptr;
    for (auto it = links_.rbegin(); !target && it != links_.rend(); ++it)
        if ((*it)->socket->accepts_sends()) target = (*it)->socket.get();
    if (!target) return;  // unacked: Slack delivers it again, and the inbox drops the duplicate
    target->send(slack::ack_frame(envelope_id, answer));
    metrics_.add("hindsight_slack_acks_total");
}

asio::awaitable<void> slack_platform::read_link(std::shared_ptr<socket_link> link) {
    while (auto text = co_await link->socket->read()) {
        auto frame = slack::read_socket_frame(*text, self_);
        switch (frame.what) {
            case slack::socket_frame::kind::hello:
                continue;
            case slack::socket_frame::kind::disconnect:
                on_disconnect_frame(*link, frame.reason);
                continue;
            case slack::socket_frame::kind::unknown:
                metrics_.add("hindsight_slack_rejected_total", "reason=\"unknown frame\"");
                spdlog::debug("ignored a Socket Mode frame: {}", frame.reason);
                continue;
            case slack::socket_frame::kind::malformed:
                metrics_.add("hindsight_slack_rejected_total", "reason=\"malformed payload\"");
                spdlog::warn("malformed Socket Mode frame: {}", frame.reason);
                // Acked, so Slack stops resending what we can never read.
                if (!frame.envelope_id.empty()) ack(*link, frame.envelope_id);
                continue;
            case slack::socket_frame::kind::envelope:
                break;
        }
        auto item = co_await read_envelope(std::move(frame));
        co_await link->commits.push(std::move(item));
    }
    spdlog::info("Slack Socket Mode connection {} ended: {}", link->id, link->socket->end_reason());
    link->commits.finish();
    std::erase(links_, link);
    session_.closed(link->id, std::chrono::steady_clock::now());
    connected_ = session_.connected();
    wake_supervisor();
}

void slack_platform::on_disconnect_frame(socket_link& link, const std::string& reason) {
    metrics_.add("hindsight_slack_disconnects_total", "reason=\"" + reason + "\"");
    spdlog::info("Slack asked connection {} to disconnect: {}", link.id, reason);
    if (session_.disconnected(link.id, reason) == slack::socket_session::link_action::close)
        link.socket->close();
    if (session_.disabled())
        spdlog::error(
            "Slack disabled Socket Mode for this app (link_disabled): hindsight no longer receives Slack "
            "events. Turn Socket Mode back on in the app's settings and restart, or set slack.mode = "
            "\"http\".");
    wake_supervisor();
}

// An envelope into what the committer makes durable and then acks: an event, or for a slash command that
// could not be read, the answer said in the ack. Anything else is acked with nothing recorded.
asio::awaitable<slack_platform::socket_pending> slack_platform::read_envelope(slack::socket_frame frame) {
    metrics_.add("hindsight_slack_envelopes_total", "type=\"" + frame.type + "\"");
    if (frame.retry_attempt > 0) metrics_.add("hindsight_slack_redeliveries_total");
    socket_pending item{frame.envelope_id, std::nullopt, {}};
    if (frame.type == "events_api") {
        auto& decoded = *frame.event;
        if (!decoded)
            metrics_.add("hindsight_slack_rejected_total", "reason=\"malformed payload\"");
        else if (decoded->what == slack::decoded_payload::kind::event) {
            item.event = std::move(decoded->event);
            add_permalink(*item.event);
        } else if (decoded->what == slack::decoded_payload::kind::rate_limited)
            spdlog::error("{}", decoded->reason);
    } else if (frame.type == "slash_commands") {
        auto command =
            slack::decode_socket_slash_command(frame.payload, cfg_.incidents.command, clock_.now());
        if (command) {
            item.event = std::move(*command);
            co_await learn_privacy(*item.event);  // channel_name says little about private channels
        } else {
            item.answer = command.failure().message;
        }
    } else if (frame.type == "interactive") {
        item.event = co_await read_interaction(frame.payload);
    } else {
        spdlog::debug("ignored a Socket Mode envelope of type {}", frame.type);
    }
    co_return item;
}

asio::awaitable<std::optional<chat::inbound>> slack_platform::read_interaction(std::string payload) {
    auto decoded = slack::decode_interaction(payload, clock_.now());
    if (!decoded) {
        metrics_.add("hindsight_slack_rejected_total", "reason=\"malformed payload\"");
        co_return std::nullopt;
    }
    if (decoded->what == slack::decoded_payload::kind::open_form) {
        // Now, not after the next commit: Slack honours the trigger for 3 s only.
        asio::co_spawn(io_, open_form(std::move(*decoded->form)), [](std::exception_ptr failure) {
            if (failure) spdlog::error("Slack views.open failed unexpectedly");
        });
        co_return std::nullopt;
    }
    if (decoded->what != slack::decoded_payload::kind::event) co_return std::nullopt;
    auto event = std::move(decoded->event);
    co_await learn_privacy(*event);
    co_return event;
}

asio::awaitable<void> slack_platform::commit_link(std::shared_ptr<socket_link> link) {
    // A plain lambda returning the member coroutine, held in a named local: g++ 12 destroys temporaries in a
    // co_await expression twice.
    std::function<asio::awaitable<void>(std::vector<socket_pending>&)> commit_batch =
        [this, raw = link.get()](std::vector<socket_pending>& batch) { return commit(*raw, batch); };
    co_await link->commits.run(std::move(commit_batch));
}

asio::awaitable<void> slack_platform::commit(socket_link& link, std::vector<socket_pending>& batch) {
    std::vector<chat::inbound> events;
    for (auto& item : batch)
        if (item.event) events.push_back(std::move(*item.event));
    if (!events.empty()) {
        bool durable = true;
        try {
            co_await sink_->accept(std::move(events));
        } catch (const std::exception& failure) {
            durable = false;
            spdlog::error("could not record {} Slack events (not acked; Slack delivers them again): {}",
                          batch.size(), failure.what());
        }
        if (!durable) co_return;
    }
    for (const auto& item : batch) ack(link, item.envelope_id, item.answer);
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
        case slack::decoded_payload::kind::open_form:  // only interactions open forms
            spdlog::debug("ignored Slack event: {}", decoded->reason);
            co_return plain_response(200, "");
        case slack::decoded_payload::kind::event:
            break;
    }
    if (!sink_) co_return plain_response(503, "not ready\n");
    add_permalink(*decoded->event);
    // Persist, then acknowledge: a failure to record answers 500 so that Slack delivers the event again.
    bool recorded = co_await chat::record_one(*sink_, *decoded->event);
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
    co_await learn_privacy(*command);
    bool recorded = co_await chat::record_one(*sink_, *command);
    // An empty 200 acknowledges; the answer comes as a message through the outbox.
    co_return plain_response(200, recorded ? "" : "That could not be recorded.\n");
}

asio::awaitable<http_response> slack_platform::on_interaction(http_request request) {
    if (auto refusal = refuse_unsigned(request)) co_return *refusal;
    auto fields = slack::parse_form(request.body);
    if (!fields || !fields->count("payload")) co_return plain_response(400, "malformed form\n");
    auto decoded = slack::decode_interaction(fields->at("payload"), clock_.now());
    if (!decoded) {
        metrics_.add("hindsight_slack_rejected_total", "reason=\"malformed payload\"");
        co_return plain_response(400, "malformed payload\n");
    }
    metrics_.add("hindsight_slack_requests_total", "path=\"/slack/interactive\"");
    if (decoded->what == slack::decoded_payload::kind::open_form) {
        co_await open_form(std::move(*decoded->form));
        co_return plain_response(200, "");
    }
    if (decoded->what != slack::decoded_payload::kind::event) co_return plain_response(200, "");
    if (!sink_) co_return plain_response(503, "not ready\n");
    co_await learn_privacy(*decoded->event);
    bool recorded = co_await chat::record_one(*sink_, *decoded->event);
    co_return recorded ? plain_response(200, "") : plain_response(500, "could not record the action\n");
}

std::optional<std::chrono::milliseconds> slack_platform::paused(const std::string& method) {
    return paused_.remaining(method, std::chrono::steady_clock::now());
}

asio::awaitable<slack::api_reply> slack_platform::exchange(std::string method, std::string json_body) {
    if (auto wait = paused(method)) {
        slack::api_reply waiting;
        waiting.status = slack::api_reply::verdict::retry;
        waiting.error = "ratelimited";
        waiting.explanation = slack::explain_error("ratelimited");
        waiting.retry_after = *wait;
        co_return waiting;
    }
    web_request request;
    request.url = cfg_.slack.api_url + method;
    request.headers.emplace_back("Authorization", "Bearer " + cfg_.secret.slack_bot_token);
    request.content_type = "application/json; charset=utf-8";
    request.body = std::move(json_body);
    auto response = co_await client_.send(std::move(request));
    auto reply = slack::read_reply(response.status, response.body, response.header("retry-after"));
    if (response.status == 429) {
        // Slack limits per method: every call of this one waits out the Retry-After, not just this message.
        metrics_.add("hindsight_slack_429_total");
        paused_.pause(method, std::chrono::steady_clock::now(), reply.retry_after);
    }
    metrics_.add("hindsight_slack_api_calls_total",
                 "method=\"" + method + "\",outcome=\"" +
                     (reply.status == slack::api_reply::verdict::ok ? "ok" : reply.error) + "\"");
    co_return reply;
}

asio::awaitable<chat::call_result> slack_platform::call(std::string method, std::string json_body) {
    if (auto wait = paused(method))
        co_return chat::call_result{
            chat::call_result::outcome::deferred, {}, method + ": waiting out a 429", *wait};
    auto reply = co_await exchange(method, std::move(json_body));
    co_return as_result(method, reply);
}

chat::call_result slack_platform::as_result(const std::string& method, const slack::api_reply& reply) {
    switch (reply.status) {
        case slack::api_reply::verdict::ok:
            return chat::call_result::success(reply.ts);
        case slack::api_reply::verdict::retry:
            return chat::call_result{
                chat::call_result::outcome::retry, {}, method + ": " + reply.error, reply.retry_after};
        case slack::api_reply::verdict::rejected:
            break;
    }
    return chat::call_result{chat::call_result::outcome::rejected,
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

asio::awaitable<chat::call_result> slack_platform::send(const chat::sending&, const chat::channel_post& m) {
    co_return co_await call("chat.postMessage",
                            slack::post_message_body(m.channel, slack::to_slack_text(m.text), "", m.buttons));
}

asio::awaitable<chat::call_result> slack_platform::send(const chat::sending&, const chat::thread_reply& m) {
    co_return co_await call(
        "chat.postMessage",
        slack::post_message_body(m.channel, slack::to_slack_text(m.text), m.thread_root, m.buttons));
}

asio::awaitable<chat::call_result> slack_platform::send(const chat::sending&, const chat::ephemeral_note& m) {
    co_return co_await call(
        "chat.postEphemeral",
        slack::post_ephemeral_body(m.channel, m.user, slack::to_slack_text(m.text), m.thread_root));
}

asio::awaitable<chat::call_result> slack_platform::send(const chat::sending&, const chat::direct_message& m) {
    // A user id as the channel posts in the bot's direct conversation with that person.
    co_return co_await call("chat.postMessage",
                            slack::post_message_body(m.user, slack::to_slack_text(m.text), "", m.buttons));
}

asio::awaitable<chat::call_result> slack_platform::send(const chat::sending&, const chat::message_edit& m) {
    co_return co_await call(
        "chat.update",
        slack::update_message_body(m.channel, m.message_id, slack::to_slack_text(m.text), m.buttons));
}

asio::awaitable<chat::call_result> slack_platform::send(const chat::sending& to,
                                                        const chat::channel_request& m) {
    if (auto wait = paused("conversations.create"))
        co_return chat::call_result{
            chat::call_result::outcome::deferred, {}, "conversations.create: waiting out a 429", *wait};
    // Plain lambdas returning the member coroutines: a coroutine lambda's captures would die with it.
    common::channel_calls calls;
    calls.what = "conversations.create";
    calls.create = [this, &m](const std::string& name) { return try_create(name, m.is_private); };
    calls.own_orphan = [this, &m](const std::string& name) { return own_orphan(name, m.is_private); };
    calls.invite = [this, &m](const std::string& channel) { return invite(channel, m.invite_user); };
    auto result =
        co_await common::create_channel_flow(io_, m, self_.user_id, names_tried_[to.idempotency_key], calls);
    if (result.ok()) names_tried_.erase(to.idempotency_key);
    co_return result;
}

asio::awaitable<common::create_attempt> slack_platform::try_create(std::string name, bool is_private) {
    auto created = co_await exchange("conversations.create", slack::create_channel_body(name, is_private));
    if (created.error == "name_taken") co_return common::create_attempt{common::create_attempt::kind::taken};
    if (created.status != slack::api_reply::verdict::ok)
        co_return common::create_attempt{
            common::create_attempt::kind::failed, {}, as_result("conversations.create", created)};
    if (created.channel_id.empty())
        co_return common::create_attempt{
            common::create_attempt::kind::failed,
            {},
            {chat::call_result::outcome::rejected, {}, "conversations.create: no channel in the reply"}};
    co_return common::create_attempt{common::create_attempt::kind::created, created.channel_id};
}

asio::awaitable<common::invite_attempt> slack_platform::invite(std::string channel, std::string user) {
    auto invited = co_await exchange("conversations.invite", slack::invite_body(channel, user));
    if (invited.status == slack::api_reply::verdict::ok || invited.error == "already_in_channel")
        co_return common::invite_attempt{common::invite_attempt::kind::done};
    if (invited.status == slack::api_reply::verdict::retry)
        co_return common::invite_attempt{common::invite_attempt::kind::retry, invited.retry_after};
    co_return common::invite_attempt{
        common::invite_attempt::kind::failed, {}, invited.error + ": " + invited.explanation};
}

asio::awaitable<common::orphan_check> slack_platform::own_orphan(std::string name, bool is_private) {
    // The channel this very request made earlier (its answer was lost): named so, made by the bot minutes
    // ago, of the kind asked for, with nobody else in it. A lookup that fails is "unknown": the create is
    // retried later rather than leaving the first channel behind.
    auto not_before =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count() - 600;
    std::string cursor;
    for (int page = 0; page < 5; ++page) {
        auto query = std::string("users.conversations?types=") +
                     (is_private ? "private_channel" : "public_channel") +
                     "&exclude_archived=true&limit=200" +
                     (cursor.empty() ? std::string() : "&cursor=" + domain::percent_encode(cursor));
        auto listed = co_await get(query);
        if (listed.status != 200) co_return common::orphan_check{true, {}};
        auto id = slack::read_own_channel(listed.body, name, self_.user_id, not_before, cursor);
        if (id) {
            auto members_query = "conversations.members?channel=" + *id + "&limit=10";
            auto members = co_await get(members_query);
            auto list = members.status == 200 ? slack::read_members(members.body) : std::nullopt;
            if (!list) co_return common::orphan_check{true, {}};
            if (list->size() == 1 && list->front() == self_.user_id)
                co_return common::orphan_check{false, id};
            co_return common::orphan_check{};
        }
        if (cursor.empty()) break;
    }
    co_return common::orphan_check{};
}

void slack_platform::add_permalink(chat::inbound& event) const {
    auto* posted = std::get_if<chat::message_posted>(&event.payload);
    if (!posted || !posted->permalink.empty()) return;
    posted->permalink =
        slack::permalink(workspace_url_, posted->channel.id, posted->message_id, posted->thread_root);
}

asio::awaitable<void> slack_platform::learn_privacy(chat::inbound& event) {
    // Clicks, modal submissions and slash commands do not say reliably what kind of channel they came from;
    // conversations.info does (cached for a minute, asked with a short timeout: this runs before the ack).
    // Without an answer the channel counts as private.
    auto* invoked = std::get_if<chat::command_invoked>(&event.payload);
    if (!invoked || invoked->channel.is_direct) co_return;
    auto now = std::chrono::steady_clock::now();
    auto known = conversations_.find(invoked->channel.id);
    if (known == conversations_.end() || now - known->second.second > std::chrono::minutes{1}) {
        web_request request;
        request.method = "GET";
        request.url = cfg_.slack.api_url + "conversations.info?channel=" + invoked->channel.id;
        request.headers.emplace_back("Authorization", "Bearer " + cfg_.secret.slack_bot_token);
        auto response = co_await lookups_.send(std::move(request));
        auto kind = response.status == 200 ? slack::read_conversation_info(response.body) : std::nullopt;
        metrics_.add(
            "hindsight_slack_api_calls_total",
            std::string("method=\"conversations.info\",outcome=\"") + (kind ? "ok" : "failed") + "\"");
        if (!kind) {
            invoked->channel.is_private = true;
            co_return;
        }
        if (conversations_.size() > 10000) conversations_.clear();
        known = conversations_.insert_or_assign(invoked->channel.id, std::make_pair(*kind, now)).first;
    }
    invoked->channel.is_private = known->second.first.is_private;
    invoked->channel.is_direct = known->second.first.is_direct;
}

asio::awaitable<void> slack_platform::open_form(slack::form_request form) {
    auto body = slack::open_form_body(form);
    auto opened = co_await exchange("views.open", std::move(body));
    if (opened.status != slack::api_reply::verdict::ok)
        spdlog::warn("Slack: could not open the form for `{}`: {} ({})", form.command, opened.error,
                     opened.explanation);
}

asio::awaitable<chat::call_result> slack_platform::send(const chat::sending&, const chat::reaction& m) {
    auto result = co_await call(m.remove ? "reactions.remove" : "reactions.add",
                                slack::reaction_body(m.channel, m.message_id, m.emoji));
    // Already there, or already gone (someone removed the bot's ✅ by hand): what was asked for holds.
    if (!result.ok() &&
        (result.error.find(m.remove ? "no_reaction" : "already_reacted") != std::string::npos))
        co_return chat::call_result::success();
    co_return result;
}

asio::awaitable<chat::call_result> slack_platform::send(const chat::sending&, const chat::file_upload& m) {
    web_request ask;
    ask.url = cfg_.slack.api_url + "files.getUploadURLExternal";
    ask.headers.emplace_back("Authorization", "Bearer " + cfg_.secret.slack_bot_token);
    ask.content_type = "application/x-www-form-urlencoded";
    ask.body = slack::upload_url_form(m.file_name, m.content.size());
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
    upload.body = m.content;
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
    // A top-level message is in the channel's history; a thread reply is not, but conversations.replies takes
    // the reply's own ts and returns its thread.
    for (const char* method : {"conversations.history", "conversations.replies"}) {
        auto query = std::string(method) == "conversations.history"
                         ? "?channel=" + channel + "&latest=" + message_id + "&inclusive=true&limit=1"
                         : "?channel=" + channel + "&ts=" + message_id + "&limit=200";
        auto response = co_await get(method + query);
        metrics_.add("hindsight_slack_api_calls_total", "method=\"" + std::string(method) + "\",outcome=\"" +
                                                            std::to_string(response.status) + "\"");
        if (response.status != 200) continue;
        auto found = slack::read_history_message(response.body, channel, message_id);
        if (!found) continue;
        // Not seen live: ask Slack for the canonical link (one more call, for this rare message only).
        auto link_query = "chat.getPermalink?channel=" + channel + "&message_ts=" + message_id;
        auto link = co_await get(link_query);
        metrics_.add("hindsight_slack_api_calls_total",
                     "method=\"chat.getPermalink\",outcome=\"" + std::to_string(link.status) + "\"");
        auto canonical = link.status == 200 ? slack::read_permalink(link.body) : std::nullopt;
        found->permalink =
            canonical.value_or(slack::permalink(workspace_url_, channel, message_id, found->thread_root));
        co_return found;
    }
    co_return std::nullopt;
}

asio::awaitable<chat::history_page> slack_platform::read_history(const std::string& workspace,
                                                                 const chat::history_request& request) {
    chat::history_page page;
    auto position = slack::decode_position(request.cursor);
    if (!position) {
        page.problem = {chat::call_result::outcome::rejected, {}, "the import's place was lost", {}};
        co_return page;
    }
    auto query = slack::next_history_request(*position, request.channel, request.since);
    auto method = query.substr(0, query.find('?'));
    auto response = co_await get(query);
    auto reply = slack::read_reply(response.status, response.body, response.header("retry-after"));
    metrics_.add("hindsight_slack_api_calls_total",
                 "method=\"" + method + "\",outcome=\"" + (reply.error.empty() ? "ok" : reply.error) + "\"");
    if (method == "conversations.replies" && reply.error == "thread_not_found") {
        page.next_cursor = slack::encode_position(slack::skip_thread(*position));  // deleted since
        co_return page;
    }
    if (reply.status != slack::api_reply::verdict::ok) {
        bool retry = reply.status == slack::api_reply::verdict::retry;
        page.problem = {retry ? chat::call_result::outcome::retry : chat::call_result::outcome::rejected,
                        {},
                        "Slack's " + method + " answered " + reply.error + " (" + reply.explanation + ")",
                        reply.retry_after};
        page.rate_limited = response.status == 429;
        co_return page;
    }
    auto answer = slack::read_history_answer(response.body, *position, request.channel, workspace, self_,
                                             workspace_url_);
    if (!answer) {
        page.problem = {chat::call_result::outcome::retry, {}, answer.failure().message, {}};
        co_return page;
    }
    page.events = std::move(answer->events);
    page.next_cursor = slack::encode_position(answer->next);
    co_return page;
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
