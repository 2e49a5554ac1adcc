#pragma once
// The slash-command form both chat platforms post (Mattermost copies Slack's field names): the trigger
// checked, the fields read once, and the neutral event built with the dedup key both use. What differs stays
// with each platform: which fields it requires, how it tells a private channel, whether it trims the text.
#include <map>
#include <string>
#include <string_view>

#include "chat/event.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"

namespace hindsight::common {

struct slash_form {
    std::string team, channel, channel_name, user, text, trigger_id;
};

// Refuses a command other than `/<trigger>`; missing fields are left empty for the platform to judge.
result<slash_form> read_slash_form(const std::map<std::string, std::string>& fields,
                                   std::string_view trigger);

// The platforms send no id for a slash command; trigger_id is unique per invocation, which is what dedup
// needs.
chat::inbound slash_command_event(const slash_form& form, chat::channel_ref channel, std::string text,
                                  domain::timestamp received_at);

}  // namespace hindsight::common
