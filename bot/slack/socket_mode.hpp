#pragma once
// Slack's Socket Mode frames: what arrives on the WebSocket (hello, disconnect, envelopes) and the acks that
// go back. Pure; the connection handling lives in bot/slack_platform. Shapes from protocols/slack.md §1 and
// the SDK fixtures it cites (python-slack-sdk's mock_socket_mode_server.py, java-slack-sdk's EnvelopeTest).
#include <optional>
#include <string>
#include <string_view>

#include "bot/slack/events.hpp"

namespace hindsight::slack {

struct socket_frame {
    enum class kind { hello, disconnect, envelope, unknown, malformed } what = kind::malformed;
    std::string reason;  // disconnect: Slack's reason; unknown/malformed: what was wrong
    int num_connections = 0;
    // envelope
    std::string envelope_id;
    std::string type;  // events_api, slash_commands, interactive
    int retry_attempt = 0;
    bool accepts_response_payload = false;
    std::string payload;  // the payload object as JSON text (slash_commands, interactive)
    // events_api: the payload already decoded (the envelope is parsed once)
    std::optional<result<decoded_payload>> event;
};

// self: who the bot is, so that an events_api payload can be decoded in the same pass.
socket_frame read_socket_frame(std::string_view text, const bot_identity& self = {});

// {"envelope_id":"…"} or, with an answer for a slash command, {"envelope_id":"…","payload":{"text":"…"}}.
std::string ack_frame(std::string_view envelope_id, std::string_view answer_text = {});

// apps.connections.open's reply → the single-use wss:// URL.
std::optional<std::string> read_connections_open(std::string_view body);

// A slash_commands envelope's payload (the form fields as a JSON object of strings).
result<chat::inbound> decode_socket_slash_command(std::string_view payload, std::string_view trigger,
                                                  domain::timestamp received_at);

// What a disconnect reason asks of us.
enum class disconnect_action {
    // warning, refresh_requested and any reason we do not know: Slack is about to close this connection, so a
    // new one is opened first and this one closed after its hello (make before break)
    replace,
    reconnect,  // too_many_websockets: one more connection would be refused too, so close first, then
                // reconnect
    stop,       // link_disabled: Socket Mode was turned off for the app; reconnecting cannot help
};
disconnect_action on_disconnect(std::string_view reason);

// apps.connections.open errors after which retrying cannot help (the token or the workspace is gone).
bool unrecoverable_open_error(std::string_view code);

}  // namespace hindsight::slack
