#include "bot/slack/web_api.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "bot/slack/events.hpp"
#include "domain/form.hpp"

namespace hindsight::slack {
namespace {

using nlohmann::json;

std::string text_of(const json& j, const char* key) {
    auto found = j.find(key);
    return found != j.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace

std::string explain_error(std::string_view code) {
    if (code == "not_in_channel") return "the bot is not a member of that channel: invite it with /invite";
    if (code == "channel_not_found") return "the channel does not exist or the bot cannot see it";
    if (code == "missing_scope")
        return "the app lacks a scope it needs: reinstall it from deploy/slack-app-manifest.yml";
    if (code == "invalid_auth" || code == "not_authed" || code == "token_revoked" ||
        code == "account_inactive")
        return "the bot token is not accepted: check SLACK_BOT_TOKEN";
    if (code == "msg_too_long") return "the message is longer than Slack accepts";
    if (code == "is_archived") return "the channel is archived";
    if (code == "ratelimited") return "Slack is rate limiting the app";
    if (code == "name_taken") return "a channel with that name exists already";
    if (code == "expired_trigger_id")
        return "the button was clicked more than 3 seconds before the form opened";
    return "Slack refused the call";
}

api_reply read_reply(int http_status, std::string_view body, std::string_view retry_after_header) {
    api_reply reply;
    if (http_status == 429) {
        long long seconds = 1;
        std::from_chars(retry_after_header.data(), retry_after_header.data() + retry_after_header.size(),
                        seconds);
        reply.status = api_reply::verdict::retry;
        reply.error = "ratelimited";
        reply.explanation = explain_error("ratelimited");
        reply.retry_after = std::chrono::seconds{std::clamp(seconds, 1LL, 3600LL)};
        return reply;
    }
    if (http_status == 0 || http_status >= 500) {
        reply.status = api_reply::verdict::retry;
        reply.error = http_status == 0 ? "no answer" : "HTTP " + std::to_string(http_status);
        reply.explanation = "Slack did not answer; trying again";
        return reply;
    }
    json j = json::parse(body, nullptr, false);
    if (http_status != 200 || j.is_discarded() || !j.is_object()) {
        reply.error = "HTTP " + std::to_string(http_status);
        reply.explanation = "Slack answered something that is not a Web API reply";
        return reply;
    }
    if (j.value("ok", false)) {
        reply.status = api_reply::verdict::ok;
        reply.ts = text_of(j, "ts");
        reply.permalink = text_of(j, "permalink");
        if (auto channel = j.find("channel"); channel != j.end() && channel->is_object())
            reply.channel_id = text_of(*channel, "id");
        return reply;
    }
    reply.error = text_of(j, "error");
    if (reply.error.empty()) reply.error = "unknown_error";
    reply.explanation = explain_error(reply.error);
    if (reply.error == "ratelimited" || reply.error == "internal_error" || reply.error == "fatal_error" ||
        reply.error == "service_unavailable" || reply.error == "request_timeout")
        reply.status = api_reply::verdict::retry;
    return reply;
}

namespace {

void add_buttons(json& j, std::string_view text, const std::vector<chat::button>& buttons) {
    if (buttons.empty()) return;
    json elements = json::array();
    for (std::size_t i = 0; i < buttons.size() && i < 25; ++i) {
        const auto& b = buttons[i];
        bool asks = !b.prompt.empty();
        // A button that asks first carries its prompt after the command: the click opens the modal from it.
        elements.push_back({{"type", "button"},
                            {"action_id", (asks ? "hindsight:ask:" : "hindsight:") + std::to_string(i)},
                            {"text", {{"type", "plain_text"}, {"text", b.label.substr(0, 75)}}},
                            {"value", asks ? b.command + "\n" + b.prompt : b.command}});
    }
    // A section's text is limited to 3 000 characters; the full text stays in the fallback.
    std::string shown(text.substr(0, 2900));
    j["blocks"] = json::array({json{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", shown}}}},
                               json{{"type", "actions"}, {"elements", elements}}});
}

// Slack counts plain_text lengths in characters; cut at a UTF-8 boundary.
std::string clipped(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) return std::string(text);
    auto end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return std::string(text.substr(0, end));
}

}  // namespace

std::string post_message_body(std::string_view channel, std::string_view text, std::string_view thread_ts,
                              const std::vector<chat::button>& buttons) {
    json j{{"channel", channel}, {"text", text}, {"unfurl_links", false}, {"unfurl_media", false}};
    if (!thread_ts.empty()) j["thread_ts"] = thread_ts;
    add_buttons(j, text, buttons);
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string update_message_body(std::string_view channel, std::string_view ts, std::string_view text,
                                const std::vector<chat::button>& buttons) {
    json j{{"channel", channel}, {"ts", ts}, {"text", text}};
    add_buttons(j, text, buttons);
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string create_channel_body(std::string_view name, bool is_private) {
    return json{{"name", name}, {"is_private", is_private}}.dump(-1, ' ', false,
                                                                 json::error_handler_t::replace);
}

std::string invite_body(std::string_view channel, std::string_view users) {
    return json{{"channel", channel}, {"users", users}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string open_form_body(const form_request& form) {
    json metadata{{"command", form.command}, {"channel", form.channel}, {"thread", form.thread_root}};
    json input{
        {"type", "input"},
        {"block_id", "answer"},
        {"label",
         {{"type", "plain_text"}, {"text", clipped(form.prompt.empty() ? form.title : form.prompt, 2000)}}},
        {"element",
         {{"type", "plain_text_input"}, {"action_id", "text"}, {"multiline", true}, {"max_length", 3000}}}};
    json view{
        {"type", "modal"},
        {"callback_id", "hindsight:form"},
        {"title",
         {{"type", "plain_text"}, {"text", clipped(form.title.empty() ? "hindsight" : form.title, 24)}}},
        {"submit", {{"type", "plain_text"}, {"text", "Save"}}},
        {"close", {{"type", "plain_text"}, {"text", "Cancel"}}},
        {"private_metadata", metadata.dump(-1, ' ', false, json::error_handler_t::replace)},
        {"blocks", json::array({input})}};
    return json{{"trigger_id", form.trigger_id}, {"view", view}}.dump(-1, ' ', false,
                                                                      json::error_handler_t::replace);
}

std::string post_ephemeral_body(std::string_view channel, std::string_view user, std::string_view text,
                                std::string_view thread_ts) {
    json j{{"channel", channel}, {"user", user}, {"text", text}};
    if (!thread_ts.empty()) j["thread_ts"] = thread_ts;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string reaction_body(std::string_view channel, std::string_view ts, std::string_view emoji) {
    return json{{"channel", channel}, {"timestamp", ts}, {"name", emoji}}.dump();
}

std::string upload_url_form(std::string_view filename, std::size_t length) {
    return "filename=" + domain::percent_encode(filename) + "&length=" + std::to_string(length);
}

std::optional<upload_target> read_upload_url(std::string_view body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.value("ok", false)) return std::nullopt;
    upload_target target{text_of(j, "upload_url"), text_of(j, "file_id")};
    if (target.upload_url.empty() || target.file_id.empty()) return std::nullopt;
    return target;
}

std::string complete_upload_body(std::string_view file_id, std::string_view title, std::string_view channel,
                                 std::string_view thread_ts) {
    json j{{"files", json::array({json{{"id", file_id}, {"title", title}}})}, {"channel_id", channel}};
    if (!thread_ts.empty()) j["thread_ts"] = thread_ts;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<auth_info> read_auth_test(std::string_view body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.value("ok", false)) return std::nullopt;
    auth_info info{text_of(j, "team_id"), text_of(j, "user_id"), text_of(j, "bot_id"), text_of(j, "url")};
    if (info.team_id.empty() || info.user_id.empty()) return std::nullopt;
    return info;
}

std::optional<chat::message_posted> read_history_message(std::string_view body, std::string_view channel,
                                                         std::string_view ts) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.value("ok", false)) return std::nullopt;
    auto messages = j.find("messages");
    if (messages == j.end() || !messages->is_array()) return std::nullopt;
    for (const auto& m : *messages) {
        if (!m.is_object() || text_of(m, "ts") != ts) continue;
        auto at = parse_ts(ts);
        if (!at) return std::nullopt;
        chat::message_posted out;
        out.channel.id = std::string(channel);
        out.message_id = std::string(ts);
        auto thread = text_of(m, "thread_ts");
        out.thread_root = thread == ts ? std::string() : thread;
        out.user = text_of(m, "user");
        out.text = text_of(m, "text");
        out.at = *at;
        out.from_bot = m.contains("bot_id");
        return out;
    }
    return std::nullopt;
}

std::string permalink(std::string_view workspace_url, std::string_view channel, std::string_view ts,
                      std::string_view thread_ts) {
    if (workspace_url.empty() || channel.empty() || ts.empty()) return {};
    std::string out(workspace_url);
    if (out.back() != '/') out += '/';
    out += "archives/" + std::string(channel) + "/p";
    for (char c : ts)
        if (c != '.') out += c;
    if (!thread_ts.empty() && thread_ts != ts)
        out += "?thread_ts=" + std::string(thread_ts) + "&cid=" + std::string(channel);
    return out;
}

std::optional<std::string> read_permalink(std::string_view body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.value("ok", false)) return std::nullopt;
    auto link = text_of(j, "permalink");
    if (link.empty()) return std::nullopt;
    return link;
}

std::optional<conversation_kind> read_conversation_info(std::string_view body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.value("ok", false)) return std::nullopt;
    auto channel = j.find("channel");
    if (channel == j.end() || !channel->is_object()) return std::nullopt;
    auto flag = [&](const char* key) { return channel->value(key, false); };
    conversation_kind kind;
    kind.is_direct = flag("is_im");
    // Anything not plainly a public channel counts as private (an unknown shape leaks nothing).
    kind.is_private =
        flag("is_private") || flag("is_im") || flag("is_mpim") || flag("is_group") || !flag("is_channel");
    return kind;
}

std::optional<std::string> read_own_channel(std::string_view body, std::string_view name,
                                            std::string_view creator, std::int64_t not_before,
                                            std::string& next_cursor) {
    next_cursor.clear();
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.value("ok", false)) return std::nullopt;
    if (auto meta = j.find("response_metadata"); meta != j.end() && meta->is_object())
        next_cursor = text_of(*meta, "next_cursor");
    auto channels = j.find("channels");
    if (channels == j.end() || !channels->is_array()) return std::nullopt;
    for (const auto& c : *channels) {
        if (!c.is_object() || text_of(c, "name") != name || text_of(c, "creator") != creator) continue;
        auto created = c.value("created", std::int64_t{0});
        if (created >= not_before) return text_of(c, "id");
    }
    return std::nullopt;
}

std::optional<std::vector<std::string>> read_members(std::string_view body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.value("ok", false)) return std::nullopt;
    auto members = j.find("members");
    if (members == j.end() || !members->is_array()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& m : *members)
        if (m.is_string()) out.push_back(m.get<std::string>());
    return out;
}

std::optional<user_profile> read_user_info(std::string_view body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.value("ok", false)) return std::nullopt;
    auto user = j.find("user");
    if (user == j.end() || !user->is_object()) return std::nullopt;
    user_profile out;
    auto profile = user->find("profile");
    if (profile != user->end() && profile->is_object()) {
        out.display_name = text_of(*profile, "display_name");
        if (out.display_name.empty()) out.display_name = text_of(*profile, "real_name");
    }
    if (out.display_name.empty()) out.display_name = text_of(*user, "name");
    out.time_zone = text_of(*user, "tz");
    return out;
}

std::string to_slack_text(std::string_view neutral) {
    return escape_mrkdwn(neutral);
}

}  // namespace hindsight::slack
