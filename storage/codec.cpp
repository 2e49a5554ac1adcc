#include "storage/codec.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "domain/json_writer.hpp"
#include "domain/text.hpp"

namespace hindsight::storage {
namespace {

using nlohmann::json;

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

// Written by hand rather than through nlohmann::json: this runs for every inbound event on the hot path, and
// a flat object needs no tree. decode_event reads it back with nlohmann.
std::string encode_event(const chat::event& e) {
    std::string out;
    out.reserve(256);
    auto field = [&](std::string_view key, std::string_view value) {
        out += out.size() > 1 ? ",\"" : "\"";
        out += key;
        out += "\":\"";
        // Platforms can hand over invalid UTF-8; the stored row must stay parseable.
        out += domain::is_valid_utf8(value) ? domain::json_escape(value)
                                            : domain::json_escape(domain::sanitize_utf8(value));
        out += '"';
    };
    auto number = [&](std::string_view key, std::int64_t value) {
        out += ",\"";
        out += key;
        out += "\":";
        out += std::to_string(value);
    };
    auto flag = [&](std::string_view key, bool value) {
        out += ",\"";
        out += key;
        out += value ? "\":true" : "\":false";
    };
    auto channel = [&](const chat::channel_ref& c) {
        out += ",\"channel\":{\"id\":\"" + domain::json_escape(domain::sanitize_utf8(c.id)) +
               "\",\"private\":" + (c.is_private ? "true" : "false") +
               ",\"direct\":" + (c.is_direct ? "true" : "false") + "}";
    };
    out += '{';
    std::visit(
        [&](const auto& ev) {
            using T = std::decay_t<decltype(ev)>;
            if constexpr (std::is_same_v<T, chat::message_posted>) {
                field("type", "posted");
                channel(ev.channel);
                field("id", ev.message_id);
                field("root", ev.thread_root);
                field("user", ev.user);
                field("text", ev.text);
                number("at", millis(ev.at));
                flag("bot", ev.from_bot);
                field("permalink", ev.permalink);
            } else if constexpr (std::is_same_v<T, chat::message_edited>) {
                field("type", "edited");
                channel(ev.channel);
                field("id", ev.message_id);
                field("text", ev.text);
                number("at", millis(ev.at));
            } else if constexpr (std::is_same_v<T, chat::message_deleted>) {
                field("type", "deleted");
                channel(ev.channel);
                field("id", ev.message_id);
                number("at", millis(ev.at));
            } else if constexpr (std::is_same_v<T, chat::reaction_changed>) {
                field("type", "reaction");
                channel(ev.channel);
                field("id", ev.message_id);
                field("user", ev.user);
                field("emoji", ev.emoji);
                flag("added", ev.added);
                number("at", millis(ev.at));
            } else if constexpr (std::is_same_v<T, chat::member_joined>) {
                field("type", "joined");
                channel(ev.channel);
                field("user", ev.user);
                number("at", millis(ev.at));
            } else {
                field("type", "command");
                channel(ev.channel);
                field("root", ev.thread_root);
                field("user", ev.user);
                field("text", ev.text);
                number("at", millis(ev.at));
            }
        },
        e);
    out += '}';
    return out;
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
        if (type == "joined")
            return chat::member_joined{channel, j.at("user").get<std::string>(), read_time(j, "at")};
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
    put("defines_channel", o.defines_channel);
    if (o.private_channel) j["private_channel"] = true;
    if (!o.buttons.empty()) {
        auto& list = j["buttons"] = json::array();
        for (const auto& b : o.buttons) {
            auto item = json::array({b.label, b.command});
            if (!b.prompt.empty()) item.push_back(b.prompt);
            list.push_back(std::move(item));
        }
    }
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<chat::outgoing> decode_outgoing(const std::string& text) {
    try {
        auto j = json::parse(text);
        chat::outgoing o;
        auto how = j.at("how").get<int>();
        if (how < 0 || how > static_cast<int>(chat::delivery::create_channel)) return std::nullopt;
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
        o.defines_channel = j.value("defines_channel", "");
        o.private_channel = j.value("private_channel", false);
        if (auto list = j.find("buttons"); list != j.end() && list->is_array())
            for (const auto& b : *list) {
                if (!b.is_array() || b.size() < 2 || b.size() > 3) continue;
                if (!std::all_of(b.begin(), b.end(), [](const json& part) { return part.is_string(); }))
                    continue;
                o.buttons.push_back({b[0].get<std::string>(), b[1].get<std::string>(),
                                     b.size() == 3 ? b[2].get<std::string>() : std::string()});
            }
        return o;
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

}  // namespace hindsight::storage
