#include "bot/slack/events.hpp"

#include "bot/common/slash_command.hpp"
#include "bot/slack/events_json.hpp"
#include "domain/form.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

namespace hindsight::slack {
namespace {

using nlohmann::json;

std::string string_field(const json& j, const char* key) {
    auto found = j.find(key);
    return found != j.end() && found->is_string() ? found->get<std::string>() : std::string();
}

chat::channel_ref channel_of(const json& event) {
    chat::channel_ref channel;
    channel.id = string_field(event, "channel");
    auto type = string_field(event, "channel_type");
    // Message events say "channel", "group", "im", "mpim"; don't infer privacy from the id's first letter.
    channel.is_private = type == "group" || type == "mpim" || type == "im";
    channel.is_direct = type == "im";
    return channel;
}

decoded_payload ignored(std::string reason) {
    decoded_payload out;
    out.what = decoded_payload::kind::ignored;
    out.reason = std::move(reason);
    return out;
}

decoded_payload as_event(std::string workspace, std::string dedup_key, chat::event e) {
    decoded_payload out;
    out.what = decoded_payload::kind::event;
    out.event = chat::inbound{std::move(workspace), std::move(dedup_key), std::move(e)};
    return out;
}

bool from_self(const json& message, const bot_identity& self) {
    auto bot_id = string_field(message, "bot_id");
    auto user = string_field(message, "user");
    return (!self.bot_id.empty() && bot_id == self.bot_id) || (!self.user_id.empty() && user == self.user_id);
}

result<decoded_payload> decode_message_posted(const json& event, const std::string& subtype,
                                              const chat::channel_ref& channel, const bot_identity& self,
                                              const std::string& workspace, const std::string& event_id) {
    auto ts = string_field(event, "ts");
    auto at = parse_ts(ts);
    if (channel.id.empty() || !at) return make_error(errc::bad_input, "message without channel or ts");
    auto thread = string_field(event, "thread_ts");
    chat::message_posted m;
    m.channel = channel;
    m.message_id = ts;
    m.thread_root = thread == ts ? std::string() : thread;
    m.user = string_field(event, "user");
    m.text = string_field(event, "text");
    m.at = *at;
    // Any bot's post (ours included) is never captured by a prefix; ours come back without a subtype.
    m.from_bot = subtype == "bot_message" || event.contains("bot_id") || from_self(event, self);
    return as_event(workspace, event_id, std::move(m));
}

result<decoded_payload> decode_message_changed(const json& event, const chat::channel_ref& channel,
                                               const std::string& workspace, const std::string& event_id) {
    auto message = event.find("message");
    if (message == event.end() || !message->is_object())
        return make_error(errc::bad_input, "message_changed without message");
    auto ts = string_field(*message, "ts");
    if (ts.empty()) {
        auto previous = event.find("previous_message");
        if (previous != event.end() && previous->is_object()) ts = string_field(*previous, "ts");
    }
    auto previous = event.find("previous_message");
    auto old_text = previous != event.end() && previous->is_object() ? string_field(*previous, "text") : "";
    auto new_text = string_field(*message, "text");
    // Unfurls and reply counters also arrive as message_changed: only a text change is an edit.
    if (!message->contains("edited") && new_text == old_text)
        return ignored("message_changed without an edit");
    auto at = parse_ts(string_field(event, "ts"));
    if (ts.empty() || !at) return make_error(errc::bad_input, "message_changed without ts");
    return as_event(workspace, event_id, chat::message_edited{channel, ts, new_text, *at});
}

result<decoded_payload> decode_message_deleted(const json& event, const chat::channel_ref& channel,
                                               const std::string& workspace, const std::string& event_id) {
    auto deleted = string_field(event, "deleted_ts");
    auto at = parse_ts(string_field(event, "ts"));
    if (deleted.empty() || !at) return make_error(errc::bad_input, "message_deleted without deleted_ts");
    return as_event(workspace, event_id, chat::message_deleted{channel, deleted, *at});
}

result<decoded_payload> decode_message(const json& event, const bot_identity& self,
                                       const std::string& workspace, const std::string& event_id) {
    auto subtype = string_field(event, "subtype");
    auto channel = channel_of(event);
    if (subtype.empty() || subtype == "thread_broadcast" || subtype == "file_share" ||
        subtype == "bot_message" || subtype == "me_message")
        return decode_message_posted(event, subtype, channel, self, workspace, event_id);
    if (subtype == "message_changed") return decode_message_changed(event, channel, workspace, event_id);
    if (subtype == "message_deleted") return decode_message_deleted(event, channel, workspace, event_id);
    return ignored("message subtype " + subtype);
}

result<decoded_payload> decode_reaction(const json& event, const std::string& type,
                                        const std::string& workspace, const std::string& event_id) {
    auto item = event.find("item");
    if (item == event.end() || !item->is_object()) return make_error(errc::bad_input, type + " without item");
    if (string_field(*item, "type") != "message")
        return ignored(type + " on a " + string_field(*item, "type"));
    auto at = parse_ts(string_field(event, "event_ts"));
    chat::reaction_changed r;
    r.channel.id = string_field(*item, "channel");
    r.message_id = string_field(*item, "ts");
    r.user = string_field(event, "user");
    r.emoji = string_field(event, "reaction");
    r.added = type == "reaction_added";
    r.at = at.value_or(domain::timestamp{});
    if (r.channel.id.empty() || r.message_id.empty() || r.user.empty() || r.emoji.empty())
        return make_error(errc::bad_input, type + " without channel, ts, user or reaction");
    return as_event(workspace, event_id, std::move(r));
}

result<decoded_payload> decode_member_joined(const json& event, const std::string& workspace,
                                             const std::string& event_id) {
    chat::member_joined joined;
    joined.channel.id = string_field(event, "channel");
    // A one-letter code here (C public, G private), unlike message events; anything else counts as private.
    joined.channel.is_private = string_field(event, "channel_type") != "C";
    joined.user = string_field(event, "user");
    joined.at = parse_ts(string_field(event, "event_ts")).value_or(domain::timestamp{});
    if (joined.channel.id.empty() || joined.user.empty())
        return make_error(errc::bad_input, "member_joined_channel without channel or user");
    return as_event(workspace, event_id, std::move(joined));
}

result<decoded_payload> decode_inner(const json& envelope, const bot_identity& self) {
    auto workspace = string_field(envelope, "team_id");
    auto event_id = string_field(envelope, "event_id");
    auto found = envelope.find("event");
    if (workspace.empty() || event_id.empty() || found == envelope.end() || !found->is_object())
        return make_error(errc::bad_input, "event_callback without team_id, event_id or event");
    const auto& event = *found;
    auto type = string_field(event, "type");

    if (type == "message") return decode_message(event, self, workspace, event_id);
    if (type == "reaction_added" || type == "reaction_removed")
        return decode_reaction(event, type, workspace, event_id);
    if (type == "member_joined_channel") return decode_member_joined(event, workspace, event_id);

    // A mention also arrives as a plain message event: handling both would act twice.
    if (type == "app_mention") return ignored("app_mention (the message event carries it)");
    return ignored("event type " + (type.empty() ? std::string("(none)") : type));
}

}  // namespace

std::optional<domain::timestamp> parse_ts(std::string_view ts) {
    auto dot = ts.find('.');
    auto whole = ts.substr(0, dot);
    long long seconds = 0;
    auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
    if (whole.empty() || ec != std::errc{} || end != whole.data() + whole.size() || seconds < 0)
        return std::nullopt;
    long long millis = 0;
    if (dot != std::string_view::npos) {
        auto fraction = ts.substr(dot + 1);
        for (std::size_t i = 0; i < fraction.size(); ++i) {
            if (fraction[i] < '0' || fraction[i] > '9') return std::nullopt;
            if (i < 3) millis = millis * 10 + (fraction[i] - '0');
        }
        for (std::size_t i = fraction.size(); i < 3; ++i) millis *= 10;
    }
    return domain::from_millis(seconds * 1000 + millis);
}

result<decoded_payload> decode_event_callback_json(const json& event_callback, const bot_identity& self) {
    if (!event_callback.is_object()) return make_error(errc::bad_input, "not a JSON object");
    return decode_inner(event_callback, self);
}

result<decoded_payload> decode_event_callback(std::string_view text, const bot_identity& self) {
    json envelope = json::parse(text, nullptr, false);
    if (envelope.is_discarded() || !envelope.is_object())
        return make_error(errc::bad_input, "not a JSON object");
    return decode_inner(envelope, self);
}

result<decoded_payload> decode_events_api(std::string_view body, const bot_identity& self) {
    json envelope = json::parse(body, nullptr, false);
    if (envelope.is_discarded() || !envelope.is_object())
        return make_error(errc::bad_input, "not a JSON object");
    auto type = string_field(envelope, "type");
    if (type == "url_verification") {
        decoded_payload out;
        out.what = decoded_payload::kind::url_verification;
        out.challenge = string_field(envelope, "challenge");
        if (out.challenge.empty()) return make_error(errc::bad_input, "url_verification without challenge");
        return out;
    }
    if (type == "app_rate_limited") {
        decoded_payload out;
        out.what = decoded_payload::kind::rate_limited;
        out.reason =
            "Slack is dropping events: app_rate_limited for team " + string_field(envelope, "team_id");
        return out;
    }
    if (type == "event_callback") return decode_inner(envelope, self);
    return ignored("payload type " + (type.empty() ? std::string("(none)") : type));
}

result<std::map<std::string, std::string>> parse_form(std::string_view body) {
    return domain::parse_form(body);
}

result<chat::inbound> decode_slash_command(const std::map<std::string, std::string>& fields,
                                           std::string_view trigger, domain::timestamp received_at) {
    auto form = common::read_slash_form(fields, trigger);
    if (!form) return form.failure();
    if (form->team.empty() || form->channel.empty() || form->user.empty())
        return make_error(errc::bad_input, "slash command without team_id, channel_id or user_id");
    chat::channel_ref channel;
    channel.id = form->channel;
    const auto& name = form->channel_name;
    channel.is_direct = name == "directmessage" || form->channel.starts_with("D");
    channel.is_private = channel.is_direct || name == "privategroup" || name == "mpdm";
    return common::slash_command_event(*form, std::move(channel), form->text, received_at);
}

namespace {

// The modal opened by an ask button, submitted: its private_metadata (set by us through views.open, which
// users cannot change) says what to run and where; the one input holds the text.
result<decoded_payload> decode_view_submission(const json& payload, domain::timestamp received_at) {
    auto view = payload.find("view");
    if (view == payload.end() || !view->is_object())
        return make_error(errc::bad_input, "a submission without view");
    if (string_field(*view, "callback_id") != "hindsight:form") return ignored("someone else's modal");
    auto metadata = json::parse(string_field(*view, "private_metadata"), nullptr, false);
    if (metadata.is_discarded() || !metadata.is_object())
        return make_error(errc::bad_input, "a submission without our private_metadata");
    std::string answer;
    if (auto state = view->find("state"); state != view->end() && state->is_object()) {
        auto values = state->find("values");
        if (values != state->end() && values->is_object()) {
            auto block = values->find("answer");
            if (block != values->end() && block->is_object()) {
                auto input = block->find("text");
                if (input != block->end() && input->is_object()) answer = string_field(*input, "value");
            }
        }
    }
    chat::command_invoked c;
    auto user = payload.find("user");
    if (user != payload.end() && user->is_object()) c.user = string_field(*user, "id");
    std::string team;
    if (auto t = payload.find("team"); t != payload.end() && t->is_object()) team = string_field(*t, "id");
    if (team.empty() && user != payload.end() && user->is_object()) team = string_field(*user, "team_id");
    c.channel.id = string_field(metadata, "channel");
    c.channel.is_direct = c.channel.id.starts_with("D");
    c.channel.is_private = true;  // as for clicks: the payload does not say
    c.thread_root = string_field(metadata, "thread");
    c.text = string_field(metadata, "command") + " " + answer;
    c.at = received_at;
    auto view_id = string_field(*view, "id");
    if (c.user.empty() || c.channel.id.empty() || team.empty() || view_id.empty())
        return make_error(errc::bad_input, "a submission without user, team, channel or view id");
    return as_event(team, "view:" + view_id, std::move(c));
}

}  // namespace

result<decoded_payload> decode_interaction(std::string_view text, domain::timestamp received_at) {
    auto payload = json::parse(text, nullptr, false);
    if (payload.is_discarded() || !payload.is_object())
        return make_error(errc::bad_input, "not a JSON object");
    auto type = string_field(payload, "type");
    if (type == "view_submission") return decode_view_submission(payload, received_at);
    if (type != "block_actions") return ignored("interaction " + type);
    auto actions = payload.find("actions");
    if (actions == payload.end() || !actions->is_array() || actions->empty() || !(*actions)[0].is_object())
        return make_error(errc::bad_input, "block_actions without actions");
    const auto& action = (*actions)[0];
    if (!string_field(action, "action_id").starts_with("hindsight:")) return ignored("someone else's action");
    auto object_field = [&](const char* object, const char* key) {
        auto found = payload.find(object);
        return found != payload.end() && found->is_object() ? string_field(*found, key) : std::string();
    };
    chat::command_invoked c;
    c.user = object_field("user", "id");
    c.channel.id = object_field("channel", "id");
    if (c.channel.id.empty()) c.channel.id = object_field("container", "channel_id");
    c.channel.is_direct = c.channel.id.starts_with("D");
    // The payload does not say whether the channel is private: count it as private, so that nothing a click
    // records or shows can leak out of it (commands act on the incident of the channel, whose privacy was
    // recorded when it started).
    c.channel.is_private = true;
    c.thread_root = object_field("container", "thread_ts");
    c.text = string_field(action, "value");
    c.at = received_at;
    auto team = object_field("team", "id");
    if (team.empty()) team = object_field("user", "team_id");
    if (string_field(action, "action_id").starts_with("hindsight:ask:")) {
        auto newline = c.text.find('\n');
        form_request form;
        form.trigger_id = string_field(payload, "trigger_id");
        form.command = c.text.substr(0, newline);
        form.prompt = newline == std::string::npos ? std::string() : c.text.substr(newline + 1);
        if (auto label = action.find("text"); label != action.end() && label->is_object())
            form.title = string_field(*label, "text");
        form.channel = c.channel.id;
        form.thread_root = c.thread_root;
        if (form.trigger_id.empty() || form.command.empty() || form.channel.empty())
            return make_error(errc::bad_input, "an ask button without trigger_id, command or channel");
        decoded_payload out;
        out.what = decoded_payload::kind::open_form;
        out.form = std::move(form);
        return out;
    }
    if (c.user.empty() || c.channel.id.empty() || team.empty() || c.text.empty())
        return make_error(errc::bad_input, "block_actions without user, channel, team or value");
    auto trigger = string_field(payload, "trigger_id");
    auto key = "btn:" + (trigger.empty() ? string_field(action, "action_ts") : trigger);
    return as_event(team, key, std::move(c));
}

std::string escape_mrkdwn(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace hindsight::slack
