#include "bot/slack/history.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "bot/slack/web_api.hpp"
#include "domain/form.hpp"

namespace hindsight::slack {
namespace {

using nlohmann::json;

std::string text_at(const json& j, const char* key) {
    auto found = j.find(key);
    return found != j.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// Slack's ts form: seconds and microseconds ("1700000000.123000").
std::string slack_ts(domain::timestamp t) {
    auto ms = domain::to_millis(t);
    auto micros = std::to_string((ms % 1000) * 1000);
    return std::to_string(ms / 1000) + "." + std::string(6 - micros.size(), '0') + micros;
}

struct reading {
    std::string_view channel, workspace, workspace_url;
    const bot_identity& self;
};

bool is_conversation_message(const json& m) {
    auto subtype = text_at(m, "subtype");
    return subtype.empty() || subtype == "thread_broadcast" || subtype == "file_share" ||
           subtype == "bot_message" || subtype == "me_message";
}

// The message as the live path would have decoded it, then one added mark per person per reaction.
void add_message(const json& m, const reading& r, std::vector<chat::inbound>& out) {
    auto ts = text_at(m, "ts");
    auto at = parse_ts(ts);
    if (!at || !is_conversation_message(m)) return;
    chat::message_posted posted;
    posted.channel.id = std::string(r.channel);
    posted.message_id = ts;
    auto thread = text_at(m, "thread_ts");
    posted.thread_root = thread == ts ? std::string() : thread;
    posted.user = text_at(m, "user");
    posted.text = text_at(m, "text");
    posted.at = *at;
    posted.from_bot = text_at(m, "subtype") == "bot_message" || m.contains("bot_id") ||
                      (!r.self.user_id.empty() && posted.user == r.self.user_id);
    posted.permalink = permalink(r.workspace_url, r.channel, ts, posted.thread_root);
    out.push_back({std::string(r.workspace), {}, std::move(posted)});
    auto reactions = m.find("reactions");
    if (reactions == m.end() || !reactions->is_array()) return;
    for (const auto& reaction : *reactions) {
        auto users = reaction.is_object() ? reaction.find("users") : reaction.end();
        if (!reaction.is_object() || users == reaction.end() || !users->is_array()) continue;
        for (const auto& user : *users) {
            if (!user.is_string() || text_at(reaction, "name").empty()) continue;
            chat::reaction_changed mark;
            mark.channel.id = std::string(r.channel);
            mark.message_id = ts;
            mark.user = user.get<std::string>();
            mark.emoji = text_at(reaction, "name");
            mark.added = true;
            mark.at = *at;  // Slack does not say when a reaction was added
            out.push_back({std::string(r.workspace), {}, std::move(mark)});
        }
    }
}

std::string next_cursor_of(const json& j) {
    auto meta = j.find("response_metadata");
    return meta != j.end() && meta->is_object() ? text_at(*meta, "next_cursor") : std::string();
}

}  // namespace

history_position skip_thread(history_position at) {
    if (!at.threads.empty()) at.threads.erase(at.threads.begin());
    at.replies_cursor.clear();
    return at;
}

std::string encode_position(const history_position& at) {
    if (at.finished()) return {};
    return json{{"history", at.history_cursor},
                {"history_done", at.history_done},
                {"threads", at.threads},
                {"replies", at.replies_cursor}}
        .dump();
}

std::optional<history_position> decode_position(std::string_view cursor) {
    if (cursor.empty()) return history_position{};
    auto j = json::parse(cursor, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    history_position at;
    at.history_cursor = text_at(j, "history");
    at.history_done = j.value("history_done", false);
    at.replies_cursor = text_at(j, "replies");
    if (auto threads = j.find("threads"); threads != j.end() && threads->is_array())
        for (const auto& t : *threads)
            if (t.is_string()) at.threads.push_back(t.get<std::string>());
    return at;
}

std::string next_history_request(const history_position& at, std::string_view channel,
                                 domain::timestamp since) {
    std::string query =
        "?channel=" + domain::percent_encode(channel) + "&limit=200&oldest=" + slack_ts(since);
    if (!at.threads.empty()) {
        query += "&ts=" + domain::percent_encode(at.threads.front());
        if (!at.replies_cursor.empty()) query += "&cursor=" + domain::percent_encode(at.replies_cursor);
        return "conversations.replies" + query;
    }
    query += "&inclusive=true";
    if (!at.history_cursor.empty()) query += "&cursor=" + domain::percent_encode(at.history_cursor);
    return "conversations.history" + query;
}

result<history_answer> read_history_answer(std::string_view body, const history_position& at,
                                           std::string_view channel, std::string_view workspace,
                                           const bot_identity& self, std::string_view workspace_url) {
    auto j = json::parse(body, nullptr, false);
    auto messages = j.is_object() ? j.find("messages") : j.end();
    if (!j.is_object() || messages == j.end() || !messages->is_array())
        return make_error(errc::bad_input, "Slack's answer has no messages list");
    history_answer answer;
    answer.next = at;
    reading r{channel, workspace, workspace_url, self};
    auto more = j.value("has_more", false) ? next_cursor_of(j) : std::string();
    if (!at.threads.empty()) {
        // A thread: the parent comes first and was read with the history; the replies follow, oldest first.
        for (const auto& m : *messages)
            if (m.is_object() && text_at(m, "ts") != at.threads.front()) add_message(m, r, answer.events);
        answer.next.replies_cursor = more;
        if (more.empty()) answer.next.threads.erase(answer.next.threads.begin());
        return answer;
    }
    // A history page is newest first: kept oldest first, like everything else.
    for (auto m = messages->rbegin(); m != messages->rend(); ++m) {
        if (!m->is_object()) continue;
        add_message(*m, r, answer.events);
        auto ts = text_at(*m, "ts");
        // Every thread is read: knowing its newest reply says nothing about the ones before it (posted while
        // the bot was down, or before it joined).
        if (m->value("reply_count", 0) > 0 && text_at(*m, "thread_ts") == ts)
            answer.next.threads.push_back(ts);
    }
    answer.next.history_cursor = more;
    answer.next.history_done = more.empty();
    return answer;
}

}  // namespace hindsight::slack
