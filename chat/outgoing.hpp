#pragma once
// Platform-neutral outbound messages. Handlers return these; the app writes them to the durable outbox in the
// same transaction as the state change, and the outbox worker hands them to the platform.
#include <string>
#include <vector>

namespace hindsight::chat {

enum class delivery {
    channel,    // a post in channel
    thread,     // a reply under thread_root (or under the thread named by thread_key)
    ephemeral,  // visible only to user, in channel
    direct,     // a direct message to user
    reaction,   // add emoji to message_id
    file,       // upload file_name with text as its content
};

// A button under a message. Clicking it runs `command` (the text after the trigger word) as the person who
// clicked, in the channel it was clicked in: every button is a shortcut for a command anyone can type.
struct button {
    std::string label;
    std::string command;
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
    std::vector<button> buttons;  // at most a few; platforms without buttons show the text alone
    // Set by the outbox worker, not stored: the same for every attempt at one outbox row, so a platform with
    // idempotent creates (Mattermost's pending_post_id) can make a retry harmless.
    std::string idempotency_key;
};

}  // namespace hindsight::chat
