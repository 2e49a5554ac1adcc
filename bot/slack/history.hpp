#pragma once
// Reading a channel's history back for `import`: conversations.history pages (newest first, back to the
// window's start), and for each thread in them conversations.replies, one request per step. Where the reading
// got to travels as an opaque cursor the core stores between steps. Pure: requests as text, answers in.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/slack/events.hpp"
#include "chat/event.hpp"
#include "domain/result.hpp"

namespace hindsight::slack {

struct history_position {
    std::string history_cursor;        // Slack's next_cursor for conversations.history
    bool history_done = false;         // every page of the window has been read
    std::vector<std::string> threads;  // roots whose replies are still to read; the first is under way
    std::string replies_cursor;        // Slack's next_cursor for the first thread's replies
    bool finished() const { return history_done && threads.empty(); }
};

// "" is the start of a reading; a finished position encodes as "" too, and the caller stops there.
std::string encode_position(const history_position& at);
std::optional<history_position> decode_position(std::string_view cursor);

// The next request of the reading, "conversations.history?channel=…" or "conversations.replies?…", with
// limit=200 (Slack's recommended page) and oldest at the window's start.
std::string next_history_request(const history_position& at, std::string_view channel,
                                 domain::timestamp since);

struct history_answer {
    std::vector<chat::inbound> events;  // oldest first: each message, then the marks on it
    history_position next;
};
// Reads an ok answer to next_history_request.
result<history_answer> read_history_answer(std::string_view body, const history_position& at,
                                           std::string_view channel, std::string_view workspace,
                                           const bot_identity& self, std::string_view workspace_url);
// A thread that went away between the history page and its replies (thread_not_found): the reading goes on
// with the next one.
history_position skip_thread(history_position at);

}  // namespace hindsight::slack
