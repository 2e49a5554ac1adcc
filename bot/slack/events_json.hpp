#pragma once
// For the Slack decoders only: the event_callback decoder on an already parsed object, so a Socket Mode
// envelope is parsed once rather than once for the envelope and again for its payload.
#include <nlohmann/json.hpp>

#include "bot/slack/events.hpp"

namespace hindsight::slack {

result<decoded_payload> decode_event_callback_json(const nlohmann::json& event_callback,
                                                   const bot_identity& self);

}  // namespace hindsight::slack
