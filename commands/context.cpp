#include "commands/context.hpp"

#include "commands/zones.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {

std::string quote(std::string_view user_text) {
    return domain::defuse_crowd_mentions(domain::sanitize_utf8(user_text));
}

void context::tell(std::string text) {
    chat::outgoing o;
    o.how = channel.is_direct ? chat::delivery::direct : chat::delivery::ephemeral;
    o.channel = channel.id;
    o.user = user;
    o.thread_root = thread_root;
    o.text = std::move(text);
    replies.push_back(std::move(o));
}

void context::announce(std::string text) {
    chat::outgoing o;
    o.how = thread_root.empty() ? chat::delivery::channel : chat::delivery::thread;
    o.channel = channel.id;
    o.thread_root = thread_root;
    o.text = std::move(text);
    replies.push_back(std::move(o));
}

void context::post_in(const std::string& channel_id, std::string text) {
    chat::outgoing o;
    o.how = chat::delivery::channel;
    o.channel = channel_id;
    o.text = std::move(text);
    replies.push_back(std::move(o));
}

void context::direct_message(const std::string& user_id, std::string text) {
    chat::outgoing o;
    o.how = chat::delivery::direct;
    o.user = user_id;
    o.text = std::move(text);
    replies.push_back(std::move(o));
}

void context::react(const std::string& channel_id, const std::string& message_id, const std::string& emoji) {
    chat::outgoing o;
    o.how = chat::delivery::reaction;
    o.channel = channel_id;
    o.message_id = message_id;
    o.emoji = emoji;
    replies.push_back(std::move(o));
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
