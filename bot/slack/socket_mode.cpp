#include "bot/slack/socket_mode.hpp"

#include <nlohmann/json.hpp>

#include "bot/slack/events_json.hpp"
#include "domain/json_writer.hpp"

namespace hindsight::slack {

using nlohmann::json;

namespace {

// `"envelope_id": "…"` found in text that is not valid JSON; ids are letters, digits and dashes.
std::string envelope_id_in(std::string_view text) {
    auto key = text.find("\"envelope_id\"");
    if (key == std::string_view::npos) return {};
    auto at = text.find_first_not_of(" \t\r\n", key + 13);
    if (at == std::string_view::npos || text[at] != ':') return {};
    at = text.find_first_not_of(" \t\r\n", at + 1);
    if (at == std::string_view::npos || text[at] != '"') return {};
    std::string id;
    for (auto i = at + 1; i < text.size() && id.size() <= 64; ++i) {
        char c = text[i];
        if (c == '"') return id;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                  c == '_';
        if (!ok) return {};
        id += c;
    }
    return {};
}

}  // namespace

socket_frame read_socket_frame(std::string_view text, const bot_identity& self) {
    socket_frame frame;
    auto parsed = json::parse(text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
        frame.reason = "not a JSON object";
        // An envelope we cannot read is still acked when its id can be seen, or Slack sends it again and
        // again.
        frame.envelope_id = envelope_id_in(text);
        if (!frame.envelope_id.empty()) frame.what = socket_frame::kind::malformed;
        return frame;
    }
    auto string_at = [&](const char* key) {
        auto found = parsed.find(key);
        return found != parsed.end() && found->is_string() ? found->get<std::string>() : std::string();
    };
    auto int_at = [&](const char* key) {
        auto found = parsed.find(key);
        return found != parsed.end() && found->is_number_integer() ? found->get<int>() : 0;
    };
    frame.num_connections = int_at("num_connections");
    frame.envelope_id = string_at("envelope_id");
    auto type = string_at("type");
    if (type == "hello") {
        frame.what = socket_frame::kind::hello;
        return frame;
    }
    if (type == "disconnect") {
        frame.what = socket_frame::kind::disconnect;
        frame.reason = string_at("reason");
        return frame;
    }
    if (frame.envelope_id.empty()) {
        frame.what = socket_frame::kind::unknown;
        frame.reason = "a frame of type '" + type + "' without an envelope_id";
        return frame;
    }
    auto payload = parsed.find("payload");
    if (payload == parsed.end() || !payload->is_object()) {
        // Still an envelope: it is acked (so Slack stops resending it) and counted as malformed.
        frame.what = socket_frame::kind::malformed;
        frame.reason = "envelope without a payload object";
        return frame;
    }
    frame.what = socket_frame::kind::envelope;
    frame.type = type;
    frame.retry_attempt = int_at("retry_attempt");
    auto accepts = parsed.find("accepts_response_payload");
    frame.accepts_response_payload = accepts != parsed.end() && accepts->is_boolean() && accepts->get<bool>();
    if (type == "events_api")
        frame.event = decode_event_callback_json(*payload, self);
    else
        frame.payload = payload->dump();
    return frame;
}

std::string ack_frame(std::string_view envelope_id, std::string_view answer_text) {
    domain::json_writer out;
    out.begin_object().key("envelope_id").value(envelope_id);
    if (!answer_text.empty()) out.key("payload").begin_object().key("text").value(answer_text).end_object();
    out.end_object();
    return out.str();
}

std::optional<std::string> read_connections_open(std::string_view body) {
    auto parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
    auto url = parsed.find("url");
    if (url == parsed.end() || !url->is_string()) return std::nullopt;
    return url->get<std::string>();
}

result<chat::inbound> decode_socket_slash_command(std::string_view payload, std::string_view trigger,
                                                  domain::timestamp received_at) {
    auto parsed = json::parse(payload, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
        return make_error(errc::bad_input, "slash command payload is not a JSON object");
    std::map<std::string, std::string> fields;
    for (const auto& [key, value] : parsed.items())
        if (value.is_string()) fields[key] = value.get<std::string>();
    return decode_slash_command(fields, trigger, received_at);
}

disconnect_action on_disconnect(std::string_view reason) {
    if (reason == "link_disabled") return disconnect_action::stop;
    if (reason == "too_many_websockets") return disconnect_action::reconnect;
    return disconnect_action::replace;
}

bool unrecoverable_open_error(std::string_view code) {
    return code == "not_authed" || code == "invalid_auth" || code == "account_inactive" ||
           code == "user_removed_from_team" || code == "team_disabled" || code == "missing_args";
}

}  // namespace hindsight::slack
