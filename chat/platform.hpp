#pragma once
// The one polymorphic seam between the core and a chat platform. Slack, Mattermost and the console implement
// it: run() keeps the inbound side healthy and pushes neutral events into the sink; the outbound calls are
// awaitable and report failures as values. A capability a platform lacks answers not_supported.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chat/call_result.hpp"
#include "chat/event.hpp"
#include "chat/outgoing.hpp"
#include "chat/pacing.hpp"
#include "domain/result.hpp"

namespace hindsight::bot {
class http_server;  // the shell's listener: platforms that take webhooks add their routes to it
}

namespace hindsight::chat {

struct user_info {
    std::string id;
    std::string display_name;
    std::string time_zone;
};

// A channel an adapter reads back after events may have been lost, and from when.
struct resume_point {
    std::string channel;
    domain::timestamp since;
};

// One step of reading a channel's history back (`import`): the window starts at `since`; `cursor` is where
// the previous step stopped, opaque to the core ("" for the first step).
struct history_request {
    std::string channel;
    domain::timestamp since;
    std::string cursor;
};

// The events one request's answer stands for, oldest first, with the dedup keys the live path uses where the
// platform has them; next_cursor empty when the window is read. On a failure, `problem` says so: retry with
// retry_after (a 429 says how long), rejected with why (a missing scope), not_supported.
struct history_page {
    std::vector<inbound> events;
    std::string next_cursor;
    call_result problem;
    bool rate_limited = false;  // the failure was a 429
};

// What run() pushes into. accept returns once the batch is durable: only then may the platform be acked.
// settle returns once everything accepted so far is handled and its replies delivered (the console uses it to
// keep its output in order; network adapters do not wait for it).
struct event_sink {
    std::function<boost::asio::awaitable<void>(std::vector<inbound>)> accept;
    std::function<boost::asio::awaitable<void>()> settle;
    // The channels of the workspace's open incidents, each from a little before the newest message recorded
    // there: what a platform without replay (Mattermost after a new connection) reads back. Adapters ask this
    // instead of reading storage themselves.
    std::function<std::vector<resume_point>(const std::string& workspace)> resume_points;
};

class platform {
public:
    virtual ~platform() = default;
    virtual std::string name() const = 0;

    // Lifecycle, driven by the app for every platform alike: routes first (they answer 503 until the
    // platform is up, which Slack and Mattermost retry), then connect (who the bot is, in which workspace;
    // a failure is a value, tried again with backoff), then run.
    virtual void add_routes(bot::http_server&) {}
    virtual boost::asio::awaitable<result<void>> connect();

    // The workspaces this connection serves and the bot's own user id in each.
    virtual std::vector<std::pair<std::string, std::string>> workspaces() const = 0;
    virtual bool connected() const = 0;
    // How fast this platform accepts posts per destination; nullopt: as fast as they come (the console).
    virtual std::optional<pace> pacing() const { return std::nullopt; }

    virtual boost::asio::awaitable<void> run(event_sink sink) = 0;
    virtual void stop() = 0;

    // One overload per kind of message; deliver() picks it. Editing and creating channels are optional.
    virtual boost::asio::awaitable<call_result> send(const sending& to, const channel_post& message) = 0;
    virtual boost::asio::awaitable<call_result> send(const sending& to, const thread_reply& message) = 0;
    virtual boost::asio::awaitable<call_result> send(const sending& to, const ephemeral_note& message) = 0;
    virtual boost::asio::awaitable<call_result> send(const sending& to, const direct_message& message) = 0;
    virtual boost::asio::awaitable<call_result> send(const sending& to, const reaction& message) = 0;
    virtual boost::asio::awaitable<call_result> send(const sending& to, const file_upload& message) = 0;
    // Absent: not_supported, and the old text stays.
    virtual boost::asio::awaitable<call_result> send(const sending& to, const message_edit& message);
    // The new channel's id comes back as message_id, the name it got as created_name.
    virtual boost::asio::awaitable<call_result> send(const sending& to, const channel_request& message);
    virtual boost::asio::awaitable<std::optional<message_posted>> fetch_message(
        const std::string& workspace, const std::string& channel, const std::string& message_id) = 0;
    virtual boost::asio::awaitable<std::optional<user_info>> lookup_user(const std::string& workspace,
                                                                         const std::string& user_id) = 0;
    // Absent: a page whose problem is not_supported.
    virtual boost::asio::awaitable<history_page> read_history(const std::string& workspace,
                                                              const history_request& request);
    // The least time between two history requests: the platform's documented rate for such reads.
    virtual std::chrono::milliseconds history_pace() const { return std::chrono::milliseconds{0}; }
};

// Records one event through the sink (a slash command, a webhook event, a click), moving it out of `event`:
// true once it is durable, false when it could not be recorded (the author has been told why). By reference,
// not by value: g++ 12 mishandles temporaries that live across a co_await.
boost::asio::awaitable<bool> record_one(const event_sink& sink, inbound& event);

// Hands a message to the platform's overload for its kind.
boost::asio::awaitable<call_result> deliver(platform& p, const sending& to, const outgoing& message);

}  // namespace hindsight::chat
