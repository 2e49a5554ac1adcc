#pragma once
// Slack's inbound payloads (Events API bodies, Socket Mode `events_api` payloads, slash-command forms)
// decoded into neutral events. Pure: no sockets, no clock. Shapes follow protocols/slack.md and the SDK
// fixtures it cites.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "chat/event.hpp"
#include "domain/result.hpp"

namespace hindsight::slack {

// Who the bot is in a workspace (from auth.test): its posts come back as events and must be recognised.
struct bot_identity {
    std::string user_id;
    std::string bot_id;
};

// A click on a button that asks for text first: the modal to open (views.open, within 3 s of the click).
struct form_request {
    std::string trigger_id;
    std::string title;  // the button's label
    std::string prompt;
    std::string command;  // run as `command <text>` once the modal is submitted
    std::string channel;
    std::string thread_root;
};

struct decoded_payload {
    enum class kind { url_verification, event, ignored, rate_limited, open_form } what = kind::ignored;
    std::optional<form_request> form;    // open_form
    std::string challenge;               // url_verification
    std::optional<chat::inbound> event;  // event
    std::string reason;                  // ignored: why, for the debug log and the counters
};

// An Events API body (url_verification, event_callback, app_rate_limited). Malformed JSON or a body without
// the fields Slack always sends is an error: the HTTP layer answers 400 and counts it.
result<decoded_payload> decode_events_api(std::string_view body, const bot_identity& self);

// The payload of an `event_callback` (the same object arrives inside a Socket Mode `events_api` envelope).
result<decoded_payload> decode_event_callback(std::string_view json, const bot_identity& self);

// "1610261659.001400" → the instant (milliseconds; Slack's microseconds are only an ordering suffix).
std::optional<domain::timestamp> parse_ts(std::string_view ts);

// application/x-www-form-urlencoded → fields (later duplicates win). Malformed %-escapes are an error.
result<std::map<std::string, std::string>> parse_form(std::string_view body);

// A slash command (form fields) → a neutral command, when it is our trigger.
result<chat::inbound> decode_slash_command(const std::map<std::string, std::string>& fields,
                                           std::string_view trigger, domain::timestamp received_at);

// An interaction payload (Socket Mode `interactive`, or the `payload` field posted to /slack/interactive).
// A click on one of our buttons (block_actions, action_id "hindsight:…") becomes the command in its value,
// run by the person who clicked, in that channel. A click on a button that asks first ("hindsight:ask:…",
// value "command\nprompt") is an open_form; the modal's view_submission (callback_id "hindsight:form")
// becomes `command <text>`. Anything else is ignored.
result<decoded_payload> decode_interaction(std::string_view json, domain::timestamp received_at);

// Escapes user text for mrkdwn and top-level `text`: only & < > are control characters (ampersand first),
// which also makes <!channel>, <@U…> and <!subteam^…> typed or pasted by a user inert.
std::string escape_mrkdwn(std::string_view text);

}  // namespace hindsight::slack
