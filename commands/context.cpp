#include "commands/context.hpp"

#include "commands/zones.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {

std::string quote(std::string_view user_text) {
    return domain::defuse_crowd_mentions(domain::sanitize_utf8(user_text));
}

chat::outgoing private_note(const chat::channel_ref& channel, const std::string& user, std::string text,
                            const std::string& thread_root) {
    if (channel.is_direct) return chat::direct_message{user, std::move(text)};
    return chat::ephemeral_note{channel.id, user, std::move(text), thread_root};
}

void context::tell(std::string text) {
    replies.push_back(private_note(channel, user, std::move(text), thread_root));
}

void context::announce(std::string text) {
    if (thread_root.empty())
        replies.push_back(chat::channel_post{channel.id, std::move(text)});
    else
        replies.push_back(chat::thread_reply{channel.id, std::move(text), thread_root});
}

void context::post_in(const std::string& channel_id, std::string text) {
    replies.push_back(chat::channel_post{channel_id, std::move(text)});
}

void context::direct_message(const std::string& user_id, std::string text) {
    replies.push_back(chat::direct_message{user_id, std::move(text)});
}

void context::react(const std::string& channel_id, const std::string& message_id, const std::string& emoji) {
    replies.push_back(chat::reaction{channel_id, message_id, emoji});
}

void context::unreact(const std::string& channel_id, const std::string& message_id,
                      const std::string& emoji) {
    replies.push_back(chat::reaction{channel_id, message_id, emoji, true});
}

std::string context::who(const std::string& user_id) {
    if (user_id.empty()) return "nobody";
    return quote("@" + store.incidents.display_name(workspace, user_id));
}

std::string context::user_zone(const std::string& user_id) {
    auto profile = store.incidents.find_user(workspace, user_id);
    if (profile && !profile->time_zone.empty() && is_known_zone(profile->time_zone))
        return profile->time_zone;
    return cfg.time_zone;
}

domain::civil_date context::today() {
    return local_date(now, user_zone(user));
}

}  // namespace hindsight::commands
