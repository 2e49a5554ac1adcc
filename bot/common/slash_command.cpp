#include "bot/common/slash_command.hpp"

namespace hindsight::common {

result<slash_form> read_slash_form(const std::map<std::string, std::string>& fields,
                                   std::string_view trigger) {
    auto field = [&](const char* key) {
        auto found = fields.find(key);
        return found == fields.end() ? std::string() : found->second;
    };
    auto command = field("command");
    if (command != "/" + std::string(trigger))
        return make_error(errc::bad_input, "slash command '" + command + "' is not /" + std::string(trigger));
    return slash_form{field("team_id"), field("channel_id"), field("channel_name"),
                      field("user_id"), field("text"),       field("trigger_id")};
}

chat::inbound slash_command_event(const slash_form& form, chat::channel_ref channel, std::string text,
                                  domain::timestamp received_at) {
    chat::command_invoked c;
    c.channel = std::move(channel);
    c.user = form.user;
    c.text = std::move(text);
    c.at = received_at;
    return chat::inbound{form.team, form.trigger_id.empty() ? std::string() : "cmd:" + form.trigger_id,
                         std::move(c)};
}

}  // namespace hindsight::common
