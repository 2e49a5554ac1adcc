#pragma once
// An in-process fake Mattermost server on 127.0.0.1: REST v4 over HTTP and the event WebSocket with real
// shapes (double-encoded data.post and data.reaction, omit_users as an object, seq numbers from 0 at hello),
// reliable reconnect (connection_id + sequence_number replay from a dead queue, or a new connection_id and a
// fresh hello when it cannot), and the REST catch-up read (GET /channels/{id}/posts?since=). Tests script it
// from the io thread; what it records is read through snapshot().
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bot/net/http_server.hpp"
#include "fake_ws_server.hpp"

namespace hindsight::testing {

struct mattermost_call {
    std::string method;  // "POST /posts"
    std::string body;
};

struct fake_mattermost_state {
    std::vector<mattermost_call> calls;
    std::size_t reactions = 0;
    std::size_t duplicate_reactions = 0;
    std::size_t posts_created = 0;
    std::size_t catch_up_reads = 0;
    std::vector<std::string> history_queries;  // every GET /channels/{id}/posts target, in order
    int connections = 0;                       // WebSocket upgrades accepted
    int hellos = 0;                            // fresh connections (new connection_id)
    int resumed = 0;                           // reconnects that resumed with a replay
    std::vector<std::string> upgrade_queries;
};

class fake_mattermost {
public:
    static constexpr const char* bot_id = "botuser0000000000000000000";
    static constexpr const char* team_id = "team00000000000000000000000";
    static constexpr const char* token = "mm-bot-token";

    explicit fake_mattermost(boost::asio::io_context& io);
    ~fake_mattermost();
    std::string url() const;      // "http://127.0.0.1:port"
    unsigned short port() const;  // REST and the WebSocket
    void stop();

    // Channels the fake knows, with their type (O, P, D).
    void add_channel(const std::string& id, const std::string& type);

    // Scripting (io thread). A post or reaction is stored (for REST) and its event emitted.
    std::string post(const std::string& channel, const std::string& user, const std::string& message,
                     const std::string& root_id = {});
    void react(const std::string& post_id, const std::string& user, const std::string& emoji);
    // A post from before the bot was there: stored for REST reads (history), no event. Reactions as
    // (user, emoji), a millisecond after the post.
    std::string seed_post(const std::string& channel, const std::string& user, const std::string& message,
                          std::int64_t create_at_ms,
                          const std::vector<std::pair<std::string, std::string>>& reactions = {},
                          const std::string& root_id = {});
    int rate_limit_read = 0;  // that GET /channels/{id}/posts (1-based) answers 429
    // An event with its seq, whatever its data (malformed payloads, events the bot does not know).
    void send_event(const std::string& event, const std::string& channel, const std::string& data_json) {
        emit(event, channel, data_json);
    }
    void drop();               // the current WebSocket goes, no close frame
    void forget_connection();  // the server loses our connection (restart): the next reconnect gets a new id
    void lose_next_event();    // the next event gets a seq but never reaches the socket (a gap)
    void hold_events();        // events are numbered and stored but not sent…
    void release_events();     // …until now, all at once (benchmarks build a burst before timing it)
    int rate_limit_posts = 0;  // this many POST /posts answer 429 (plain text, X-RateLimit-Reset: 1)
    std::set<std::string> taken_channel_names;  // POST /channels with one of these answers "exists" (400)
    bool lose_next_create_reply = false;        // the next POST /channels creates, then answers 500
    bool connected() const;

    fake_mattermost_state snapshot();

private:
    void emit(const std::string& event, const std::string& channel, const std::string& data_json);
    void on_session(std::shared_ptr<fake_ws_session> session);
    void add_routes();
    std::string store_post(const std::string& channel, const std::string& user, const std::string& message,
                           const std::string& root_id, std::int64_t at, bool announce);
    bot::http_response read_posts(const bot::http_request& r, const std::string& channel);

    struct route_entry {
        std::string method, path;
        std::function<bot::http_response(const bot::http_request&)> handler;
    };
    void route(std::string method, std::string path,
               std::function<bot::http_response(const bot::http_request&)> handler);
    bot::http_response dispatch(const bot::http_request& request);

    boost::asio::io_context& io_;
    fake_ws_server ws_;
    std::vector<route_entry> routes_;
    std::mutex lock_;
    fake_mattermost_state state_;
    std::map<std::string, std::string> channels_;  // id → type
    struct created_channel {
        std::string id, name, creator;
        std::int64_t create_at = 0;
        std::set<std::string> members;
    };
    std::map<std::string, created_channel> created_by_name_;
    struct stored_post {
        std::string json_without_metadata;  // the post object's fields, without the closing brace
        std::string channel;
        std::int64_t update_at = 0;
        std::vector<std::string> reactions;  // Reaction objects as JSON
        std::int64_t create_at = 0;
    };
    std::map<std::string, stored_post> posts_;
    std::vector<std::string> post_order_;
    std::set<std::string> reacted_;
    std::set<std::string> pending_post_ids_;
    // Server time: now, then a millisecond per post or reaction (the bot compares it with its own clock).
    std::int64_t clock_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    int next_id_ = 1;
    // The WebSocket: our connection's id, the events in it so far (index = seq), the session.
    std::string connection_id_;
    std::vector<std::string> events_;
    std::shared_ptr<fake_ws_session> session_;
    bool lose_next_ = false;
    std::optional<std::size_t> held_from_;
    std::string make_id(const std::string& prefix);
};

}  // namespace hindsight::testing
