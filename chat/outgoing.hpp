#pragma once
// Platform-neutral outbound messages. Handlers return these; the app writes them to the durable outbox in the
// same transaction as the state change, and the outbox worker hands them to the platform.
#include <string>
#include <string_view>
#include <vector>

namespace hindsight::chat {

// Channels that do not exist yet are named by a placeholder with this prefix (see defines_channel).
inline constexpr std::string_view new_channel_prefix = "new-channel:";

enum class delivery {
    channel,    // a post in channel
    thread,     // a reply under thread_root (or under the thread named by thread_key)
    ephemeral,  // visible only to user, in channel
    direct,     // a direct message to user
    reaction,   // add emoji to message_id
    file,       // upload file_name with text as its content
    update,     // replace the text and buttons of a message the bot posted: message_id, or the root named by
                // thread_key
    create_channel,  // create a channel named text (private when private_channel) and invite user; channel is
                     // where it was asked for, and defines_channel the placeholder the new channel replaces
};

// A button under a message. Clicking it runs `command` (the text after the trigger word) as the person who
// clicked, in the channel it was clicked in: every button is a shortcut for a command anyone can type.
struct button {
    std::string label;
    std::string command;
    // When set, the click first asks for text (a Slack modal, a Mattermost dialog) under this label, and runs
    // `command <text>`: "Answer" on a review prompt runs `why <the answer>`.
    std::string prompt = {};
    bool operator==(const button&) const = default;
};

struct outgoing {
    delivery how = delivery::channel;
    std::string channel;
    std::string user;
    std::string text;  // neutral Markdown: *bold*, `code`, ~strike~, links; user text already defused
    std::string thread_root;
    // A durable name for a thread whose root is itself still in the outbox: the root carries
    // defines_thread = "review:7", replies carry thread_key = "review:7", and the worker fills in thread_root
    // once the root has been delivered.
    std::string thread_key;
    std::string defines_thread;
    std::string message_id;  // reaction target
    std::string emoji;
    std::string file_name;
    // create_channel: the placeholder ("new-channel:INC-7") that stands for the channel until it exists.
    // Messages addressed to a placeholder wait for it, and then go to the channel that was created (or, when
    // creating it failed, to wherever the incident went instead).
    std::string defines_channel;
    bool private_channel = false;
    std::vector<button> buttons;  // at most a few; platforms without buttons show the text alone
    // Set by the outbox worker, not stored: the same for every attempt at one outbox row, so a platform with
    // idempotent creates (Mattermost's pending_post_id) can make a retry harmless.
    std::string idempotency_key;
};

}  // namespace hindsight::chat
