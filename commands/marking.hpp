#pragma once
// Capturing marked messages into the timeline and keeping them in step with edits and deletions.
#include <optional>
#include <string>

#include "chat/event.hpp"
#include "commands/context.hpp"

namespace hindsight::commands {

// A reaction on a message the bot has never seen: the pipeline fetches it once and retries.
struct missing_message {
    std::string channel;
    std::string message_id;
};

void on_message_posted(context& ctx, const chat::message_posted& m, const std::string& bot_user);
void on_message_edited(context& ctx, const chat::message_edited& m);
void on_message_deleted(context& ctx, const chat::message_deleted& m);
// Returns the message it needs when the reacted-to message is unknown; nothing was changed then.
std::optional<missing_message> on_reaction(context& ctx, const chat::reaction_changed& r,
                                           const std::string& bot_user);

// "!tl the DB is back" → "the DB is back" when the text starts with a configured prefix.
std::optional<std::string> strip_capture_prefix(const config::settings& cfg, std::string_view text);

}  // namespace hindsight::commands
