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

// One flat JSON object appended key by key; "type" always comes first, so only it goes without a comma.
class flat_object_writer {
public:
    flat_object_writer() {
        out_.reserve(256);
        out_ += '{';
    }

    void field(std::string_view key, std::string_view value) {
        out_ += out_.size() > 1 ? ",\"" : "\"";
        out_ += key;
        out_ += "\":\"";
        // Platforms can hand over invalid UTF-8; the stored row must stay parseable.
        out_ += domain::is_valid_utf8(value) ? domain::json_escape(value)
                                             : domain::json_escape(domain::sanitize_utf8(value));
        out_ += '"';
    }
    void number(std::string_view key, std::int64_t value) {
        out_ += ",\"";
        out_ += key;
        out_ += "\":";
        out_ += std::to_string(value);
    }
    void flag(std::string_view key, bool value) {
        out_ += ",\"";
        out_ += key;
        out_ += value ? "\":true" : "\":false";
    }
    void channel(const chat::channel_ref& c) {
        out_ += ",\"channel\":{\"id\":\"" + domain::json_escape(domain::sanitize_utf8(c.id)) +
                "\",\"private\":" + (c.is_private ? "true" : "false") +
                ",\"direct\":" + (c.is_direct ? "true" : "false") + "}";
    }

    std::string finish() && {
        out_ += '}';
        return std::move(out_);
    }

private:
    std::string out_;
};

void write_fields(flat_object_writer& w, const chat::message_posted& ev) {
    w.field("type", "posted");
    w.channel(ev.channel);
    w.field("id", ev.message_id);
    w.field("root", ev.thread_root);
    w.field("user", ev.user);
    w.field("text", ev.text);
    w.number("at", millis(ev.at));
    w.flag("bot", ev.from_bot);
    w.field("permalink", ev.permalink);
    if (ev.import_id != 0) w.number("import", ev.import_id);
}

void write_fields(flat_object_writer& w, const chat::message_edited& ev) {
    w.field("type", "edited");
    w.channel(ev.channel);
    w.field("id", ev.message_id);
    w.field("text", ev.text);
    w.number("at", millis(ev.at));
}

void write_fields(flat_object_writer& w, const chat::message_deleted& ev) {
    w.field("type", "deleted");
    w.channel(ev.channel);
    w.field("id", ev.message_id);
    w.number("at", millis(ev.at));
}

void write_fields(flat_object_writer& w, const chat::reaction_changed& ev) {
    w.field("type", "reaction");
    w.channel(ev.channel);
    w.field("id", ev.message_id);
    w.field("user", ev.user);
    w.field("emoji", ev.emoji);
    w.flag("added", ev.added);
    w.number("at", millis(ev.at));
    if (ev.import_id != 0) w.number("import", ev.import_id);
}

void write_fields(flat_object_writer& w, const chat::history_read& ev) {
    w.field("type", "history");
    w.channel(ev.channel);
    w.number("import", ev.import_id);
    w.field("problem", ev.problem);
    w.number("at", millis(ev.at));
}

void write_fields(flat_object_writer& w, const chat::member_joined& ev) {
    w.field("type", "joined");
    w.channel(ev.channel);
    w.field("user", ev.user);
    w.number("at", millis(ev.at));
}

void write_fields(flat_object_writer& w, const chat::command_invoked& ev) {
    w.field("type", "command");
    w.channel(ev.channel);
    w.field("root", ev.thread_root);
    w.field("user", ev.user);
    w.field("text", ev.text);
    w.number("at", millis(ev.at));
}

void write_fields(flat_object_writer& w, const chat::tracker_issue_changed& ev) {
    w.field("type", "tracker_issue");
    w.channel(ev.channel);
    w.field("tracker", ev.tracker);
    w.field("issue", ev.issue);
    w.field("state", ev.state);
    w.field("reason", ev.reason);
    w.flag("assignee_known", ev.assignee_known);
    w.field("assignee", ev.assignee);
    w.field("actor", ev.actor);
    w.field("url", ev.url);
    w.number("at", millis(ev.at));
}

void write_fields(flat_object_writer& w, const chat::tracker_mention& ev) {
    w.field("type", "tracker_mention");
    w.channel(ev.channel);
    w.field("tracker", ev.tracker);
    w.field("what", ev.what);
    w.field("text", ev.text);
    w.field("url", ev.url);
    w.field("actor", ev.actor);
    w.number("at", millis(ev.at));
}

json labels_json(const domain::label_set& labels) {
    json out = json::object();
    for (const auto& [name, value] : labels) out[domain::sanitize_utf8(name)] = domain::sanitize_utf8(value);
    return out;
}

domain::label_set read_labels(const json& j) {
    domain::label_set out;
    for (const auto& [name, value] : j.items()) out.emplace_back(name, value.get<std::string>());
    return domain::make_label_set(std::move(out));
}

// Alerts are not on the chat hot path and carry nested label sets: nlohmann writes them.
std::string encode_alert(const chat::alert_received& ev) {
    const auto& a = ev.alert;
    json j{{"type", "alert"},
           {"channel", {{"id", ev.channel.id}, {"private", ev.channel.is_private}, {"direct", false}}},
           {"declare", ev.declare},
           {"severity", ev.severity},
           {"at", millis(ev.at)},
           {"source", a.source},
           {"status", std::string(domain::to_string(a.status))},
           {"labels", labels_json(a.labels)},
           {"annotations", labels_json(a.annotations)},
           {"starts", millis(a.starts_at)},
           {"fingerprint", domain::sanitize_utf8(a.fingerprint)},
           {"link", domain::sanitize_utf8(a.link)},
           {"group", domain::sanitize_utf8(a.group_key)}};
    if (a.ends_at) j["ends"] = millis(*a.ends_at);
    return j.dump();
}

chat::alert_received decode_alert(const json& j) {
    chat::alert_received ev;
    ev.channel = read_channel(j.at("channel"));
    ev.declare = j.value("declare", false);
    ev.severity = j.value("severity", "");
    ev.at = read_time(j, "at");
    auto& a = ev.alert;
    a.source = j.at("source").get<std::string>();
    a.status = j.at("status").get<std::string>() == "resolved" ? domain::alert_status::resolved
                                                               : domain::alert_status::firing;
    a.labels = read_labels(j.at("labels"));
    a.annotations = read_labels(j.at("annotations"));
    a.starts_at = read_time(j, "starts");
    if (j.contains("ends")) a.ends_at = read_time(j, "ends");
    a.fingerprint = j.value("fingerprint", "");
    a.link = j.value("link", "");
    a.group_key = j.value("group", "");
    return ev;
}

}  // namespace

// Written by hand rather than through nlohmann::json: this runs for every inbound event on the hot path, and
// a flat object needs no tree. decode_event reads it back with nlohmann.
std::string encode_event(const chat::event& e) {
    if (auto* alert = std::get_if<chat::alert_received>(&e)) return encode_alert(*alert);
    flat_object_writer w;
    std::visit(
        [&](const auto& ev) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(ev)>, chat::alert_received>)
                write_fields(w, ev);
        },
        e);
    return std::move(w).finish();
}

std::optional<chat::event> decode_event(const std::string& text) {
    try {
        auto j = json::parse(text);
        auto type = j.at("type").get<std::string>();
        if (type == "alert") return decode_alert(j);
        auto channel = read_channel(j.at("channel"));
        if (type == "posted")
            return chat::message_posted{channel,
                                        j.at("id").get<std::string>(),
                                        j.value("root", ""),
                                        j.at("user").get<std::string>(),
                                        j.at("text").get<std::string>(),
                                        read_time(j, "at"),
                                        j.value("bot", false),
                                        j.value("permalink", ""),
                                        j.value("import", std::int64_t{0})};
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
                                          read_time(j, "at"),
                                          j.value("import", std::int64_t{0})};
        if (type == "history")
            return chat::history_read{channel, j.at("import").get<std::int64_t>(), j.value("problem", ""),
                                      read_time(j, "at")};
        if (type == "tracker_issue")
            return chat::tracker_issue_changed{channel,
                                               j.at("tracker").get<std::string>(),
                                               j.at("issue").get<std::string>(),
                                               j.value("state", ""),
                                               j.value("reason", ""),
                                               j.value("assignee_known", false),
                                               j.value("assignee", ""),
                                               j.value("actor", ""),
                                               j.value("url", ""),
                                               read_time(j, "at")};
        if (type == "tracker_mention")
            return chat::tracker_mention{channel,
                                         j.at("tracker").get<std::string>(),
                                         j.at("what").get<std::string>(),
                                         j.value("text", ""),
                                         j.value("url", ""),
                                         j.value("actor", ""),
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

namespace {

// The outbox keeps every kind in one flat JSON shape (the fields a kind lacks are left out), so rows written
// by earlier versions, when outgoing was one struct, still read back.
struct flat_outgoing {
    int how = 0;
    std::string channel, user, text, root, thread_key, defines_thread, message_id, emoji, file_name,
        defines_channel;
    bool private_channel = false;
    bool remove_reaction = false;
    std::vector<chat::button> buttons;
};

template <class... Visitors>
struct overloaded : Visitors... {
    using Visitors::operator()...;
};
template <class... Visitors>
overloaded(Visitors...) -> overloaded<Visitors...>;

flat_outgoing flatten(const chat::outgoing& message) {
    flat_outgoing f;
    f.how = static_cast<int>(message.index());
    f.buttons = chat::buttons_of(message);
    f.defines_thread = chat::defined_thread_of(message);
    std::visit(
        overloaded{
            [&](const chat::channel_post& m) { f.channel = m.channel, f.text = m.text; },
            [&](const chat::thread_reply& m) {
                f.channel = m.channel, f.text = m.text, f.root = m.thread_root, f.thread_key = m.thread_key;
            },
            [&](const chat::ephemeral_note& m) {
                f.channel = m.channel, f.user = m.user, f.text = m.text, f.root = m.thread_root;
            },
            [&](const chat::direct_message& m) { f.user = m.user, f.text = m.text; },
            [&](const chat::reaction& m) {
                f.channel = m.channel, f.message_id = m.message_id, f.emoji = m.emoji,
                f.remove_reaction = m.remove;
            },
            [&](const chat::file_upload& m) {
                f.channel = m.channel, f.file_name = m.file_name, f.text = m.content, f.root = m.thread_root;
            },
            [&](const chat::message_edit& m) {
                f.channel = m.channel, f.text = m.text, f.message_id = m.message_id,
                f.thread_key = m.edit_key;
            },
            [&](const chat::channel_request& m) {
                f.text = m.name, f.private_channel = m.is_private, f.user = m.invite_user;
                f.channel = m.requested_in, f.defines_channel = m.placeholder;
            },
        },
        message);
    return f;
}

chat::outgoing unflatten(flat_outgoing f) {
    switch (static_cast<chat::delivery>(f.how)) {
        case chat::delivery::channel:
            return chat::channel_post{f.channel, f.text, std::move(f.buttons), f.defines_thread};
        case chat::delivery::thread:
            return chat::thread_reply{f.channel,       f.text, f.root, f.thread_key, std::move(f.buttons),
                                      f.defines_thread};
        case chat::delivery::ephemeral:
            return chat::ephemeral_note{f.channel, f.user, f.text, f.root};
        case chat::delivery::direct:
            return chat::direct_message{f.user, f.text, std::move(f.buttons)};
        case chat::delivery::reaction:
            return chat::reaction{f.channel, f.message_id, f.emoji, f.remove_reaction};
        case chat::delivery::file:
            return chat::file_upload{f.channel, f.file_name, f.text, f.root};
        case chat::delivery::update:
            return chat::message_edit{f.channel, f.text, f.message_id, f.thread_key, std::move(f.buttons)};
        case chat::delivery::create_channel:
            break;
    }
    return chat::channel_request{f.text, f.private_channel, f.user, f.channel, f.defines_channel};
}

}  // namespace

std::string encode_outgoing(const chat::outgoing& message) {
    auto o = flatten(message);
    json j{{"how", o.how}, {"channel", o.channel}, {"user", o.user}, {"text", o.text}};
    auto put = [&](const char* key, const std::string& value) {
        if (!value.empty()) j[key] = value;
    };
    put("root", o.root);
    put("thread_key", o.thread_key);
    put("defines_thread", o.defines_thread);
    put("message_id", o.message_id);
    put("emoji", o.emoji);
    put("file_name", o.file_name);
    put("defines_channel", o.defines_channel);
    if (o.private_channel) j["private_channel"] = true;
    if (o.remove_reaction) j["remove"] = true;
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
        flat_outgoing o;
        o.how = j.at("how").get<int>();
        if (o.how < 0 || o.how > static_cast<int>(chat::delivery::create_channel)) return std::nullopt;
        o.channel = j.value("channel", "");
        o.user = j.value("user", "");
        o.text = j.value("text", "");
        o.remove_reaction = j.value("remove", false);
        o.root = j.value("root", "");
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
        return unflatten(std::move(o));
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

}  // namespace hindsight::storage
