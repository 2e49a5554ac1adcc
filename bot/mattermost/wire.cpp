#include "bot/mattermost/wire.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include <nlohmann/json.hpp>

#include "bot/common/signing.hpp"
#include "bot/common/slash_command.hpp"
#include "domain/json_writer.hpp"

namespace hindsight::mattermost {

using nlohmann::json;

namespace {

std::string string_at(const json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::int64_t int_at(const json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_number_integer() ? found->get<std::int64_t>() : 0;
}

// data.post, data.reaction: JSON text inside the JSON (protocols/mattermost.md §1.3).
std::optional<json> inner_object(const json& data, const char* key) {
    auto found = data.find(key);
    if (found == data.end()) return std::nullopt;
    if (found->is_object()) return *found;  // tolerated, should a server ever send it plainly
    if (!found->is_string()) return std::nullopt;
    auto parsed = json::parse(found->get<std::string>(), nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
    return parsed;
}

chat::channel_ref channel_of_type(std::string id, std::string_view type) {
    chat::channel_ref channel;
    channel.id = std::move(id);
    channel.is_private = type != "O";  // P, D, G, and any type we do not know
    channel.is_direct = type == "D";
    return channel;
}

bool from_bot(const json& post, std::string_view self) {
    auto props = post.find("props");
    bool bot_prop = props != post.end() && props->is_object() && string_at(*props, "from_bot") == "true";
    return bot_prop || (!self.empty() && string_at(post, "user_id") == self);
}

chat::message_posted posted_from(const json& post, const chat::channel_ref& channel, std::string_view self) {
    chat::message_posted m;
    m.channel = channel;
    m.message_id = string_at(post, "id");
    m.thread_root = string_at(post, "root_id");
    m.user = string_at(post, "user_id");
    m.text = string_at(post, "message");
    m.at = domain::from_millis(int_at(post, "create_at"));
    m.from_bot = from_bot(post, self);
    return m;
}

bool system_post(const json& post) {
    return string_at(post, "type").starts_with("system_");
}

}  // namespace

std::string post_key(std::string_view post_id) {
    return "post:" + std::string(post_id);
}

std::string edit_key(std::string_view post_id, std::int64_t edit_at) {
    return "edit:" + std::string(post_id) + ":" + std::to_string(edit_at);
}

std::string reaction_key(bool added, std::string_view post_id, std::string_view user, std::string_view emoji,
                         std::int64_t at) {
    return std::string(added ? "react+:" : "react-:") + std::string(post_id) + ":" + std::string(user) + ":" +
           std::string(emoji) + ":" + std::to_string(at);
}

namespace {

// Where an event's decoder leaves its verdict: the frame then says what to file, or why nothing is.
struct frame_verdict {
    ws_frame& frame;
    std::string_view workspace;

    ws_frame ignore(std::string why) {
        frame.ignored_because = std::move(why);
        return frame;
    }
    ws_frame file(std::string key, chat::event e) {
        frame.decoded = chat::inbound{std::string(workspace), std::move(key), std::move(e)};
        return frame;
    }
};

ws_frame file_posted(const json& data, const json& post, const std::string& id, const std::string& channel_id,
                     std::string_view self, frame_verdict& verdict) {
    auto channel = channel_of_type(channel_id, string_at(data, "channel_type"));
    return verdict.file(post_key(id), posted_from(post, channel, self));
}

ws_frame file_edited(const json& post, const std::string& id, const chat::channel_ref& channel,
                     frame_verdict& verdict) {
    auto edit_at = int_at(post, "edit_at");
    // Pins, reactions on old servers and props changes are post_edited too; only a message edit counts.
    if (edit_at == 0) return verdict.ignore("an update that is not a message edit");
    return verdict.file(edit_key(id, edit_at), chat::message_edited{channel, id, string_at(post, "message"),
                                                                    domain::from_millis(edit_at)});
}

ws_frame file_deleted(const json& post, const std::string& id, const chat::channel_ref& channel,
                      frame_verdict& verdict) {
    auto at = std::max(int_at(post, "delete_at"), int_at(post, "update_at"));
    return verdict.file("del:" + id, chat::message_deleted{channel, id, domain::from_millis(at)});
}

// posted, post_edited and post_deleted all carry the post, and are checked alike before telling them apart.
ws_frame decode_post_event(const json& data, std::string_view self, frame_verdict& verdict) {
    const auto& type = verdict.frame.event_type;
    auto post = inner_object(data, "post");
    if (!post) return verdict.ignore(type + " without a readable post");
    if (system_post(*post)) return verdict.ignore("a system message");
    auto id = string_at(*post, "id");
    auto channel_id = string_at(*post, "channel_id");
    if (id.empty() || channel_id.empty()) return verdict.ignore(type + " without a post id or channel");
    if (type == "posted") return file_posted(data, *post, id, channel_id, self, verdict);
    chat::channel_ref channel;
    channel.id = channel_id;
    if (type == "post_edited") return file_edited(*post, id, channel, verdict);
    return file_deleted(*post, id, channel, verdict);
}

ws_frame decode_reaction_event(const json& data, frame_verdict& verdict) {
    const auto& type = verdict.frame.event_type;
    auto reaction = inner_object(data, "reaction");
    if (!reaction) return verdict.ignore(type + " without a readable reaction");
    bool added = type == "reaction_added";
    chat::reaction_changed r;
    r.channel.id = string_at(*reaction, "channel_id");
    if (r.channel.id.empty()) r.channel.id = verdict.frame.channel_id;
    r.message_id = string_at(*reaction, "post_id");
    r.user = string_at(*reaction, "user_id");
    r.emoji = string_at(*reaction, "emoji_name");
    r.added = added;
    auto at = added ? int_at(*reaction, "create_at")
                    : std::max(int_at(*reaction, "delete_at"), int_at(*reaction, "update_at"));
    r.at = domain::from_millis(at);
    if (r.channel.id.empty() || r.message_id.empty() || r.user.empty() || r.emoji.empty())
        return verdict.ignore(type + " without channel, post, user or emoji");
    auto key = reaction_key(added, r.message_id, r.user, r.emoji, at);
    return verdict.file(std::move(key), std::move(r));
}

ws_frame decode_user_added(const json& data, frame_verdict& verdict) {
    chat::member_joined joined;
    joined.channel.id = verdict.frame.channel_id;
    joined.channel.is_private =
        true;  // not in the event; nothing this event leads to shows content elsewhere
    joined.user = string_at(data, "user_id");
    if (joined.user.empty())
        if (auto user = data.find("user"); user != data.end() && user->is_object())
            joined.user = string_at(*user, "id");  // older default-channel paths send the whole user
    if (joined.channel.id.empty() || joined.user.empty())
        return verdict.ignore("user_added without channel or user");
    // No time in the event: its seq tells a replay (same seq) from a later join (another seq).
    auto key = "joined:" + joined.channel.id + ":" + joined.user + ":" + std::to_string(verdict.frame.seq);
    return verdict.file(std::move(key), std::move(joined));
}

}  // namespace

ws_frame read_ws_frame(std::string_view text, std::string_view workspace, std::string_view self) {
    ws_frame frame;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.remove_suffix(1);
    auto parsed = json::parse(text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
        frame.ignored_because = "not a JSON object";
        return frame;
    }
    if (!parsed.contains("event")) {
        if (parsed.contains("seq_reply") || parsed.contains("status")) {
            frame.what = ws_frame::kind::response;
            return frame;
        }
        frame.ignored_because = "neither an event nor a response";
        return frame;
    }
    auto seq = parsed.find("seq");
    if (seq == parsed.end() || !seq->is_number_integer()) {
        frame.ignored_because = "an event without seq";
        return frame;
    }
    frame.seq = seq->get<std::int64_t>();
    frame.event_type = string_at(parsed, "event");
    auto data_it = parsed.find("data");
    json data = data_it != parsed.end() && data_it->is_object() ? *data_it : json::object();
    auto broadcast = parsed.find("broadcast");
    if (broadcast != parsed.end() && broadcast->is_object())
        frame.channel_id = string_at(*broadcast, "channel_id");
    frame.what = ws_frame::kind::event;
    if (frame.event_type == "hello") {
        frame.what = ws_frame::kind::hello;
        frame.connection_id = string_at(data, "connection_id");
        return frame;
    }
    frame_verdict verdict{frame, workspace};
    const auto& type = frame.event_type;
    if (type == "posted" || type == "post_edited" || type == "post_deleted")
        return decode_post_event(data, self, verdict);
    if (type == "reaction_added" || type == "reaction_removed") return decode_reaction_event(data, verdict);
    if (type == "user_added") return decode_user_added(data, verdict);
    // Sent only to a channel's creator: here, for channels the bot made itself (start --new-channel).
    if (type == "channel_created") return verdict.ignore("channel_created (our own channel)");
    return verdict.ignore("event " + type);
}

api_reply read_reply(int http_status, std::string_view body, std::string_view retry_after,
                     std::string_view rate_limit_reset) {
    api_reply reply;
    if (http_status >= 200 && http_status < 300) {
        reply.status = api_reply::verdict::ok;
        return reply;
    }
    auto seconds_from = [](std::string_view text) -> std::optional<long long> {
        if (text.empty()) return std::nullopt;
        long long value = 0;
        for (char c : text) {
            if (c < '0' || c > '9') return std::nullopt;
            value = value * 10 + (c - '0');
            if (value > 3600) return 3600;
        }
        return value;
    };
    if (http_status == 429) {
        reply.status = api_reply::verdict::retry;
        reply.error = "rate limited";
        auto wait = seconds_from(retry_after);
        if (!wait) wait = seconds_from(rate_limit_reset);
        reply.retry_after = std::chrono::seconds{wait.value_or(1)};
        reply.explanation = "the Mattermost server's rate limit";
        return reply;
    }
    if (http_status == 0 || http_status >= 500) {
        reply.status = api_reply::verdict::retry;
        reply.error = http_status ? "HTTP " + std::to_string(http_status) : "no answer";
        return reply;
    }
    reply.status = api_reply::verdict::rejected;
    auto parsed = json::parse(body, nullptr, false);
    if (!parsed.is_discarded() && parsed.is_object()) {
        reply.error = string_at(parsed, "id");
        reply.explanation = string_at(parsed, "message");
    }
    if (reply.error.empty()) reply.error = "HTTP " + std::to_string(http_status);
    if (http_status == 401)
        reply.explanation = "the bot token is not accepted: check MATTERMOST_TOKEN";
    else if (http_status == 403 && reply.explanation.empty())
        reply.explanation = "the bot lacks a permission for this";
    return reply;
}

std::optional<me_info> read_me(std::string_view body) {
    auto parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
    me_info me{string_at(parsed, "id"), string_at(parsed, "username")};
    if (me.user_id.empty()) return std::nullopt;
    return me;
}

std::optional<std::string> read_id(std::string_view body) {
    auto parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
    auto id = string_at(parsed, "id");
    if (id.empty()) return std::nullopt;
    return id;
}

std::optional<std::string> read_first_id(std::string_view body) {
    auto parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_array() || parsed.empty() || !parsed[0].is_object())
        return std::nullopt;
    auto id = string_at(parsed[0], "id");
    if (id.empty()) return std::nullopt;
    return id;
}

std::optional<user_profile> read_user(std::string_view body) {
    auto parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object() || string_at(parsed, "id").empty()) return std::nullopt;
    user_profile user;
    user.username = string_at(parsed, "username");
    auto zone = parsed.find("timezone");
    if (zone != parsed.end() && zone->is_object()) {
        bool automatic = string_at(*zone, "useAutomaticTimezone") == "true";
        user.time_zone = string_at(*zone, automatic ? "automaticTimezone" : "manualTimezone");
    }
    return user;
}

std::optional<channel_info> read_channel(std::string_view body) {
    auto parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
    channel_info channel{string_at(parsed, "id"), string_at(parsed, "type"), string_at(parsed, "creator_id"),
                         parsed.value("create_at", std::int64_t{0})};
    if (channel.id.empty()) return std::nullopt;
    return channel;
}

std::optional<std::int64_t> read_member_count(std::string_view body) {
    auto parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
    auto count = parsed.find("member_count");
    if (count == parsed.end() || !count->is_number_integer()) return std::nullopt;
    return count->get<std::int64_t>();
}

std::optional<chat::message_posted> read_post(std::string_view body, std::string_view self) {
    auto parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object() || string_at(parsed, "id").empty()) return std::nullopt;
    chat::channel_ref channel;
    channel.id = string_at(parsed, "channel_id");
    return posted_from(parsed, channel, self);
}

std::vector<chat::inbound> read_posts_since(std::string_view body, const chat::channel_ref& channel,
                                            std::string_view workspace, std::string_view self,
                                            std::int64_t* newest_update_at, std::int64_t not_before) {
    std::vector<chat::inbound> events;
    auto parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return events;
    auto posts = parsed.find("posts");
    if (posts == parsed.end() || !posts->is_object()) return events;
    std::vector<const json*> ordered;
    for (const auto& [id, post] : posts->items())
        if (post.is_object()) ordered.push_back(&post);
    std::sort(ordered.begin(), ordered.end(),
              [](const json* a, const json* b) { return int_at(*a, "create_at") < int_at(*b, "create_at"); });
    std::string ws(workspace);
    for (const json* post : ordered) {
        if (newest_update_at) *newest_update_at = std::max(*newest_update_at, int_at(*post, "update_at"));
        if (system_post(*post) || int_at(*post, "create_at") < not_before) continue;
        auto id = string_at(*post, "id");
        if (id.empty()) continue;
        if (int_at(*post, "delete_at") > 0) {
            events.push_back(
                {ws, "del:" + id,
                 chat::message_deleted{channel, id, domain::from_millis(int_at(*post, "delete_at"))}});
            continue;
        }
        events.push_back({ws, post_key(id), posted_from(*post, channel, self)});
        if (auto edit_at = int_at(*post, "edit_at"); edit_at > 0)
            events.push_back({ws, edit_key(id, edit_at),
                              chat::message_edited{channel, id, string_at(*post, "message"),
                                                   domain::from_millis(edit_at)}});
        auto metadata = post->find("metadata");
        if (metadata == post->end() || !metadata->is_object()) continue;
        auto reactions = metadata->find("reactions");
        if (reactions == metadata->end() || !reactions->is_array()) continue;
        for (const auto& reaction : *reactions) {
            if (!reaction.is_object()) continue;
            chat::reaction_changed r;
            r.channel = channel;
            r.message_id = id;
            r.user = string_at(reaction, "user_id");
            r.emoji = string_at(reaction, "emoji_name");
            r.added = true;
            auto at = int_at(reaction, "create_at");
            r.at = domain::from_millis(at);
            if (r.user.empty() || r.emoji.empty()) continue;
            auto key = reaction_key(true, id, r.user, r.emoji, at);
            events.push_back({ws, std::move(key), std::move(r)});
        }
    }
    return events;
}

std::string history_request_path(std::string_view channel, std::string_view cursor, std::int64_t since_ms) {
    auto base = "/channels/" + std::string(channel) + "/posts";
    // The server answers posts changed after `since`: one millisecond earlier keeps the first one.
    if (!cursor.starts_with("page:")) return base + "?since=" + std::to_string(since_ms - 1);
    return base + "?page=" + std::string(cursor.substr(5)) + "&per_page=" + std::to_string(history_page_size);
}

std::optional<std::string> next_history_cursor(std::string_view body, std::string_view cursor,
                                               std::int64_t since_ms) {
    auto parsed = json::parse(body, nullptr, false);
    auto order = parsed.is_object() ? parsed.find("order") : parsed.end();
    auto posts = parsed.is_object() ? parsed.find("posts") : parsed.end();
    if (order == parsed.end() || !order->is_array() || posts == parsed.end() || !posts->is_object())
        return std::nullopt;
    if (!cursor.starts_with("page:"))
        // Below the server's limit the answer is the whole window; at it, some posts may be missing.
        return order->size() < posts_since_limit ? std::string() : std::string("page:0");
    if (order->size() < history_page_size) return std::string();
    std::int64_t oldest = std::numeric_limits<std::int64_t>::max();
    for (const auto& id : *order) {
        auto post = id.is_string() ? posts->find(id.get<std::string>()) : posts->end();
        if (post != posts->end() && post->is_object()) oldest = std::min(oldest, int_at(*post, "create_at"));
    }
    if (oldest < since_ms) return std::string();
    int page = 0;
    auto digits = cursor.substr(5);
    std::from_chars(digits.data(), digits.data() + digits.size(), page);
    constexpr int most_pages = 1000;  // 200 000 posts: a bound on a server that never stops answering
    if (page + 1 >= most_pages) return std::string();
    return "page:" + std::to_string(page + 1);
}

namespace {

void write_attachments(domain::json_writer& out, std::string_view channel,
                       const std::vector<chat::button>& buttons, const button_target& target,
                       bool from_bot = false) {
    out.key("props").begin_object();
    if (from_bot) out.key("from_bot").value("true");  // a patch replaces all props, the server's too
    {
        out.key("attachments").begin_array().begin_object();
        out.key("actions").begin_array();
        for (std::size_t i = 0; i < buttons.size(); ++i) {
            const auto& b = buttons[i];
            out.begin_object()
                .key("id")
                .value("hindsight" + std::to_string(i))
                .key("type")
                .value("button")
                .key("name")
                .value(b.label);
            out.key("integration").begin_object().key("url").value(target.actions_url);
            out.key("context").begin_object().key("command").value(b.command);
            out.key("signature").value(action_signature(target.key, b.command, channel));
            if (!b.prompt.empty()) out.key("prompt").value(b.prompt).key("label").value(b.label);
            out.end_object().end_object().end_object();
        }
        out.end_array().end_object().end_array();
    }
    out.end_object();
}

// A dialog's state is signed apart from buttons ("form:" first: a button's context cannot pass for a state),
// and binds who may submit it, until when, and its nonce.
std::string form_signature(std::string_view key, std::string_view command, std::string_view channel,
                           std::string_view user, std::int64_t expires_at_ms, std::string_view nonce) {
    return action_signature(key,
                            "form:" + std::string(command) + "\n" + std::string(user) + "\n" +
                                std::to_string(expires_at_ms) + "\n" + std::string(nonce),
                            channel);
}

bool same_signature(std::string_view key, std::string_view signature, const std::string& expected) {
    return !key.empty() && common::equal_in_constant_time(signature, expected);
}

}  // namespace

std::string create_post_body(std::string_view channel, std::string_view message, std::string_view root_id,
                             std::string_view pending_post_id, std::string_view file_id,
                             const std::vector<chat::button>& buttons, const button_target& target) {
    domain::json_writer out;
    out.begin_object().key("channel_id").value(channel).key("message").value(message);
    if (!root_id.empty()) out.key("root_id").value(root_id);
    if (!pending_post_id.empty()) out.key("pending_post_id").value(pending_post_id);
    if (!file_id.empty()) out.key("file_ids").begin_array().value(file_id).end_array();
    if (!buttons.empty() && !target.actions_url.empty()) write_attachments(out, channel, buttons, target);
    out.end_object();
    return out.str();
}

std::string patch_post_body(std::string_view channel, std::string_view message,
                            const std::vector<chat::button>& buttons, const button_target& target) {
    domain::json_writer out;
    out.begin_object().key("message").value(message);
    // Props only with buttons: without, the patch leaves the post's props (and the server's) alone.
    if (!buttons.empty() && !target.actions_url.empty())
        write_attachments(out, channel, buttons, target, true);
    out.end_object();
    return out.str();
}

std::string create_channel_body(std::string_view team, std::string_view name, bool is_private) {
    domain::json_writer out;
    out.begin_object()
        .key("team_id")
        .value(team)
        .key("name")
        .value(name)
        .key("display_name")
        .value(name)
        .key("type")
        .value(is_private ? "P" : "O");
    out.end_object();
    return out.str();
}

std::string channel_member_body(std::string_view user) {
    domain::json_writer out;
    out.begin_object().key("user_id").value(user).end_object();
    return out.str();
}

std::string open_dialog_body(const dialog_request& dialog, std::string_view url, std::string_view key) {
    domain::json_writer state;
    state.begin_object()
        .key("command")
        .value(dialog.command)
        .key("channel")
        .value(dialog.channel)
        .key("user")
        .value(dialog.user)
        .key("expires")
        .value(dialog.expires_at_ms)
        .key("nonce")
        .value(dialog.nonce)
        .key("signature")
        .value(form_signature(key, dialog.command, dialog.channel, dialog.user, dialog.expires_at_ms,
                              dialog.nonce));
    state.end_object();
    auto clip = [](std::string_view text, std::size_t limit) {
        if (text.size() <= limit) return std::string(text);
        while (limit > 0 && (static_cast<unsigned char>(text[limit]) & 0xC0) == 0x80) --limit;
        return std::string(text.substr(0, limit));
    };
    domain::json_writer out;
    out.begin_object().key("trigger_id").value(dialog.trigger_id).key("url").value(url);
    out.key("dialog").begin_object();
    // Mattermost refuses titles and element names over 24 characters and help texts over 150.
    out.key("callback_id").value("hindsight:form").key("title").value(clip(dialog.title, 24));
    out.key("submit_label").value("Save").key("state").value(state.str());
    out.key("elements").begin_array().begin_object();
    out.key("display_name").value("Answer").key("name").value("text").key("type").value("textarea");
    out.key("max_length").value(std::int64_t{3000});
    if (!dialog.prompt.empty()) out.key("help_text").value(clip(dialog.prompt, 150));
    out.end_object().end_array();
    out.end_object().end_object();
    return out.str();
}

std::string action_signature(std::string_view key, std::string_view command, std::string_view channel) {
    // The channel is signed too: a button works only where it was posted (a digest's only in that direct
    // conversation), whoever copies its request.
    return common::hmac_sha256_hex(key, std::string(command) + '\n' + std::string(channel));
}

namespace {

result<action_outcome> decode_dialog_submission(const json& parsed, std::string_view key,
                                                domain::timestamp received_at) {
    if (parsed.value("cancelled", false)) return action_outcome{};
    auto state = json::parse(string_at(parsed, "state"), nullptr, false);
    if (state.is_discarded() || !state.is_object())
        return make_error(errc::forbidden, "a dialog submission without our state");
    auto command = string_at(state, "command");
    auto channel = string_at(state, "channel");
    auto user = string_at(state, "user");
    auto nonce = string_at(state, "nonce");
    auto expires_field = state.find("expires");
    std::int64_t expires = expires_field != state.end() && expires_field->is_number_integer()
                               ? expires_field->get<std::int64_t>()
                               : 0;  // missing or not a number: the signature cannot match
    if (command.empty() || user.empty() || nonce.empty() ||
        !same_signature(key, string_at(state, "signature"),
                        form_signature(key, command, channel, user, expires, nonce)))
        return make_error(errc::forbidden, "the dialog's signature does not match");
    if (string_at(parsed, "user_id") != user)
        return make_error(errc::forbidden, "the dialog was opened for someone else");
    if (domain::to_millis(received_at) > expires)
        return make_error(errc::forbidden, "the dialog has expired; click the button again");
    std::string answer;
    if (auto submission = parsed.find("submission"); submission != parsed.end() && submission->is_object())
        answer = string_at(*submission, "text");
    chat::command_invoked c;
    c.user = string_at(parsed, "user_id");
    c.channel.id = channel;  // the signed one, not the channel_id the client sends alongside
    c.text = command + " " + answer;
    c.at = received_at;
    if (c.user.empty() || c.channel.id.empty())
        return make_error(errc::bad_input, "a dialog submission without user or channel");
    // One submission per dialog: a replayed one is a duplicate in the inbox.
    auto key_text = "dlg:" + nonce;
    action_outcome out;
    out.event = chat::inbound{string_at(parsed, "team_id"), key_text, std::move(c)};
    return out;
}

}  // namespace

result<action_outcome> decode_action(std::string_view body, std::string_view key,
                                     domain::timestamp received_at) {
    auto parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return make_error(errc::bad_input, "not a JSON object");
    if (string_at(parsed, "type") == "dialog_submission")
        return decode_dialog_submission(parsed, key, received_at);
    auto context = parsed.find("context");
    if (context == parsed.end() || !context->is_object())
        return make_error(errc::bad_input, "an action without context");
    auto command = string_at(*context, "command");
    auto channel = string_at(parsed, "channel_id");
    if (command.empty() ||
        !same_signature(key, string_at(*context, "signature"), action_signature(key, command, channel)))
        return make_error(errc::forbidden, "the button's signature does not match");
    auto user = string_at(parsed, "user_id");
    if (user.empty() || channel.empty())
        return make_error(errc::bad_input, "an action without user or channel");
    auto trigger = string_at(parsed, "trigger_id");
    action_outcome out;
    if (auto prompt = string_at(*context, "prompt"); !prompt.empty()) {
        if (trigger.empty()) return make_error(errc::bad_input, "an ask button without trigger_id");
        out.dialog =
            dialog_request{trigger, string_at(*context, "label"), prompt, command, channel, user, 0, {}};
        return out;
    }
    chat::command_invoked c;
    c.user = user;
    c.channel.id = channel;
    c.text = command;
    c.at = received_at;
    auto key_text = "btn:" + (trigger.empty() ? string_at(parsed, "post_id") + ":" + c.user : trigger);
    out.event = chat::inbound{string_at(parsed, "team_id"), key_text, std::move(c)};
    return out;
}

std::string ephemeral_post_body(std::string_view user, std::string_view channel, std::string_view message,
                                std::string_view root_id) {
    domain::json_writer out;
    out.begin_object().key("user_id").value(user).key("post").begin_object();
    out.key("channel_id").value(channel).key("message").value(message);
    if (!root_id.empty()) out.key("root_id").value(root_id);
    out.end_object().end_object();
    return out.str();
}

std::string reaction_body(std::string_view self, std::string_view post_id, std::string_view emoji) {
    domain::json_writer out;
    out.begin_object()
        .key("user_id")
        .value(self)
        .key("post_id")
        .value(post_id)
        .key("emoji_name")
        .value(emoji);
    out.end_object();
    return out.str();
}

std::string direct_channel_body(std::string_view self, std::string_view user) {
    domain::json_writer out;
    out.begin_array().value(self).value(user).end_array();
    return out.str();
}

std::string upload_body(std::string_view boundary, std::string_view channel, std::string_view file_name,
                        std::string_view content) {
    std::string b(boundary);
    std::string out;
    out += "--" + b + "\r\nContent-Disposition: form-data; name=\"channel_id\"\r\n\r\n" +
           std::string(channel) + "\r\n";
    out += "--" + b + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" +
           std::string(file_name) + "\"\r\nContent-Type: text/markdown; charset=utf-8\r\n\r\n";
    out += content;
    out += "\r\n--" + b + "--\r\n";
    return out;
}

std::optional<std::string> read_uploaded_file_id(std::string_view body) {
    auto parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
    auto infos = parsed.find("file_infos");
    if (infos == parsed.end() || !infos->is_array() || infos->empty() || !(*infos)[0].is_object())
        return std::nullopt;
    auto id = string_at((*infos)[0], "id");
    if (id.empty()) return std::nullopt;
    return id;
}

result<chat::inbound> decode_slash_command(const std::map<std::string, std::string>& fields,
                                           std::string_view trigger, domain::timestamp received_at) {
    auto form = common::read_slash_form(fields, trigger);
    if (!form) return form.failure();
    if (form->channel.empty() || form->user.empty())
        return make_error(errc::bad_input, "slash command without channel_id or user_id");
    chat::channel_ref channel;
    channel.id = form->channel;
    channel.is_direct = form->channel_name.find("__") != std::string::npos;
    channel.is_private = channel.is_direct;
    const auto& text = form->text;
    auto first = text.find_first_not_of(' ');
    auto last = text.find_last_not_of(' ');
    auto trimmed = first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
    return common::slash_command_event(*form, std::move(channel), std::move(trimmed), received_at);
}

std::string command_token_from_header(std::string_view authorization) {
    if (!authorization.starts_with("Token ")) return {};
    return std::string(authorization.substr(6));
}

std::string command_response(std::string_view ephemeral_text) {
    if (ephemeral_text.empty()) return "{}";
    domain::json_writer out;
    out.begin_object().key("response_type").value("ephemeral").key("text").value(ephemeral_text).end_object();
    return out.str();
}

std::string to_mattermost_text(std::string_view neutral) {
    std::string out;
    out.reserve(neutral.size() + 16);
    bool in_code = false;
    for (std::size_t i = 0; i < neutral.size(); ++i) {
        char c = neutral[i];
        if (c == '`') {
            // A fence or a span toggles code; inside it nothing is rewritten.
            std::size_t run = 1;
            while (i + run < neutral.size() && neutral[i + run] == '`') ++run;
            out.append(neutral.substr(i, run));
            i += run - 1;
            in_code = !in_code;
            continue;
        }
        if (!in_code && (c == '*' || c == '~')) {
            out += c;
            out += c;
            continue;
        }
        out += c;
    }
    return out;
}

}  // namespace hindsight::mattermost
