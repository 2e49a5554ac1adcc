#pragma once
// Mattermost's wire formats: WebSocket frames (events with double-encoded payloads, responses, hello), the
// REST v4 bodies hindsight sends and reads, slash-command forms and error mapping. Pure: no sockets, no
// clock. Shapes from protocols/mattermost.md and the server sources it cites.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/event.hpp"
#include "chat/outgoing.hpp"
#include "domain/result.hpp"

namespace hindsight::mattermost {

// ---- WebSocket ------------------------------------------------------------------------------------------

struct ws_frame {
    enum class kind { hello, event, response, malformed } what = kind::malformed;
    std::int64_t seq = -1;                 // events (hello is 0)
    std::string connection_id;             // hello
    std::string event_type;                // event: "posted", "reaction_added", …
    std::optional<chat::inbound> decoded;  // event: what it means for hindsight, when anything
    std::string ignored_because;           // event: why nothing was decoded; malformed: what was wrong
    std::string channel_id;                // event: broadcast.channel_id
};

// workspace: the team id every event is filed under; self: the bot's user id (its own posts are marked as a
// bot's and never captured). A post's channel_type says whether the channel is private.
ws_frame read_ws_frame(std::string_view text, std::string_view workspace, std::string_view self);

// The dedup keys, shared by live events and the REST catch-up so that a post seen both ways lands once.
std::string post_key(std::string_view post_id);
std::string edit_key(std::string_view post_id, std::int64_t edit_at);
std::string reaction_key(bool added, std::string_view post_id, std::string_view user, std::string_view emoji,
                         std::int64_t at);

// ---- REST -----------------------------------------------------------------------------------------------

struct api_reply {
    enum class verdict { ok, retry, rejected } status = verdict::rejected;
    std::string error;  // Mattermost's error id ("api.context.permissions.app_error") or the HTTP status
    std::string explanation;
    std::chrono::milliseconds retry_after{0};
};
// 2xx ok; 429 → retry after Retry-After, else X-RateLimit-Reset (relative seconds), else a second (the body
// is plain text); 5xx and no answer → retry; other 4xx → rejected with the AppError's id and message.
api_reply read_reply(int http_status, std::string_view body, std::string_view retry_after,
                     std::string_view rate_limit_reset);

struct me_info {
    std::string user_id;
    std::string username;
};
std::optional<me_info> read_me(std::string_view body);
std::optional<std::string> read_id(std::string_view body);  // any object with "id" (team, channel, post)
std::optional<std::string> read_first_id(
    std::string_view body);  // an array of such objects (GET /users/me/teams)

struct user_profile {
    std::string username;
    std::string time_zone;  // the automatic zone when the user has that on, else the manual one
};
std::optional<user_profile> read_user(std::string_view body);

struct channel_info {
    std::string id;
    std::string type;                                // O public, P private, D direct, G group
    bool is_private() const { return type != "O"; }  // a type we do not know counts as private
    std::string creator_id;
    std::int64_t create_at = 0;  // milliseconds
};
std::optional<channel_info> read_channel(std::string_view body);
// GET /channels/{id}/stats → member_count.
std::optional<std::int64_t> read_member_count(std::string_view body);

// GET /posts/{id} → the post as an event (channel privacy filled in by the caller).
std::optional<chat::message_posted> read_post(std::string_view body, std::string_view self);

// GET /channels/{id}/posts?since= → every post in it (oldest first) as the events it stands for: the post,
// its edit if it was edited, and each reaction on it; posts by the bot itself are included (marked from_bot).
// not_before (ms): posts created earlier are left out, with their edits and reactions (the roots of newer
// replies come along in a since= answer).
std::vector<chat::inbound> read_posts_since(std::string_view body, const chat::channel_ref& channel,
                                            std::string_view workspace, std::string_view self,
                                            std::int64_t* newest_update_at, std::int64_t not_before = 0);

// `import` reads a channel back in steps: first `?since=` (every post changed in the window, up to the
// server's 1000), and when that answer is full, pages of 200 from the newest (`?page=N&per_page=200`) until
// one reaches before the window. The step travels as the cursor: "" first, then "page:N".
inline constexpr std::size_t posts_since_limit = 1000;
inline constexpr std::size_t history_page_size = 200;
std::string history_request_path(std::string_view channel, std::string_view cursor, std::int64_t since_ms);
// The cursor after an answer to that request: "" when the window is read; nullopt when the body is no
// PostList.
std::optional<std::string> next_history_cursor(std::string_view body, std::string_view cursor,
                                               std::int64_t since_ms);

// Buttons become a message attachment whose actions call actions_url with the command and its signature in
// `context` (the server strips integrations before clients see a post, so the signature stays secret).
struct button_target {
    std::string actions_url;  // "" = no buttons
    std::string key;          // signs each button's command
};
std::string create_post_body(std::string_view channel, std::string_view message, std::string_view root_id,
                             std::string_view pending_post_id, std::string_view file_id = {},
                             const std::vector<chat::button>& buttons = {}, const button_target& target = {});
// HMAC-SHA256(key, command + "\n" + channel), hex.
std::string action_signature(std::string_view key, std::string_view command, std::string_view channel);
// A click on a button that asks for text first: the interactive dialog to open (within the trigger's life).
struct dialog_request {
    std::string trigger_id;
    std::string title;  // the button's label
    std::string prompt;
    std::string command;  // run as `command <text>` once the dialog is submitted
    std::string channel;
    std::string user;  // who clicked: only they may submit it
    // Set by the caller before open_dialog_body: the dialog's state carries them, signed. A submission after
    // expires_at is refused; the nonce names the submission (one per dialog) in the inbox.
    std::int64_t expires_at_ms = 0;
    std::string nonce;
};
struct action_outcome {
    std::optional<chat::inbound> event;    // a command to record
    std::optional<dialog_request> dialog;  // a dialog to open
};                                         // neither: a cancelled dialog
// POST /mattermost/actions: a button click → the command it stands for, run by the person who clicked, or
// (for a button with a prompt) the dialog to open; a dialog_submission → `command <text>`. An error when the
// signature in the context (or the dialog's state) does not match: a forged or altered button or dialog.
result<action_outcome> decode_action(std::string_view body, std::string_view key,
                                     domain::timestamp received_at);
// POST /actions/dialogs/open: one textarea under the prompt. The state carries the command, the channel, the
// user, the expiry and the nonce, and their signature: the user's client sees the state, so a submission
// counts only from that user, before the expiry, and once.
std::string open_dialog_body(const dialog_request& dialog, std::string_view url, std::string_view key);
// PUT /posts/{id}/patch: the new message, and the buttons again (a props patch replaces all props).
std::string patch_post_body(std::string_view channel, std::string_view message,
                            const std::vector<chat::button>& buttons, const button_target& target);
// POST /channels (type O or P) and POST /channels/{id}/members.
std::string create_channel_body(std::string_view team, std::string_view name, bool is_private);
std::string channel_member_body(std::string_view user);
std::string ephemeral_post_body(std::string_view user, std::string_view channel, std::string_view message,
                                std::string_view root_id);
std::string reaction_body(std::string_view self, std::string_view post_id, std::string_view emoji);
std::string direct_channel_body(std::string_view self, std::string_view user);
// POST /files: a multipart/form-data body with channel_id and one file; boundary chosen by the caller.
std::string upload_body(std::string_view boundary, std::string_view channel, std::string_view file_name,
                        std::string_view content);
std::optional<std::string> read_uploaded_file_id(std::string_view body);

// ---- Slash command ---------------------------------------------------------------------------------------

// The form Mattermost POSTs → a neutral command when it is our trigger. Channel privacy is not in the form;
// the caller fills it in from the channel's type.
result<chat::inbound> decode_slash_command(const std::map<std::string, std::string>& fields,
                                           std::string_view trigger, domain::timestamp received_at);
// "Token abc" → "abc"; anything else → "".
std::string command_token_from_header(std::string_view authorization);
// {"response_type":"ephemeral","text":…}; empty text → {} (a silent acknowledgement).
std::string command_response(std::string_view ephemeral_text);

// ---- Text ------------------------------------------------------------------------------------------------

// Neutral bot text → Mattermost Markdown: *bold* becomes **bold** and ~strike~ ~~strike~~ (outside code).
// Crowd mentions in echoed user text were already broken by the core (a word joiner after '@', which
// Mattermost's mention splitter treats as a separator).
std::string to_mattermost_text(std::string_view neutral);

}  // namespace hindsight::mattermost
