#pragma once
// Platform-neutral outbound messages, one type per kind of delivery so that no field changes meaning with
// the kind. Handlers return these; the app writes them to the durable outbox in the same transaction as the
// state change, and the outbox worker hands them to the platform.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hindsight::chat {

// Channels that do not exist yet are named by a placeholder with this prefix (see channel_request).
inline constexpr std::string_view new_channel_prefix = "new-channel:";

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

// Text is neutral Markdown: *bold*, `code`, ~strike~, links; user text already defused.

struct channel_post {
    std::string channel;
    std::string text;
    std::vector<button> buttons = {};
    // A durable name for this post once delivered ("review:7"): replies queued before it was delivered name
    // it as their thread_key, edits as their edit_key.
    std::string defines_thread = {};
};

struct thread_reply {
    std::string channel;
    std::string text;
    std::string thread_root = {};  // the root's message id, or, while the root is still in the outbox,
    std::string thread_key = {};   // its name: the worker fills in thread_root once the root is delivered
    std::vector<button> buttons = {};
    std::string defines_thread = {};
};

// Visible only to user, in channel (under thread_root when set).
struct ephemeral_note {
    std::string channel;
    std::string user;
    std::string text;
    std::string thread_root = {};
};

struct direct_message {
    std::string user;
    std::string text;
    std::vector<button> buttons = {};
};

struct reaction {
    std::string channel;
    std::string message_id;
    std::string emoji;
    bool remove = false;  // take the bot's own reaction back (the message was unmarked)
};

struct file_upload {
    std::string channel;
    std::string file_name;
    std::string content;
    std::string thread_root = {};
};

// Replaces the text and buttons of a message the bot posted: message_id, or the post named edit_key.
struct message_edit {
    std::string channel;
    std::string text;
    std::string message_id = {};
    std::string edit_key = {};
    std::vector<button> buttons = {};
};

// Creates a channel and invites whoever asked. Messages addressed to the placeholder ("new-channel:INC-7")
// wait for it and then go to the channel that was created (or, when creating it failed, to wherever the
// incident went instead).
struct channel_request {
    std::string name;
    bool is_private = false;
    std::string invite_user = {};
    std::string requested_in = {};  // the channel it was asked for in; empty for a direct message
    std::string placeholder = {};
};

using outgoing = std::variant<channel_post, thread_reply, ephemeral_note, direct_message, reaction,
                              file_upload, message_edit, channel_request>;

// The kinds, in the variant's order: the outbox keeps the number.
enum class delivery { channel, thread, ephemeral, direct, reaction, file, update, create_channel };

inline delivery kind_of(const outgoing& message) {
    return static_cast<delivery>(message.index());
}

// What a person reads in the message: its text, a file's content, a new channel's name, a reaction's emoji.
const std::string& text_of(const outgoing& message);
// The channel it goes to (a DM: empty; a new channel: where it was asked for).
const std::string& channel_of(const outgoing& message);
// The person it is addressed to, when there is one.
const std::string& user_of(const outgoing& message);
const std::vector<button>& buttons_of(const outgoing& message);
// The name this message takes once delivered (defines_thread), when it can have one.
const std::string& defined_thread_of(const outgoing& message);

// After a post or reply was built: name it, or give it buttons. Kinds without them are left alone.
void define_thread(outgoing& message, std::string key);
void attach_buttons(outgoing& message, std::vector<button> buttons);

// Where a message goes and which outbox row it is: the same key for every attempt at one row, so a
// platform with idempotent creates (Mattermost's pending_post_id) can make a retry harmless.
struct sending {
    std::string workspace;
    std::string idempotency_key = {};
};

}  // namespace hindsight::chat
