#pragma once
// The Slack Web API calls hindsight makes, as pure request builders and response readers. The transport is
// bot/web_client; the decisions (retry, give up, what the error means) are made here and tested without
// sockets.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <vector>

#include "chat/event.hpp"
#include "chat/outgoing.hpp"

namespace hindsight::slack {

struct api_reply {
    enum class verdict { ok, retry, rejected } status = verdict::rejected;
    std::string error;        // Slack's code ("not_in_channel") or the HTTP status, for logs and counters
    std::string explanation;  // what a person can do about it
    std::chrono::milliseconds retry_after{0};
    std::string ts;          // of a posted message
    std::string channel_id;  // of a created channel (conversations.create)
    std::string permalink;   // chat.getPermalink
};

// 429 → retry after Retry-After seconds; 5xx and no answer → retry; ok:false → rejected with the cause.
api_reply read_reply(int http_status, std::string_view body, std::string_view retry_after_header);

std::string explain_error(std::string_view code);

// JSON bodies for the write methods (Content-Type: application/json; charset=utf-8).
// With buttons, the text also goes into a section block (Slack shows blocks instead of text) and the buttons
// into an actions block; each button's value is the command it stands for.
std::string post_message_body(std::string_view channel, std::string_view text, std::string_view thread_ts,
                              const std::vector<chat::button>& buttons = {});
// chat.update: the same message shape, naming the message by its ts.
std::string update_message_body(std::string_view channel, std::string_view ts, std::string_view text,
                                const std::vector<chat::button>& buttons);
// conversations.create and conversations.invite.
std::string create_channel_body(std::string_view name, bool is_private);
std::string invite_body(std::string_view channel, std::string_view users);
// views.open: a modal with one multi-line input (block "answer", action "text") under the prompt, whose
// private_metadata carries the command and where to run it; its submission comes back as view_submission.
struct form_request;
std::string open_form_body(const form_request& form);
std::string post_ephemeral_body(std::string_view channel, std::string_view user, std::string_view text,
                                std::string_view thread_ts);
std::string reaction_body(std::string_view channel, std::string_view ts, std::string_view emoji);

// The external upload flow: files.getUploadURLExternal (form: filename, length) → POST the bytes to
// upload_url → files.completeUploadExternal (JSON: the file and the channel to share it in).
std::string upload_url_form(std::string_view filename, std::size_t length);
struct upload_target {
    std::string upload_url;
    std::string file_id;
};
std::optional<upload_target> read_upload_url(std::string_view body);
std::string complete_upload_body(std::string_view file_id, std::string_view title, std::string_view channel,
                                 std::string_view thread_ts);

struct auth_info {
    std::string team_id;
    std::string user_id;
    std::string bot_id;
    std::string url;  // "https://acme.slack.com/"
};
std::optional<auth_info> read_auth_test(std::string_view body);

// conversations.history with latest=ts&inclusive=true&limit=1: the message itself, if Slack still has it.
std::optional<chat::message_posted> read_history_message(std::string_view body, std::string_view channel,
                                                         std::string_view ts);

// A message's permalink in the documented form, from the workspace URL auth.test gave:
// <url>archives/<channel>/p<ts without the dot>, plus ?thread_ts=<root>&cid=<channel> for a thread reply.
// Empty when the URL is unknown. (chat.getPermalink answers the same for one message per call.)
std::string permalink(std::string_view workspace_url, std::string_view channel, std::string_view ts,
                      std::string_view thread_ts);
// chat.getPermalink?channel=&message_ts= → the permalink.
std::optional<std::string> read_permalink(std::string_view body);

// conversations.info → whether the conversation is private (a private channel, a DM or a group DM) and a
// DM; nullopt when the reply is not ok.
struct conversation_kind {
    bool is_private = true;
    bool is_direct = false;
};
std::optional<conversation_kind> read_conversation_info(std::string_view body);

// users.conversations (the bot's own channels, one page): the id of the channel called `name` that `creator`
// made at or after `not_before` (seconds), if this page has it; next_cursor is set when there are more pages.
std::optional<std::string> read_own_channel(std::string_view body, std::string_view name,
                                            std::string_view creator, std::int64_t not_before,
                                            std::string& next_cursor);
// conversations.members → the member ids (first page).
std::optional<std::vector<std::string>> read_members(std::string_view body);

struct user_profile {
    std::string display_name;
    std::string time_zone;
};
std::optional<user_profile> read_user_info(std::string_view body);

// Neutral bot text → Slack text: the neutral markup (*bold*, `code`, ~strike~, _italic_) is mrkdwn already;
// & < > are escaped everywhere, which is what keeps echoed user text from pinging anyone.
std::string to_slack_text(std::string_view neutral);

}  // namespace hindsight::slack
