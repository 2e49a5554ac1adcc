#include "fake_mattermost.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <nlohmann/json.hpp>

namespace hindsight::testing {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

bot::http_response json_reply(int status, std::string body) {
    return {status, "application/json", std::move(body)};
}

bot::http_response app_error(int status, const std::string& id, const std::string& message) {
    json error = {{"id", id},
                  {"message", message},
                  {"detailed_error", ""},
                  {"request_id", "r1"},
                  {"status_code", status}};
    return json_reply(status, error.dump());
}

std::string query_value(const std::string& target, const std::string& name) {
    auto at = target.find(name + "=");
    if (at == std::string::npos) return {};
    auto start = at + name.size() + 1;
    auto end = target.find('&', start);
    return target.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

fake_mattermost::fake_mattermost(asio::io_context& io) : io_(io), ws_(io) {
    add_routes();
    ws_.on_http = [this](const bot::http_request& r) { return dispatch(r); };
    ws_.on_session = [this](std::shared_ptr<fake_ws_session> session) { on_session(std::move(session)); };
}

fake_mattermost::~fake_mattermost() = default;

std::string fake_mattermost::url() const {
    return "http://127.0.0.1:" + std::to_string(ws_.port());
}

unsigned short fake_mattermost::port() const {
    return ws_.port();
}

void fake_mattermost::route(std::string method, std::string path,
                            std::function<bot::http_response(const bot::http_request&)> handler) {
    routes_.push_back({std::move(method), std::move(path), std::move(handler)});
}

bot::http_response fake_mattermost::dispatch(const bot::http_request& request) {
    // Exact paths first, then the longest "/prefix/*".
    const route_entry* best = nullptr;
    std::size_t best_length = 0;
    for (const auto& entry : routes_) {
        if (entry.method != request.method) continue;
        if (entry.path == request.path()) return entry.handler(request);
        if (!entry.path.ends_with("/*")) continue;
        auto prefix = entry.path.substr(0, entry.path.size() - 1);
        if (request.path().starts_with(prefix) && prefix.size() > best_length) {
            best = &entry;
            best_length = prefix.size();
        }
    }
    if (best) return best->handler(request);
    return app_error(404, "api.context.404.app_error", "Sorry, we could not find the page.");
}

void fake_mattermost::stop() {
    ws_.stop();
    if (session_) session_->drop();
}

bool fake_mattermost::connected() const {
    return session_ && session_->is_open();
}

fake_mattermost_state fake_mattermost::snapshot() {
    std::lock_guard guard(lock_);
    return state_;
}

void fake_mattermost::add_channel(const std::string& id, const std::string& type) {
    channels_[id] = type;
}

std::string fake_mattermost::make_id(const std::string& prefix) {
    auto n = std::to_string(next_id_++);
    return prefix + std::string(26 - prefix.size() - n.size(), '0') + n;
}

void fake_mattermost::emit(const std::string& event, const std::string& channel,
                           const std::string& data_json) {
    auto seq = static_cast<std::int64_t>(events_.size());
    std::string frame = R"({"event":")" + event + R"(","data":)" + data_json +
                        R"(,"broadcast":{"omit_users":null,"user_id":"","channel_id":")" + channel +
                        R"(","team_id":"","connection_id":"","omit_connection_id":""},"seq":)" +
                        std::to_string(seq) + "}";
    events_.push_back(frame);
    if (lose_next_) {
        lose_next_ = false;
        return;
    }
    if (held_from_) return;
    if (session_ && session_->is_open()) session_->send(frame);
}

std::string fake_mattermost::post(const std::string& channel, const std::string& user,
                                  const std::string& message, const std::string& root_id) {
    return store_post(channel, user, message, root_id, clock_ms_++, true);
}

std::string fake_mattermost::seed_post(const std::string& channel, const std::string& user,
                                       const std::string& message, std::int64_t create_at,
                                       const std::vector<std::pair<std::string, std::string>>& reactions,
                                       const std::string& root_id) {
    auto id = store_post(channel, user, message, root_id, create_at, false);
    for (const auto& [who, emoji] : reactions) {
        json reaction = {{"user_id", who},
                         {"post_id", id},
                         {"emoji_name", emoji},
                         {"create_at", create_at + 1},
                         {"update_at", create_at + 1},
                         {"delete_at", 0},
                         {"remote_id", ""},
                         {"channel_id", channel}};
        posts_[id].reactions.push_back(reaction.dump());
        posts_[id].update_at = create_at + 1;
    }
    return id;
}

std::string fake_mattermost::store_post(const std::string& channel, const std::string& user,
                                        const std::string& message, const std::string& root_id,
                                        std::int64_t at, bool announce) {
    auto id = make_id("p");
    json post = {{"id", id},
                 {"create_at", at},
                 {"update_at", at},
                 {"edit_at", 0},
                 {"delete_at", 0},
                 {"is_pinned", false},
                 {"user_id", user},
                 {"channel_id", channel},
                 {"root_id", root_id},
                 {"original_id", ""},
                 {"message", message},
                 {"type", ""},
                 {"props", user == bot_id ? json{{"from_bot", "true"}} : json::object()},
                 {"hashtags", ""},
                 {"file_ids", json::array()},
                 {"pending_post_id", ""},
                 {"reply_count", 0},
                 {"last_reply_at", 0},
                 {"participants", nullptr}};
    auto text = post.dump();
    text.pop_back();  // the closing brace: metadata is added when the post is read back
    posts_[id] = stored_post{text, channel, at, {}, at};
    // In creation order: live posts go at the end, a seeded one from the past where it belongs.
    auto later = std::upper_bound(
        post_order_.begin(), post_order_.end(), at,
        [this](std::int64_t t, const std::string& other) { return t < posts_[other].create_at; });
    post_order_.insert(later, id);
    if (!announce) return id;
    auto type = channels_.count(channel) ? channels_[channel] : std::string("O");
    json data = {{"channel_display_name", "Incidents"},
                 {"channel_name", "incidents"},
                 {"channel_type", type},
                 {"post", post.dump()},
                 {"sender_name", "@" + user},
                 {"set_online", true},
                 {"team_id", team_id}};
    emit("posted", channel, data.dump());
    return id;
}

// GET /channels/{id}/posts: `?since=` answers every post changed after it (at most 1000, as the server), a
// page (`?page=&per_page=`, newest first) otherwise; each post with its reactions in metadata.
bot::http_response fake_mattermost::read_posts(const bot::http_request& r, const std::string& channel) {
    {
        std::lock_guard guard(lock_);
        ++state_.catch_up_reads;
        state_.history_queries.push_back(r.target);
        if (static_cast<int>(state_.history_queries.size()) == rate_limit_read)
            return {429, "text/plain; charset=utf-8", "limit exceeded\n"};
    }
    auto since_text = query_value(r.target, "since");
    bool paged = since_text.empty() && !query_value(r.target, "page").empty();
    auto since = since_text.empty() ? std::int64_t{0} : std::stoll(since_text);
    std::size_t per_page = paged ? std::stoul(query_value(r.target, "per_page")) : 1000;
    std::size_t skip = paged ? std::stoul(query_value(r.target, "page")) * per_page : 0;
    std::string order = "[", posts = "{";
    std::size_t taken = 0, seen = 0;
    for (auto it = post_order_.rbegin(); it != post_order_.rend() && taken < per_page; ++it) {
        const auto& stored = posts_[*it];
        if (stored.channel != channel || (!paged && stored.update_at <= since)) continue;
        if (seen++ < skip) continue;
        ++taken;
        if (order.size() > 1) order += ",", posts += ",";
        order += "\"" + *it + "\"";
        std::string reactions = "[";
        for (const auto& reaction : stored.reactions)
            reactions += (reactions.size() > 1 ? "," : "") + reaction;
        reactions += "]";
        posts += "\"" + *it + "\":" + stored.json_without_metadata + R"(,"metadata":{"reactions":)" +
                 reactions + "}}";
    }
    return json_reply(
        200, R"({"order":)" + order + R"(],"posts":)" + posts + R"(},"next_post_id":"","prev_post_id":""})");
}

void fake_mattermost::react(const std::string& post_id, const std::string& user, const std::string& emoji) {
    auto& stored = posts_.at(post_id);
    auto at = clock_ms_++;
    json reaction = {
        {"user_id", user}, {"post_id", post_id}, {"emoji_name", emoji}, {"create_at", at},
        {"update_at", at}, {"delete_at", 0},     {"remote_id", ""},     {"channel_id", stored.channel}};
    stored.reactions.push_back(reaction.dump());
    stored.update_at = at;
    emit("reaction_added", stored.channel, json{{"reaction", reaction.dump()}}.dump());
}

void fake_mattermost::hold_events() {
    held_from_ = events_.size();
}

void fake_mattermost::release_events() {
    if (!held_from_) return;
    auto from = *held_from_;
    held_from_.reset();
    if (session_ && session_->is_open())
        for (auto i = from; i < events_.size(); ++i) session_->send(events_[i]);
}

void fake_mattermost::drop() {
    if (session_) session_->drop();
}

void fake_mattermost::forget_connection() {
    connection_id_.clear();
}

void fake_mattermost::lose_next_event() {
    lose_next_ = true;
}

void fake_mattermost::on_session(std::shared_ptr<fake_ws_session> session) {
    {
        std::lock_guard guard(lock_);
        state_.upgrade_queries.push_back(session->target);
    }
    if (bot::find_header(session->headers, "authorization") != std::string("Bearer ") + token) {
        session->drop();  // as the server: a bad token closes the socket, no error frame
        return;
    }
    if (session_ && session_->is_open()) session_->drop();
    session_ = session;
    auto asked_id = query_value(session->target, "connection_id");
    auto asked_seq = query_value(session->target, "sequence_number");
    std::lock_guard guard(lock_);
    ++state_.connections;
    if (!asked_id.empty() && asked_id == connection_id_ && !asked_seq.empty()) {
        // Resumed: replay from the sequence the client expects; no hello.
        auto from = static_cast<std::size_t>(std::stoll(asked_seq));
        ++state_.resumed;
        for (auto i = from; i < events_.size(); ++i) session->send(events_[i]);
        return;
    }
    // A fresh connection: new id, sequence from 0 with hello.
    ++state_.hellos;
    connection_id_ = make_id("c");
    events_.clear();
    json data = {{"server_version", "10.5.0.123.abc.true"},
                 {"connection_id", connection_id_},
                 {"server_hostname", "fake"}};
    auto hello = R"({"event":"hello","data":)" + data.dump() +
                 R"(,"broadcast":{"omit_users":null,"user_id":")" + std::string(bot_id) +
                 R"(","channel_id":"","team_id":"","connection_id":"","omit_connection_id":""},"seq":0})";
    events_.push_back(hello);
    session->send(hello);
}

void fake_mattermost::add_routes() {
    auto authorised = [](const bot::http_request& r) {
        return r.header("authorization") == std::string("Bearer ") + token;
    };
    auto record = [this](const std::string& method, const bot::http_request& r) {
        std::lock_guard guard(lock_);
        state_.calls.push_back({method, r.body});
    };
    route("GET", "/api/v4/users/me", [authorised](const bot::http_request& r) {
        if (!authorised(r))
            return (app_error(401, "api.context.session_expired.app_error",
                              "Invalid or expired session, please login again."));
        return (json_reply(200, json{{"id", bot_id}, {"username", "hindsight"}, {"is_bot", true}}.dump()));
    });
    route("GET", "/api/v4/users/me/teams", [](const bot::http_request&) {
        return (json_reply(200, json::array({json{{"id", team_id}, {"name", "ops"}}}).dump()));
    });
    route("GET", "/api/v4/users/*", [](const bot::http_request& r) {
        auto id = r.path().substr(std::string("/api/v4/users/").size());
        json user = {{"id", id},
                     {"username", id},
                     {"timezone",
                      {{"automaticTimezone", "Europe/Berlin"},
                       {"manualTimezone", ""},
                       {"useAutomaticTimezone", "true"}}}};
        return (json_reply(200, user.dump()));
    });
    route("GET", "/api/v4/teams/*", [this, record](const bot::http_request& r) {
        // /teams/{team}/channels/name/{name}
        record("GET " + r.path().substr(std::string("/api/v4").size()), r);
        auto marker = std::string("/channels/name/");
        auto at = r.path().find(marker);
        auto name = at == std::string::npos ? std::string() : r.path().substr(at + marker.size());
        auto found = created_by_name_.find(name);
        if (found == created_by_name_.end())
            return (app_error(404, "app.channel.get_by_name.missing.app_error", "Channel does not exist."));
        const auto& c = found->second;
        return (json_reply(200, json{{"id", c.id},
                                     {"name", c.name},
                                     {"type", channels_[c.id]},
                                     {"team_id", team_id},
                                     {"creator_id", c.creator},
                                     {"create_at", c.create_at}}
                                    .dump()));
    });
    route("GET", "/api/v4/channels/*", [this](const bot::http_request& r) {
        auto rest = r.path().substr(std::string("/api/v4/channels/").size());
        auto slash = rest.find('/');
        auto id = rest.substr(0, slash);
        if (slash != std::string::npos && rest.substr(slash) == "/stats") {
            std::size_t members = 0;
            for (const auto& [name, channel] : created_by_name_)
                if (channel.id == id) members = channel.members.size();
            return (json_reply(200, json{{"channel_id", id}, {"member_count", members}}.dump()));
        }
        if (!channels_.count(id))
            return (
                app_error(404, "app.channel.get.existing.app_error", "Unable to find the existing channel."));
        if (slash == std::string::npos)
            return (json_reply(
                200, json{{"id", id}, {"type", channels_[id]}, {"team_id", team_id}, {"name", id}}.dump()));
        return read_posts(r, id);
    });
    route("POST", "/api/v4/posts", [this, record](const bot::http_request& r) {
        if (rate_limit_posts > 0) {
            --rate_limit_posts;
            return (bot::http_response{429, "text/plain; charset=utf-8", "limit exceeded\n"});
        }
        auto body = json::parse(r.body, nullptr, false);
        if (body.is_discarded())
            return (app_error(400, "api.context.invalid_body_param.app_error",
                              "Invalid or missing post in request body."));
        auto pending = body.value("pending_post_id", std::string());
        std::string id;
        {
            std::lock_guard guard(lock_);
            // As the server: a retry with the same pending_post_id returns the post it already made.
            if (!pending.empty() && !pending_post_ids_.insert(pending).second)
                return (json_reply(201, json{{"id", "dup-" + pending}}.dump()));
            ++state_.posts_created;
            state_.calls.push_back({"POST /posts", r.body});
        }
        id = make_id("b");
        return (json_reply(201, json{{"id", id},
                                     {"channel_id", body.value("channel_id", "")},
                                     {"message", body.value("message", "")}}
                                    .dump()));
    });
    route("POST", "/api/v4/posts/ephemeral", [record](const bot::http_request& r) {
        record("POST /posts/ephemeral", r);
        return (app_error(403, "api.context.permissions.app_error",
                          "You do not have the appropriate permissions."));
    });
    route("POST", "/api/v4/channels/direct", [record](const bot::http_request& r) {
        record("POST /channels/direct", r);
        auto users = json::parse(r.body, nullptr, false);
        auto other = users.is_array() && users.size() == 2 ? users[1].get<std::string>() : std::string("x");
        return (json_reply(201, json{{"id", "dm-" + other}, {"type", "D"}}.dump()));
    });
    route("POST", "/api/v4/channels", [this, record](const bot::http_request& r) {
        record("POST /channels", r);
        auto body = json::parse(r.body, nullptr, false);
        if (body.is_discarded() || body.value("team_id", "") != team_id)
            return (app_error(400, "api.context.invalid_body_param.app_error",
                              "Invalid or missing channel in request body."));
        auto name = body.value("name", "");
        if (!taken_channel_names.insert(name).second)
            return (app_error(400, "store.sql_channel.save_channel.exists.app_error",
                              "A channel with that name already exists on the same team."));
        auto id = make_id("c");
        channels_[id] = body.value("type", "O");
        created_by_name_[name] = {id, name, bot_id, clock_ms_, {bot_id}};
        if (lose_next_create_reply) {
            lose_next_create_reply = false;
            return (app_error(500, "app.channel.create_channel.internal_error", "Timed out."));
        }
        return (json_reply(201, json{{"id", id},
                                     {"team_id", team_id},
                                     {"type", channels_[id]},
                                     {"name", name},
                                     {"display_name", body.value("display_name", "")},
                                     {"creator_id", bot_id}}
                                    .dump()));
    });
    route("POST", "/api/v4/channels/*", [this, record](const bot::http_request& r) {
        // /channels/{id}/members
        record("POST " + r.path().substr(std::string("/api/v4").size()), r);
        auto body = json::parse(r.body, nullptr, false);
        auto user = body.is_object() ? body.value("user_id", "") : std::string();
        auto id = r.path().substr(std::string("/api/v4/channels/").size(), 26);
        for (auto& [name, channel] : created_by_name_)
            if (channel.id == id) channel.members.insert(user);
        return (json_reply(201, json{{"user_id", user}, {"roles", "channel_user"}}.dump()));
    });
    route("PUT", "/api/v4/posts/*", [record](const bot::http_request& r) {
        // /posts/{id}/patch
        record("PUT " + r.path().substr(std::string("/api/v4").size()), r);
        auto body = json::parse(r.body, nullptr, false);
        auto id = r.path().substr(std::string("/api/v4/posts/").size(), 26);
        return (json_reply(
            200, json{{"id", id}, {"message", body.is_object() ? body.value("message", "") : ""}}.dump()));
    });
    route("POST", "/api/v4/actions/dialogs/open", [record](const bot::http_request& r) {
        record("POST /actions/dialogs/open", r);
        return (json_reply(200, json{{"status", "OK"}}.dump()));
    });
    route("POST", "/api/v4/reactions", [this](const bot::http_request& r) {
        std::lock_guard guard(lock_);
        if (!reacted_.insert(r.body).second) {
            ++state_.duplicate_reactions;
        } else {
            ++state_.reactions;
            state_.calls.push_back({"POST /reactions", r.body});
        }
        return (json_reply(201, r.body));
    });
    // DELETE /users/{user_id}/posts/{post_id}/reactions/{emoji_name}
    route("DELETE", "/api/v4/users/*", [this](const bot::http_request& r) {
        std::lock_guard guard(lock_);
        state_.calls.push_back({"DELETE " + r.path().substr(7), ""});
        return (json_reply(200, R"({"status":"OK"})"));
    });
    route("POST", "/api/v4/files", [record](const bot::http_request& r) {
        record("POST /files", r);
        return (json_reply(
            201,
            R"({"file_infos":[{"id":"file00000000000000000000001","name":"postmortem.md"}],"client_ids":[]})"));
    });
}

}  // namespace hindsight::testing
