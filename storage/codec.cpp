#include "storage/codec.hpp"

#include <nlohmann/json.hpp>

namespace hindsight::storage {
namespace {

using nlohmann::json;

json channel_json(const chat::channel_ref& c) {
    return json{{"id", c.id}, {"private", c.is_private}, {"direct", c.is_direct}};
}

chat::channel_ref read_channel(const json& j) {
    return chat::channel_ref{j.at("id").get<std::string>(), j.value("private", false),
                             j.value("direct", false)};
}

std::int64_t millis(domain::timestamp t) {
    return domain::to_millis(t);
}
domain::timestamp read_time(const json& j, const char* key) {
    return domain::from_millis(j.at(key).get<std::int64_t>());
}

}  // namespace

std::string encode_event(const chat::event& e) {
    json j = std::visit(
        [](const auto& ev) -> json {
            using T = std::decay_t<decltype(ev)>;
            if constexpr (std::is_same_v<T, chat::message_posted>)
                return {{"type", "posted"},         {"channel", channel_json(ev.channel)},
                        {"id", ev.message_id},      {"root", ev.thread_root},
                        {"user", ev.user},          {"text", ev.text},
                        {"at", millis(ev.at)},      {"bot", ev.from_bot},
                        {"permalink", ev.permalink}};
            else if constexpr (std::is_same_v<T, chat::message_edited>)
                return {{"type", "edited"},
                        {"channel", channel_json(ev.channel)},
                        {"id", ev.message_id},
                        {"text", ev.text},
                        {"at", millis(ev.at)}};
            else if constexpr (std::is_same_v<T, chat::message_deleted>)
                return {{"type", "deleted"},
                        {"channel", channel_json(ev.channel)},
                        {"id", ev.message_id},
                        {"at", millis(ev.at)}};
            else if constexpr (std::is_same_v<T, chat::reaction_changed>)
                return {{"type", "reaction"},  {"channel", channel_json(ev.channel)},
                        {"id", ev.message_id}, {"user", ev.user},
                        {"emoji", ev.emoji},   {"added", ev.added},
                        {"at", millis(ev.at)}};
            else
                return {{"type", "command"},      {"channel", channel_json(ev.channel)},
                        {"root", ev.thread_root}, {"user", ev.user},
                        {"text", ev.text},        {"at", millis(ev.at)}};
        },
        e);
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<chat::event> decode_event(const std::string& text) {
    try {
        auto j = json::parse(text);
        auto type = j.at("type").get<std::string>();
        auto channel = read_channel(j.at("channel"));
        if (type == "posted")
            return chat::message_posted{channel,
                                        j.at("id").get<std::string>(),
                                        j.value("root", ""),
                                        j.at("user").get<std::string>(),
                                        j.at("text").get<std::string>(),
                                        read_time(j, "at"),
                                        j.value("bot", false),
                                        j.value("permalink", "")};
        if (type == "edited")
            return chat::message_edited{channel, j.at("id").get<std::string>(),
                                        j.at("text").get<std::string>(), read_time(j, "at")};
        if (type == "deleted")
            return chat::message_deleted{channel, j.at("id").get<std::string>(), read_time(j, "at")};
        if (type == "reaction")
            return chat::reaction_changed{channel,
                                          j.at("id").get<std::string>(),
                                          j.at("user").get<std::string>(),
                                          j.at("emoji").get<std::string>(),
                                          j.at("added").get<bool>(),
                                          read_time(j, "at")};
        if (type == "command")
            return chat::command_invoked{channel, j.value("root", ""), j.at("user").get<std::string>(),
                                         j.at("text").get<std::string>(), read_time(j, "at")};
    } catch (const json::exception&) {
    }
    return std::nullopt;
}

std::string encode_outgoing(const chat::outgoing& o) {
    json j{{"how", static_cast<int>(o.how)}, {"channel", o.channel}, {"user", o.user}, {"text", o.text}};
    auto put = [&](const char* key, const std::string& value) {
        if (!value.empty()) j[key] = value;
    };
    put("root", o.thread_root);
    put("thread_key", o.thread_key);
    put("defines_thread", o.defines_thread);
    put("message_id", o.message_id);
    put("emoji", o.emoji);
    put("file_name", o.file_name);
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<chat::outgoing> decode_outgoing(const std::string& text) {
    try {
        auto j = json::parse(text);
        chat::outgoing o;
        auto how = j.at("how").get<int>();
        if (how < 0 || how > static_cast<int>(chat::delivery::file)) return std::nullopt;
        o.how = static_cast<chat::delivery>(how);
        o.channel = j.value("channel", "");
        o.user = j.value("user", "");
        o.text = j.value("text", "");
        o.thread_root = j.value("root", "");
        o.thread_key = j.value("thread_key", "");
        o.defines_thread = j.value("defines_thread", "");
        o.message_id = j.value("message_id", "");
        o.emoji = j.value("emoji", "");
        o.file_name = j.value("file_name", "");
        return o;
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

}  // namespace hindsight::storage
