#include "bot/mattermost/platform.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "bot/app/group_commit.hpp"
#include "bot/common/channel_creation.hpp"
#include "bot/common/signing.hpp"
#include "domain/form.hpp"

namespace hindsight::bot {

namespace asio = boost::asio;

namespace {

http_response json_response(int status, std::string body) {
    return http_response{status, "application/json", std::move(body)};
}

std::string websocket_url(const std::string& server) {
    if (server.starts_with("https://")) return "wss://" + server.substr(8) + "/api/v4/websocket";
    if (server.starts_with("http://")) return "ws://" + server.substr(7) + "/api/v4/websocket";
    return server + "/api/v4/websocket";
}

}  // namespace

struct mattermost_platform::connection {
    explicit connection(asio::io_context& io) : commits(io) {}
    std::shared_ptr<websocket> socket;
    group_commit<chat::inbound> commits;
};

mattermost_platform::mattermost_platform(asio::io_context& io, const config::settings& cfg, clock& time,
                                         metrics& stats)
    : io_(io),
      cfg_(cfg),
      clock_(time),
      metrics_(stats),
      client_(io, cfg.tls.ca_file, std::chrono::seconds{10}),
      backoff_timer_(io) {
    if (cfg.mattermost.pacing) pace_ = chat::pace{std::chrono::milliseconds{100}, 10};
    metrics_.describe("hindsight_mattermost_api_calls_total", "Mattermost REST calls by method and outcome");
    metrics_.describe("hindsight_mattermost_events_total", "Mattermost WebSocket events received, by type");
    metrics_.describe("hindsight_mattermost_reconnects_total", "Mattermost WebSocket reconnects, by outcome");
    metrics_.describe("hindsight_mattermost_sequence_gaps_total",
                      "Mattermost events missing from the sequence");
    metrics_.describe("hindsight_mattermost_catch_up_posts_total",
                      "Posts read back through REST after a loss");
    metrics_.describe("hindsight_mattermost_rejected_total",
                      "Mattermost requests and frames refused, by reason");
    metrics_.describe("hindsight_mattermost_429_total", "Mattermost REST answers of 429");
}

mattermost_platform::~mattermost_platform() = default;

std::vector<std::pair<std::string, std::string>> mattermost_platform::workspaces() const {
    if (team_id_.empty()) return {};
    return {{team_id_, self_}};
}

asio::awaitable<mattermost_platform::api_answer> mattermost_platform::api(std::string method,
                                                                          std::string path, std::string body,
                                                                          std::string content_type) {
    // Mattermost limits the whole session (one scope): after a 429 every call waits out X-RateLimit-Reset.
    if (auto pause = paused_.remaining("", std::chrono::steady_clock::now()); pause && method == "GET") {
        // A read cannot be put off like a post (a mark waits for it, a catch-up needs it): it waits out the
        // pause here, at most a minute.
        asio::steady_timer wait(io_);  // one per caller: concurrent waits must not cancel each other
        wait.expires_after(std::min<std::chrono::milliseconds>(*pause, std::chrono::minutes{1}));
        boost::system::error_code ignored;
        co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    if (auto pause = paused_.remaining("", std::chrono::steady_clock::now())) {
        api_answer waiting;
        waiting.sent = false;
        waiting.reply.status = mattermost::api_reply::verdict::retry;
        waiting.reply.error = "rate limited";
        waiting.reply.retry_after = *pause;
        co_return waiting;
    }
    web_request request;
    request.method = method;
    request.url = cfg_.secret.mattermost_url + "/api/v4" + path;
    request.headers.emplace_back("Authorization", "Bearer " + cfg_.secret.mattermost_token);
    if (!body.empty()) request.content_type = std::move(content_type);
    request.body = std::move(body);
    api_answer answer;
    answer.response = co_await client_.send(std::move(request));
    answer.reply = mattermost::read_reply(answer.response.status, answer.response.body,
                                          answer.response.header("retry-after"),
                                          answer.response.header("x-ratelimit-reset"));
    if (answer.response.status == 429) {
        metrics_.add("hindsight_mattermost_429_total");
        paused_.pause("", std::chrono::steady_clock::now(), answer.reply.retry_after);
    }
    // The path without ids, so the counter's labels stay few.
    auto route = path.substr(0, path.find('?'));
    std::string shape;
    for (std::size_t start = 1; start <= route.size();) {
        auto end = route.find('/', start);
        auto part = route.substr(start, end == std::string::npos ? std::string::npos : end - start);
        shape += "/" + (part.size() == 26 ? std::string("{id}") : part);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    metrics_.add("hindsight_mattermost_api_calls_total",
                 "method=\"" + method + " " + shape + "\",outcome=\"" +
                     (answer.reply.status == mattermost::api_reply::verdict::ok ? "ok" : answer.reply.error) +
                     "\"");
    co_return answer;
}

chat::call_result mattermost_platform::as_call_result(const std::string& what, const api_answer& answer) {
    using verdict = mattermost::api_reply::verdict;
    if (!answer.sent)
        return chat::call_result{
            chat::call_result::outcome::deferred, {}, what + ": waiting out a 429", answer.reply.retry_after};
    switch (answer.reply.status) {
        case verdict::ok:
            return chat::call_result::success(mattermost::read_id(answer.response.body).value_or(""));
        case verdict::retry:
            return chat::call_result{chat::call_result::outcome::retry,
                                     {},
                                     what + ": " + answer.reply.error,
                                     answer.reply.retry_after};
        case verdict::rejected:
            break;
    }
    return chat::call_result{
        chat::call_result::outcome::rejected,
        {},
        what + ": " + answer.reply.error +
            (answer.reply.explanation.empty() ? "" : " (" + answer.reply.explanation + ")"),
        {}};
}

asio::awaitable<result<void>> mattermost_platform::connect() {
    auto me = co_await api("GET", "/users/me", "");
    if (me.response.status == 0)
        co_return make_error(errc::unavailable, "cannot reach Mattermost: " + me.response.error);
    if (me.reply.status != mattermost::api_reply::verdict::ok)
        co_return make_error(
            me.reply.status == mattermost::api_reply::verdict::rejected ? errc::refused : errc::unavailable,
            "users/me: " + me.reply.error + " (" + me.reply.explanation + ")");
    auto who = mattermost::read_me(me.response.body);
    if (!who) co_return make_error(errc::unavailable, "users/me answered without an id");
    self_ = who->user_id;
    username_ = who->username;
    std::optional<std::string> team;
    if (!cfg_.mattermost.team.empty()) {
        auto found = co_await api("GET", "/teams/name/" + cfg_.mattermost.team, "");
        if (found.reply.status != mattermost::api_reply::verdict::ok)
            co_return make_error(errc::refused, "team '" + cfg_.mattermost.team + "': " + found.reply.error +
                                                    " (is the bot a member of it? check mattermost.team)");
        team = mattermost::read_id(found.response.body);
    } else {
        auto teams = co_await api("GET", "/users/me/teams", "");
        if (teams.reply.status == mattermost::api_reply::verdict::ok)
            team = mattermost::read_first_id(teams.response.body);
        if (!team)
            co_return make_error(errc::refused,
                                 "the bot is in no team: add it to one, or set mattermost.team");
    }
    if (!team) co_return make_error(errc::unavailable, "the team answered without an id");
    team_id_ = *team;
    co_return result<void>{};
}

void mattermost_platform::add_routes(http_server& server) {
    server.route("POST", "/mattermost/command", [this](const http_request& r) { return on_command(r); });
    server.route("POST", "/mattermost/actions", [this](const http_request& r) { return on_action(r); });
}

// ---- Events
// ------------------------------------------------------------------------------------------------

asio::awaitable<void> mattermost_platform::run(chat::event_sink sink) {
    sink_ = std::move(sink);
    while (!stopping_) {
        if (auto delay = session_.delay_before_connect(); delay.count() > 0) {
            spdlog::info("Mattermost: reconnecting in {} ms", delay.count());
            backoff_timer_.expires_after(delay);
            boost::system::error_code ignored;
            co_await backoff_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
            if (stopping_) break;
        }
        std::string why;
        auto socket = co_await websocket::open(
            io_, websocket_url(cfg_.secret.mattermost_url) + session_.resume_query(), socket_options(), &why);
        if (!socket) {
            session_.connect_failed();
            spdlog::warn("Mattermost WebSocket: {}", why);
            continue;
        }
        auto link = std::make_shared<connection>(io_);
        link->socket = socket;
        current_ = link;
        connected_ = true;
        session_.opened(std::chrono::steady_clock::now());
        asio::co_spawn(io_, commit_events(link), [](std::exception_ptr failure) {
            if (failure) spdlog::error("Mattermost committer failed");
        });
        co_await read_events(link);
        connected_ = false;
        current_.reset();
        if (stopping_) break;
        session_.closed(std::chrono::steady_clock::now());
        spdlog::info("Mattermost WebSocket ended: {}", socket->end_reason());
    }
}

websocket_options mattermost_platform::socket_options() const {
    websocket_options options;
    options.extra_ca_file = cfg_.tls.ca_file;
    options.headers.emplace_back("Authorization", "Bearer " + cfg_.secret.mattermost_token);
    // The server pings every 60 s and drops a client after 100 s without a pong; Beast answers its pings
    // while a read is pending, and pings itself after 45 s of silence.
    options.idle_timeout = std::chrono::seconds{90};
    options.max_message_bytes = 16 << 20;  // a post's props can be large; only our frames are limited
    return options;
}

void mattermost_platform::stop() {
    stopping_ = true;
    backoff_timer_.cancel();
    if (current_) current_->socket->close();
}

asio::awaitable<void> mattermost_platform::read_events(std::shared_ptr<connection> link) {
    while (auto text = co_await link->socket->read()) {
        auto frame = mattermost::read_ws_frame(*text, team_id_, self_);
        switch (frame.what) {
            case mattermost::ws_frame::kind::malformed:
                metrics_.add("hindsight_mattermost_rejected_total", "reason=\"malformed frame\"");
                spdlog::warn("malformed Mattermost frame: {}", frame.ignored_because);
                continue;
            case mattermost::ws_frame::kind::response:
                continue;
            case mattermost::ws_frame::kind::hello:
                on_hello(frame);
                continue;
            case mattermost::ws_frame::kind::event:
                break;
        }
        auto step = session_.event(frame.seq);
        if (step == mattermost::session::event_step::replay) continue;
        if (step == mattermost::session::event_step::reconnect) {
            metrics_.add("hindsight_mattermost_sequence_gaps_total");
            spdlog::warn("Mattermost sequence gap: expected {}, got {}; reconnecting",
                         session_.expected_seq(), frame.seq);
            link->socket->drop();
            break;
        }
        metrics_.add("hindsight_mattermost_events_total", "type=\"" + frame.event_type + "\"");
        if (!frame.decoded) {
            spdlog::debug("ignored Mattermost event: {}", frame.ignored_because);
            continue;
        }
        co_await link->commits.push(std::move(*frame.decoded));
    }
    link->commits.finish();
}

void mattermost_platform::on_hello(const mattermost::ws_frame& frame) {
    auto step = session_.hello(frame.connection_id, frame.seq);
    metrics_.add("hindsight_mattermost_reconnects_total",
                 "outcome=\"" + std::string(mattermost::describe(step.kind)) + "\"");
    if (step.kind == mattermost::session::hello_kind::new_connection)
        spdlog::warn("Mattermost gave a new connection: events may have been lost; catching up");
    if (step.catch_up)
        asio::co_spawn(io_, catch_up(), [](std::exception_ptr failure) {
            if (failure) spdlog::error("Mattermost catch-up failed");
        });
}

asio::awaitable<void> mattermost_platform::commit_events(std::shared_ptr<connection> link) {
    // A named function object: g++ 12 destroys temporaries in a co_await expression twice.
    std::function<asio::awaitable<void>(std::vector<chat::inbound>&)> commit_batch =
        [this](std::vector<chat::inbound>& batch) { return commit(batch); };
    co_await link->commits.run(std::move(commit_batch));
}

asio::awaitable<void> mattermost_platform::commit(std::vector<chat::inbound>& batch) {
    try {
        co_await sink_->accept(std::move(batch));
    } catch (const std::exception& failure) {
        // Mattermost has no acks to withhold: reconnecting makes the server replay from the sequence we
        // expect, or hand out a new connection and so a catch-up through REST.
        spdlog::error("could not record Mattermost events: {}; reconnecting to get them again",
                      failure.what());
        session_.commit_failed();
        if (current_) current_->socket->drop();
    }
}

asio::awaitable<void> mattermost_platform::catch_up() {
    // The overlap with what is recorded already is deduplicated by the inbox.
    auto points = sink_->resume_points ? sink_->resume_points(team_id_) : std::vector<chat::resume_point>{};
    for (const auto& [channel_id, since] : points) {
        auto info = co_await channel(channel_id);
        chat::channel_ref ref;
        ref.id = channel_id;
        ref.is_private = info ? info->is_private() : true;
        ref.is_direct = info && info->type == "D";
        co_await catch_up_channel(ref, domain::to_millis(since));
    }
}

asio::awaitable<void> mattermost_platform::sleep_for(std::chrono::milliseconds delay) {
    asio::steady_timer wait(io_);  // one per caller: concurrent waits must not cancel each other
    wait.expires_after(delay);
    boost::system::error_code ignored;
    co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

// `?since=` answers at most 1000 posts: past that, pages from the newest until one reaches before `since`.
asio::awaitable<void> mattermost_platform::catch_up_channel(chat::channel_ref ref, std::int64_t since) {
    std::string cursor;
    int retries = 0;
    for (int step = 0; step < 1000; ++step) {
        if (step > 0) co_await sleep_for(history_pace());
        auto answer = co_await api("GET", mattermost::history_request_path(ref.id, cursor, since), "");
        if (answer.reply.status == mattermost::api_reply::verdict::retry && ++retries <= 5) {
            // A 429 or a server hiccup: the same page again after the pause, a few times.
            co_await sleep_for(std::max(answer.reply.retry_after, std::chrono::milliseconds{1000}));
            continue;
        }
        if (answer.reply.status != mattermost::api_reply::verdict::ok) {
            spdlog::warn("could not catch up on channel {}: {}", ref.id, answer.reply.error);
            co_return;
        }
        retries = 0;
        auto next = mattermost::next_history_cursor(answer.response.body, cursor, since);
        auto events = mattermost::read_posts_since(answer.response.body, ref, team_id_, self_, nullptr);
        if (!events.empty()) {
            metrics_.add("hindsight_mattermost_catch_up_posts_total", {}, events.size());
            spdlog::info("caught up {} events in channel {}", events.size(), ref.id);
            try {
                co_await sink_->accept(std::move(events));
            } catch (const std::exception& failure) {
                spdlog::error("could not record the catch-up of channel {}: {}", ref.id, failure.what());
                co_return;
            }
        }
        if (!next || next->empty()) co_return;
        cursor = *next;
    }
}

asio::awaitable<chat::history_page> mattermost_platform::read_history(const std::string&,
                                                                      const chat::history_request& request) {
    chat::history_page page;
    auto info = co_await channel(request.channel);
    chat::channel_ref ref{request.channel, info ? info->is_private() : true, info && info->type == "D"};
    auto since = domain::to_millis(request.since);
    auto answer =
        co_await api("GET", mattermost::history_request_path(request.channel, request.cursor, since), "");
    if (answer.reply.status != mattermost::api_reply::verdict::ok) {
        bool retry = answer.reply.status == mattermost::api_reply::verdict::retry;
        page.problem = {retry ? chat::call_result::outcome::retry : chat::call_result::outcome::rejected,
                        {},
                        "Mattermost answered " + answer.reply.error +
                            (answer.reply.explanation.empty() ? "" : " (" + answer.reply.explanation + ")"),
                        answer.reply.retry_after};
        page.rate_limited = answer.response.status == 429 || !answer.sent;
        co_return page;
    }
    auto next = mattermost::next_history_cursor(answer.response.body, request.cursor, since);
    if (!next) {
        page.problem = {chat::call_result::outcome::retry, {}, "Mattermost's answer is no post list", {}};
        co_return page;
    }
    page.events = mattermost::read_posts_since(answer.response.body, ref, team_id_, self_, nullptr, since);
    page.next_cursor = *next;
    co_return page;
}

asio::awaitable<std::optional<mattermost::channel_info>> mattermost_platform::channel(const std::string& id) {
    // Kept a minute: a channel an admin makes private must not stay public here for long.
    auto now = std::chrono::steady_clock::now();
    if (auto found = channels_.find(id);
        found != channels_.end() && now - found->second.first < std::chrono::minutes{1})
        co_return found->second.second;
    auto answer = co_await api("GET", "/channels/" + id, "");
    if (answer.reply.status != mattermost::api_reply::verdict::ok) co_return std::nullopt;
    auto info = mattermost::read_channel(answer.response.body);
    if (info) channels_[id] = {now, *info};
    co_return info;
}

// ---- Slash command
// -----------------------------------------------------------------------------------------

asio::awaitable<http_response> mattermost_platform::on_command(http_request request) {
    auto fields = domain::parse_form(request.body);
    auto token = mattermost::command_token_from_header(request.header("authorization"));
    if (token.empty() && fields) {
        auto field = fields->find("token");
        if (field != fields->end()) token = field->second;
    }
    if (!common::matches_secret(cfg_.secret.mattermost_command_token, token)) {
        metrics_.add("hindsight_mattermost_rejected_total", "reason=\"wrong command token\"");
        spdlog::warn("refused a Mattermost slash command: wrong or missing token");
        co_return http_response{401, "text/plain; charset=utf-8", "invalid token\n"};
    }
    if (!fields) co_return http_response{400, "text/plain; charset=utf-8", "malformed form\n"};
    auto command = mattermost::decode_slash_command(*fields, cfg_.incidents.command, clock_.now());
    if (!command) co_return json_response(200, mattermost::command_response(command.failure().message));
    if (!sink_) co_return http_response{503, "text/plain; charset=utf-8", "not ready\n"};
    auto& invoked = std::get<chat::command_invoked>(command->payload);
    // The form does not say whether the channel is private; its type does. Unknown counts as private, so
    // nothing of the incident shows outside its channel.
    auto info = co_await channel(invoked.channel.id);
    invoked.channel.is_private = info ? info->is_private() : true;
    invoked.channel.is_direct = info ? info->type == "D" : invoked.channel.is_direct;
    command->workspace = team_id_;
    bool recorded = co_await chat::record_one(*sink_, *command);
    // {} acknowledges silently; the answer comes as the bot's own post through the outbox.
    co_return json_response(200, mattermost::command_response(recorded ? "" : "That could not be recorded."));
}

asio::awaitable<http_response> mattermost_platform::on_action(http_request request) {
    auto action = mattermost::decode_action(request.body, cfg_.secret.mattermost_token, clock_.now());
    if (!action) {
        bool forged = action.failure().code == errc::forbidden;
        metrics_.add("hindsight_mattermost_rejected_total",
                     forged ? "reason=\"forged action\"" : "reason=\"malformed action\"");
        spdlog::warn("refused a Mattermost action: {}", action.failure().message);
        co_return http_response{forged ? 403 : 400, "text/plain; charset=utf-8",
                                forged ? "forged action\n" : "malformed action\n"};
    }
    if (action->dialog) {
        // An hour to type the answer; the nonce makes the submission count once.
        action->dialog->expires_at_ms = domain::to_millis(clock_.now()) + 3600 * 1000;
        std::random_device entropy;
        for (int i = 0; i < 4; ++i) action->dialog->nonce += fmt::format("{:08x}", entropy());
        // Opened now, while the trigger is fresh (30 s on current servers, 3 s on old ones).
        auto body = mattermost::open_dialog_body(*action->dialog, cfg_.mattermost.actions_url,
                                                 cfg_.secret.mattermost_token);
        auto answer = co_await api("POST", "/actions/dialogs/open", std::move(body));
        if (answer.reply.status != mattermost::api_reply::verdict::ok) {
            spdlog::warn("Mattermost: could not open the dialog for `{}`: {}", action->dialog->command,
                         answer.reply.error);
            co_return json_response(
                200, R"({"ephemeral_text":"The form could not be opened; type the command instead."})");
        }
        co_return json_response(200, "{}");
    }
    if (!action->event) co_return json_response(200, "{}");  // a dialog closed with Cancel
    if (!sink_) co_return http_response{503, "text/plain; charset=utf-8", "not ready\n"};
    auto& event = *action->event;
    auto& invoked = std::get<chat::command_invoked>(event.payload);
    auto info = co_await channel(invoked.channel.id);
    invoked.channel.is_private = info ? info->is_private() : true;
    invoked.channel.is_direct = info && info->type == "D";
    event.workspace = team_id_;
    bool recorded = co_await chat::record_one(*sink_, event);
    // An empty object acknowledges a click and closes a dialog alike.
    co_return recorded
        ? json_response(200, "{}")
        : json_response(200, R"({"ephemeral_text":"That could not be recorded; try the command."})");
}

// ---- Outbound
// ----------------------------------------------------------------------------------------------

asio::awaitable<chat::call_result> mattermost_platform::create_post(const chat::sending& to,
                                                                    post_request post) {
    // Buttons are signed with the bot's own token: a secret hindsight already holds and Mattermost never
    // shows.
    mattermost::button_target target{cfg_.mattermost.actions_url, cfg_.secret.mattermost_token};
    auto body =
        mattermost::create_post_body(post.channel, mattermost::to_mattermost_text(post.text), post.root_id,
                                     to.idempotency_key, post.file_id, post.buttons, target);
    auto answer = co_await api("POST", "/posts", std::move(body));
    co_return as_call_result("create post", answer);
}

asio::awaitable<chat::call_result> mattermost_platform::send(const chat::sending& to,
                                                             const chat::channel_post& m) {
    post_request post{m.channel, m.text, {}, m.buttons};  // named: g++ 12 destroys co_await temporaries twice
    co_return co_await create_post(to, std::move(post));
}

asio::awaitable<chat::call_result> mattermost_platform::send(const chat::sending& to,
                                                             const chat::thread_reply& m) {
    post_request post{m.channel, m.text, m.thread_root,
                      m.buttons};  // named: g++ 12 destroys co_await temporaries twice
    co_return co_await create_post(to, std::move(post));
}

asio::awaitable<chat::call_result> mattermost_platform::send(const chat::sending& to,
                                                             const chat::direct_message& m) {
    auto known = direct_channels_.find(m.user);
    std::string channel_id;
    if (known != direct_channels_.end()) {
        channel_id = known->second;
    } else {
        auto answer =
            co_await api("POST", "/channels/direct", mattermost::direct_channel_body(self_, m.user));
        if (answer.reply.status != mattermost::api_reply::verdict::ok)
            co_return as_call_result("direct channel", answer);
        auto id = mattermost::read_id(answer.response.body);
        if (!id)
            co_return chat::call_result{
                chat::call_result::outcome::rejected, {}, "direct channel without id", {}};
        channel_id = direct_channels_[m.user] = *id;
    }
    post_request post{
        channel_id, m.text, {}, m.buttons};  // named: g++ 12 destroys co_await temporaries twice
    co_return co_await create_post(to, std::move(post));
}

asio::awaitable<chat::call_result> mattermost_platform::send(const chat::sending& to,
                                                             const chat::ephemeral_note& m) {
    // Ephemeral posts need a system-level permission bots seldom have: on the first 403, direct messages.
    if (!ephemeral_forbidden_) {
        auto answer =
            co_await api("POST", "/posts/ephemeral",
                         mattermost::ephemeral_post_body(
                             m.user, m.channel, mattermost::to_mattermost_text(m.text), m.thread_root));
        if (answer.response.status != 403) co_return as_call_result("ephemeral post", answer);
        ephemeral_forbidden_ = true;
        spdlog::info(
            "Mattermost refuses the bot ephemeral posts (create_post_ephemeral); sending direct messages "
            "instead");
    }
    chat::direct_message instead{m.user, m.text};  // named: g++ 12 destroys co_await temporaries twice
    co_return co_await send(to, instead);
}

asio::awaitable<chat::call_result> mattermost_platform::send(const chat::sending&,
                                                             const chat::message_edit& m) {
    mattermost::button_target target{cfg_.mattermost.actions_url, cfg_.secret.mattermost_token};
    auto body =
        mattermost::patch_post_body(m.channel, mattermost::to_mattermost_text(m.text), m.buttons, target);
    auto path = "/posts/" + m.message_id + "/patch";
    auto answer = co_await api("PUT", std::move(path), std::move(body));
    co_return as_call_result("patch post", answer);
}

asio::awaitable<common::orphan_check> mattermost_platform::own_orphan(std::string name) {
    // A channel of this name that this very request made earlier (its answer was lost), minutes ago, with
    // nobody else in it: ours. Used instead of making another. A lookup that fails is "unknown": the create
    // is retried later rather than leaving the first channel behind.
    auto path = "/teams/" + team_id_ + "/channels/name/" + name;
    auto found = co_await api("GET", std::move(path), "");
    if (found.response.status == 404) co_return common::orphan_check{};
    if (found.reply.status != mattermost::api_reply::verdict::ok) co_return common::orphan_check{true, {}};
    auto channel = mattermost::read_channel(found.response.body);
    auto age = domain::to_millis(clock_.now()) - (channel ? channel->create_at : 0);
    if (!channel || channel->creator_id != self_ || age < 0 || age > 10 * 60 * 1000)
        co_return common::orphan_check{};
    auto stats_path = "/channels/" + channel->id + "/stats";
    auto stats = co_await api("GET", std::move(stats_path), "");
    if (stats.reply.status != mattermost::api_reply::verdict::ok) co_return common::orphan_check{true, {}};
    if (mattermost::read_member_count(stats.response.body).value_or(0) != 1) co_return common::orphan_check{};
    co_return common::orphan_check{false, channel->id};
}

asio::awaitable<chat::call_result> mattermost_platform::send(const chat::sending& to,
                                                             const chat::channel_request& m) {
    if (auto pause = paused_.remaining("", std::chrono::steady_clock::now()))
        co_return chat::call_result{
            chat::call_result::outcome::deferred, {}, "create channel: waiting out a 429", *pause};
    // Plain lambdas returning the member coroutines: a coroutine lambda's captures would die with it.
    common::channel_calls calls;
    calls.what = "create channel";
    calls.create = [this, &m](const std::string& name) { return try_create(name, m.is_private); };
    calls.own_orphan = [this](const std::string& name) { return own_orphan(name); };
    calls.invite = [this, &m](const std::string& channel) { return invite(channel, m.invite_user); };
    auto result =
        co_await common::create_channel_flow(io_, m, self_, names_tried_[to.idempotency_key], calls);
    if (result.ok()) names_tried_.erase(to.idempotency_key);
    co_return result;
}

asio::awaitable<common::create_attempt> mattermost_platform::try_create(std::string name, bool is_private) {
    auto created =
        co_await api("POST", "/channels", mattermost::create_channel_body(team_id_, name, is_private));
    if (created.reply.status == mattermost::api_reply::verdict::ok) {
        auto id = mattermost::read_id(created.response.body);
        if (!id)
            co_return common::create_attempt{
                common::create_attempt::kind::failed,
                {},
                {chat::call_result::outcome::rejected, {}, "create channel: created without an id"}};
        co_return common::create_attempt{common::create_attempt::kind::created, *id};
    }
    bool taken = created.response.status == 400 && created.response.body.find("exists") != std::string::npos;
    if (taken) co_return common::create_attempt{common::create_attempt::kind::taken};
    co_return common::create_attempt{
        common::create_attempt::kind::failed, {}, as_call_result("create channel", created)};
}

asio::awaitable<common::invite_attempt> mattermost_platform::invite(std::string channel, std::string user) {
    auto added =
        co_await api("POST", "/channels/" + channel + "/members", mattermost::channel_member_body(user));
    if (added.reply.status == mattermost::api_reply::verdict::ok)
        co_return common::invite_attempt{common::invite_attempt::kind::done};
    if (added.reply.status == mattermost::api_reply::verdict::retry)
        co_return common::invite_attempt{common::invite_attempt::kind::retry, added.reply.retry_after};
    co_return common::invite_attempt{
        common::invite_attempt::kind::failed, {}, "adding you failed: " + added.reply.error};
}

asio::awaitable<chat::call_result> mattermost_platform::send(const chat::sending&, const chat::reaction& m) {
    if (m.remove) {
        auto path = "/users/" + self_ + "/posts/" + m.message_id + "/reactions/" + m.emoji;
        auto removed = co_await api("DELETE", path, "");
        // 404: already gone (removed by hand, or the post deleted): what was asked for holds.
        if (removed.response.status == 404) co_return chat::call_result::success();
        co_return as_call_result("reaction removal", removed);
    }
    auto answer = co_await api("POST", "/reactions", mattermost::reaction_body(self_, m.message_id, m.emoji));
    co_return as_call_result("reaction", answer);
}

asio::awaitable<chat::call_result> mattermost_platform::send(const chat::sending& to,
                                                             const chat::file_upload& m) {
    std::string boundary =
        "hindsight-" + std::to_string(std::random_device{}()) + std::to_string(m.content.size());
    auto answer =
        co_await api("POST", "/files", mattermost::upload_body(boundary, m.channel, m.file_name, m.content),
                     "multipart/form-data; boundary=" + boundary);
    if (answer.reply.status != mattermost::api_reply::verdict::ok)
        co_return as_call_result("file upload", answer);
    auto file_id = mattermost::read_uploaded_file_id(answer.response.body);
    if (!file_id)
        co_return chat::call_result{
            chat::call_result::outcome::rejected, {}, "file upload answered without a file id", {}};
    post_request post{m.channel,
                      m.file_name,
                      m.thread_root,
                      {},
                      *file_id};  // named: g++ 12 destroys co_await temporaries twice
    co_return co_await create_post(to, std::move(post));
}

asio::awaitable<std::optional<chat::message_posted>> mattermost_platform::fetch_message(
    const std::string&, const std::string& channel_id, const std::string& id) {
    auto answer = co_await api("GET", "/posts/" + id, "");
    if (answer.reply.status != mattermost::api_reply::verdict::ok) co_return std::nullopt;
    auto post = mattermost::read_post(answer.response.body, self_);
    if (!post) co_return std::nullopt;
    auto info = co_await channel(channel_id);
    post->channel.is_private = info ? info->is_private() : true;
    post->channel.is_direct = info && info->type == "D";
    co_return post;
}

asio::awaitable<std::optional<chat::user_info>> mattermost_platform::lookup_user(const std::string&,
                                                                                 const std::string& user_id) {
    auto answer = co_await api("GET", "/users/" + user_id, "");
    if (answer.reply.status != mattermost::api_reply::verdict::ok) co_return std::nullopt;
    auto user = mattermost::read_user(answer.response.body);
    if (!user) co_return std::nullopt;
    co_return chat::user_info{user_id, user->username, user->time_zone};
}

}  // namespace hindsight::bot
