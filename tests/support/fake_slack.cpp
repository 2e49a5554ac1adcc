#include "fake_slack.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <nlohmann/json.hpp>

namespace hindsight::testing {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

asio::awaitable<bot::http_response> answer(bot::http_response response) {
    co_return response;
}

// The same answer after a delay: Slack on a slow day.
asio::awaitable<bot::http_response> answer_after(std::chrono::milliseconds delay,
                                                 bot::http_response response) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(delay);
    boost::system::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    co_return response;
}

bot::http_response ok_json(std::string body) {
    return {200, "application/json", std::move(body)};
}

}  // namespace

fake_slack::fake_slack(asio::io_context& io) : io_(io), http_(io, "127.0.0.1:0", {}), ws_(io) {
    add_routes();
    asio::co_spawn(io, http_.run(), asio::detached);
    ws_.on_session = [this](std::shared_ptr<fake_ws_session> session) {
        sessions.push_back(session);
        session->on_message = [this](const std::string& text) {
            auto frame = json::parse(text, nullptr, false);
            if (frame.is_discarded() || !frame.contains("envelope_id")) return;
            auto id = frame["envelope_id"].get<std::string>();
            if (on_ack) on_ack(id);
            unacked_.erase(id);
            std::lock_guard guard(lock_);
            state_.acks.push_back(id);
            if (frame.contains("payload")) state_.ack_payloads[id] = frame["payload"].dump();
        };
        if (send_hello)
            session->send(
                R"({"type":"hello","num_connections":1,"debug_info":{"host":"applink-111-222","build_number":10,"approximate_connection_time":18060},"connection_info":{"app_id":"A111"}})");
        if (redeliver_unacked) {
            for (const auto& id : unacked_order_) {
                auto found = unacked_.find(id);
                if (found == unacked_.end()) continue;
                auto frame = found->second;
                auto attempt = frame.find("\"retry_attempt\":0");
                if (attempt != std::string::npos) frame.replace(attempt, 17, "\"retry_attempt\":1");
                session->send(frame);
            }
        }
        if (on_connection) on_connection(session);
    };
}

void fake_slack::send_envelope(const std::shared_ptr<fake_ws_session>& session,
                               const std::string& envelope_id, std::string frame) {
    if (!unacked_.count(envelope_id)) unacked_order_.push_back(envelope_id);
    unacked_[envelope_id] = frame;
    session->send(std::move(frame));
}

fake_slack::~fake_slack() = default;

std::string fake_slack::api_url() const {
    return "http://127.0.0.1:" + std::to_string(http_.port()) + "/api/";
}

unsigned short fake_slack::api_port() const {
    return http_.port();
}

unsigned short fake_slack::socket_port() const {
    return ws_.port();
}

void fake_slack::stop() {
    http_.stop();
    ws_.stop();
    for (auto& session : sessions) session->drop();
}

fake_slack_state fake_slack::snapshot() {
    std::lock_guard guard(lock_);
    return state_;
}

std::size_t fake_slack::ack_count() {
    std::lock_guard guard(lock_);
    return state_.acks.size();
}

std::size_t fake_slack::reaction_count() {
    std::lock_guard guard(lock_);
    return state_.reactions;
}

int fake_slack::connections_opened() {
    std::lock_guard guard(lock_);
    return state_.connections_opened;
}

void fake_slack::add_routes() {
    auto record = [this](const std::string& method, const bot::http_request& r) {
        std::lock_guard guard(lock_);
        state_.calls.push_back({method, r.body});
    };
    http_.route("POST", "/api/auth.test", [](const bot::http_request& r) {
        bool authorised = r.header("authorization") == "Bearer xoxb-test-token";
        return answer(ok_json(
            authorised
                ? R"({"ok":true,"url":"https://t.slack.com/","team":"Test","user":"hindsight","team_id":"T111","user_id":"UBOT","bot_id":"BBOT"})"
                : R"({"ok":false,"error":"invalid_auth"})"));
    });
    http_.route("POST", "/api/apps.connections.open", [this, record](const bot::http_request& r) {
        record("apps.connections.open", r);
        if (r.header("authorization") != "Bearer xapp-test-token")
            return answer(ok_json(R"({"ok":false,"error":"invalid_auth"})"));
        if (!refuse_opens_with.empty())
            return answer(ok_json(R"({"ok":false,"error":")" + refuse_opens_with + R"("})"));
        if (rate_limit_opens > 0) {
            --rate_limit_opens;
            return answer({429, "application/json", R"({"ok":false,"error":"ratelimited"})"});
        }
        int ticket = 0;
        {
            std::lock_guard guard(lock_);
            ticket = ++state_.connections_opened;
        }
        auto base = socket_base.empty() ? "ws://127.0.0.1:" + std::to_string(ws_.port()) : socket_base;
        return answer(ok_json(R"({"ok":true,"url":")" + base + "/link/?ticket=" + std::to_string(ticket) +
                              R"(&app_id=A111"})"));
    });
    http_.route("POST", "/api/chat.postMessage", [this, record](const bot::http_request& r) {
        if (rate_limit_posts > 0) {
            --rate_limit_posts;
            std::lock_guard guard(lock_);
            ++state_.posts_rate_limited;
            return answer({429, "application/json", R"({"ok":false,"error":"ratelimited"})"});
        }
        record("chat.postMessage", r);
        int n = 0;
        {
            std::lock_guard guard(lock_);
            n = ++posts_;
        }
        auto reply = ok_json(R"({"ok":true,"channel":"C111","ts":"1700009000.)" + std::to_string(100000 + n) +
                             R"("})");
        if (slow_posts_ms > 0)
            return answer_after(std::chrono::milliseconds{slow_posts_ms.load()}, std::move(reply));
        return answer(std::move(reply));
    });
    http_.route("POST", "/api/chat.postEphemeral", [record](const bot::http_request& r) {
        record("chat.postEphemeral", r);
        return answer(ok_json(R"({"ok":true,"message_ts":"1700000300.000001"})"));
    });
    http_.route("POST", "/api/reactions.add", [this](const bot::http_request& r) {
        std::lock_guard guard(lock_);
        // As Slack: the same reaction by the same user on the same message is refused.
        if (!reacted_.insert(r.body).second) {
            ++state_.duplicate_reactions;
            return answer(ok_json(R"({"ok":false,"error":"already_reacted"})"));
        }
        ++state_.reactions;
        state_.calls.push_back({"reactions.add", r.body});
        return answer(ok_json(R"({"ok":true})"));
    });
    http_.route("POST", "/api/reactions.remove", [this](const bot::http_request& r) {
        std::lock_guard guard(lock_);
        state_.calls.push_back({"reactions.remove", r.body});
        if (reacted_.erase(r.body) == 0) return answer(ok_json(R"({"ok":false,"error":"no_reaction"})"));
        --state_.reactions;
        return answer(ok_json(R"({"ok":true})"));
    });
    http_.route("POST", "/api/conversations.create", [this, record](const bot::http_request& r) {
        record("conversations.create", r);
        auto body = json::parse(r.body, nullptr, false);
        auto name = body.is_object() ? body.value("name", "") : std::string();
        std::lock_guard guard(lock_);
        if (name.empty()) return answer(ok_json(R"({"ok":false,"error":"invalid_name_required"})"));
        if (!taken_channel_names.insert(name).second)
            return answer(ok_json(R"({"ok":false,"error":"name_taken"})"));
        auto id = "CNEW" + std::to_string(taken_channel_names.size());
        if (body.value("is_private", false)) private_channels.insert(id);
        created_.push_back({id,
                            name,
                            std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count(),
                            {"UBOT"}});
        if (lose_next_create_reply) {
            lose_next_create_reply = false;
            return answer({500, "text/plain", "upstream timed out"});
        }
        return answer(ok_json(json{{"ok", true},
                                   {"channel",
                                    {{"id", id},
                                     {"name", name},
                                     {"is_channel", true},
                                     {"is_private", body.value("is_private", false)},
                                     {"creator", "UBOT"}}}}
                                  .dump()));
    });
    http_.route("GET", "/api/users.conversations", [this, record](const bot::http_request& r) {
        record("users.conversations", r);
        std::lock_guard guard(lock_);
        json channels = json::array();
        for (const auto& c : created_)
            channels.push_back({{"id", c.id},
                                {"name", c.name},
                                {"creator", "UBOT"},
                                {"created", c.created},
                                {"is_channel", true}});
        return answer(ok_json(
            json{{"ok", true}, {"channels", channels}, {"response_metadata", {{"next_cursor", ""}}}}.dump()));
    });
    http_.route("GET", "/api/conversations.members", [this, record](const bot::http_request& r) {
        record("conversations.members", r);
        std::lock_guard guard(lock_);
        for (const auto& c : created_)
            if (r.target.find("channel=" + c.id + "&") != std::string::npos ||
                r.target.ends_with("channel=" + c.id))
                return answer(ok_json(
                    json{{"ok", true}, {"members", c.members}, {"response_metadata", {{"next_cursor", ""}}}}
                        .dump()));
        return answer(ok_json(R"({"ok":false,"error":"channel_not_found"})"));
    });
    http_.route("POST", "/api/conversations.invite", [this, record](const bot::http_request& r) {
        record("conversations.invite", r);
        auto invited = json::parse(r.body, nullptr, false);
        if (invited.is_object()) {
            std::lock_guard guard(lock_);
            for (auto& c : created_)
                if (c.id == invited.value("channel", "")) c.members.push_back(invited.value("users", ""));
        }
        return answer(ok_json(R"({"ok":true,"channel":{"id":"CNEW1"}})"));
    });
    http_.route("POST", "/api/chat.update", [record](const bot::http_request& r) {
        record("chat.update", r);
        auto body = json::parse(r.body, nullptr, false);
        if (!body.is_object() || body.value("ts", "").empty())
            return answer(ok_json(R"({"ok":false,"error":"message_not_found"})"));
        return answer(ok_json(
            json{{"ok", true}, {"channel", body.value("channel", "")}, {"ts", body.value("ts", "")}}.dump()));
    });
    http_.route("POST", "/api/views.open", [record](const bot::http_request& r) {
        record("views.open", r);
        auto body = json::parse(r.body, nullptr, false);
        if (!body.is_object() || body.value("trigger_id", "").empty())
            return answer(ok_json(R"({"ok":false,"error":"invalid_trigger_id"})"));
        return answer(ok_json(
            R"({"ok":true,"view":{"id":"VMHU10V25","hash":"156772938.1827394","state":{"values":{}}}})"));
    });
    http_.route("GET", "/api/conversations.history",
                [this](const bot::http_request& r) { return answer(read_history(r, false)); });
    http_.route("GET", "/api/conversations.replies",
                [this](const bot::http_request& r) { return answer(read_history(r, true)); });
    http_.route("GET", "/api/conversations.info", [this, record](const bot::http_request& r) {
        record("conversations.info", r);
        auto at = r.target.find("channel=");
        auto id = at == std::string::npos ? std::string() : r.target.substr(at + 8);
        if (id.empty()) return answer(ok_json(R"({"ok":false,"error":"channel_not_found"})"));
        std::lock_guard guard(lock_);
        bool im = id.starts_with("D"), is_private = im || private_channels.count(id) > 0;
        return answer(ok_json(json{{"ok", true},
                                   {"channel",
                                    {{"id", id},
                                     {"name", id},
                                     {"is_channel", !im},
                                     {"is_group", false},
                                     {"is_im", im},
                                     {"is_mpim", false},
                                     {"is_private", is_private},
                                     {"is_archived", false}}}}
                                  .dump()));
    });
    http_.route("GET", "/api/chat.getPermalink", [record](const bot::http_request& r) {
        record("chat.getPermalink", r);
        auto value = [&](const std::string& key) {
            auto at = r.target.find(key + "=");
            if (at == std::string::npos) return std::string();
            auto end = r.target.find('&', at);
            return r.target.substr(at + key.size() + 1,
                                   end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
        };
        auto ts = value("message_ts");
        std::erase(ts, '.');
        return answer(ok_json(R"({"ok":true,"channel":")" + value("channel") +
                              R"(","permalink":"https://t.slack.com/archives/)" + value("channel") + "/p" +
                              ts + R"(?from=getPermalink"})"));
    });
    http_.route("GET", "/api/users.info", [](const bot::http_request& r) {
        auto at = r.target.find("user=");
        auto user = at == std::string::npos ? std::string("U0") : r.target.substr(at + 5);
        return answer(ok_json(R"({"ok":true,"user":{"id":")" + user + R"(","name":")" + user +
                              R"(","tz":"Europe/Berlin","profile":{"display_name":")" + user + R"("}}})"));
    });
}

namespace {

std::string query_value(const std::string& target, const std::string& name) {
    auto query = target.find('?');
    for (auto at = query; at != std::string::npos && at < target.size();) {
        auto end = target.find('&', at + 1);
        auto pair = target.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
        if (pair.starts_with(name + "=")) return pair.substr(name.size() + 1);
        at = end;
    }
    return {};
}

double ts_value(const std::string& ts) {
    return ts.empty() ? 0.0 : std::stod(ts);
}

}  // namespace

// conversations.history: newest first, `oldest` and `latest` bounds (exclusive unless inclusive=true), pages
// of min(limit, cap) with an opaque next_cursor; .replies: the root first, then its replies oldest first.
// One thread the bot never saw live (1700000500.*) is always there for fetches by a reply's ts.
bot::http_response fake_slack::read_history(const bot::http_request& r, bool replies) {
    std::lock_guard guard(lock_);
    ++(replies ? state_.replies_fetches : state_.history_fetches);
    state_.history_queries.push_back(r.target);
    state_.history_times.push_back(std::chrono::steady_clock::now());
    if (++history_calls_ == rate_limit_history_call)
        return {429, "application/json", R"({"ok":false,"error":"ratelimited"})"};
    auto ts = query_value(r.target, "ts");
    if (replies && ts == "1700000500.000002")
        return ok_json(
            R"({"ok":true,"messages":[{"type":"message","user":"U1","text":"root","thread_ts":"1700000500.000001","ts":"1700000500.000001","reply_count":1},{"type":"message","user":"U2","text":"the reply with the clue","thread_ts":"1700000500.000001","ts":"1700000500.000002","parent_user_id":"U1"}],"has_more":false})");
    if (query_value(r.target, "channel") != history_channel)
        return ok_json(R"({"ok":false,"error":"channel_not_found"})");
    std::vector<json> pool;
    if (replies) {
        auto thread = thread_replies.find(ts);
        if (thread == thread_replies.end()) return ok_json(R"({"ok":false,"error":"thread_not_found"})");
        for (const auto& text : history)
            if (auto m = json::parse(text); m.value("ts", "") == ts) pool.push_back(m);
        for (const auto& text : thread->second) pool.push_back(json::parse(text));
    } else {
        for (const auto& text : history) pool.push_back(json::parse(text));
        std::sort(pool.begin(), pool.end(), [](const json& a, const json& b) {
            return ts_value(a.value("ts", "")) > ts_value(b.value("ts", ""));
        });
    }
    bool inclusive = query_value(r.target, "inclusive") == "true";
    auto oldest = ts_value(query_value(r.target, "oldest")),
         latest = ts_value(query_value(r.target, "latest"));
    std::erase_if(pool, [&](const json& m) {
        auto t = ts_value(m.value("ts", ""));
        if (replies && m.value("ts", "") == ts) return false;  // the root always comes first
        return (t < oldest || (!inclusive && t == oldest)) ||
               (latest > 0 && (t > latest || (!inclusive && t == latest)));
    });
    auto limit = query_value(r.target, "limit").empty() ? std::size_t{100}
                                                        : std::stoul(query_value(r.target, "limit"));
    auto page = std::min(limit, history_page_cap);
    auto cursor = query_value(r.target, "cursor");
    std::size_t from = cursor.starts_with("dXNlcj") ? std::stoul(cursor.substr(6)) : 0;
    json messages = json::array();
    for (std::size_t i = from; i < pool.size() && i < from + page; ++i) messages.push_back(pool[i]);
    bool more = from + page < pool.size();
    json reply{{"ok", true}, {"messages", messages}, {"has_more", more}, {"pin_count", 0}};
    if (more) reply["response_metadata"] = {{"next_cursor", "dXNlcj" + std::to_string(from + page)}};
    return ok_json(reply.dump());
}

std::string message_envelope(const std::string& envelope_id, const std::string& event_id,
                             const std::string& channel, const std::string& user, const std::string& ts,
                             const std::string& text, int retry_attempt) {
    json event = {{"type", "message"},
                  {"text", text},
                  {"user", user},
                  {"ts", ts},
                  {"channel", channel},
                  {"event_ts", ts},
                  {"channel_type", "channel"},
                  {"team", "T111"}};
    json payload = {
        {"token", "verification-token"}, {"team_id", "T111"},    {"api_app_id", "A111"},    {"event", event},
        {"type", "event_callback"},      {"event_id", event_id}, {"event_time", 1700000000}};
    json envelope = {{"envelope_id", envelope_id},     {"payload", payload},
                     {"type", "events_api"},           {"accepts_response_payload", false},
                     {"retry_attempt", retry_attempt}, {"retry_reason", retry_attempt ? "timeout" : ""}};
    return envelope.dump();
}

std::string reaction_envelope(const std::string& envelope_id, const std::string& event_id,
                              const std::string& channel, const std::string& user, const std::string& ts,
                              const std::string& emoji, bool added) {
    json event = {{"type", added ? "reaction_added" : "reaction_removed"},
                  {"user", user},
                  {"reaction", emoji},
                  {"item_user", "U2"},
                  {"item", {{"type", "message"}, {"channel", channel}, {"ts", ts}}},
                  {"event_ts", ts}};
    json payload = {{"team_id", "T111"},        {"api_app_id", "A111"}, {"event", event},
                    {"type", "event_callback"}, {"event_id", event_id}, {"event_time", 1700000000}};
    json envelope = {{"envelope_id", envelope_id},        {"payload", payload}, {"type", "events_api"},
                     {"accepts_response_payload", false}, {"retry_attempt", 0}, {"retry_reason", ""}};
    return envelope.dump();
}

std::string slash_command_envelope(const std::string& envelope_id, const std::string& channel,
                                   const std::string& user, const std::string& text,
                                   const std::string& trigger_id) {
    json payload = {{"token", "verification-token"},
                    {"team_id", "T111"},
                    {"team_domain", "xxx"},
                    {"channel_id", channel},
                    {"channel_name", "incidents"},
                    {"user_id", user},
                    {"user_name", "alice"},
                    {"command", "/incident"},
                    {"text", text},
                    {"api_app_id", "A111"},
                    {"response_url", "https://hooks.slack.com/commands/T111/111/xxx"},
                    {"trigger_id", trigger_id}};
    json envelope = {{"envelope_id", envelope_id},
                     {"payload", payload},
                     {"type", "slash_commands"},
                     {"accepts_response_payload", true}};
    return envelope.dump();
}

std::string disconnect_frame(const std::string& reason) {
    return R"({"type":"disconnect","reason":")" + reason + R"(","debug_info":{"host":"applink-2"}})";
}

}  // namespace hindsight::testing
