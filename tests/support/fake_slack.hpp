#pragma once
// An in-process fake Slack on 127.0.0.1: the Web API over HTTP (bot::http_server) and Socket Mode over a
// WebSocket (fake_ws_server). Payload shapes follow the SDK fixtures cited in protocols/slack.md. Tests
// script it from their own thread through run_on_io(); everything it records is read through snapshot().
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "bot/net/http_server.hpp"
#include "fake_ws_server.hpp"

namespace hindsight::testing {

struct slack_call {
    std::string method;
    std::string body;
};

struct fake_slack_state {
    std::vector<slack_call> calls;
    std::vector<std::string> acks;  // envelope ids, in arrival order (all connections)
    std::map<std::string, std::string> ack_payloads;
    int connections_opened = 0;  // apps.connections.open answered with a URL
    int history_fetches = 0;
    int replies_fetches = 0;
    std::vector<std::string> history_queries;  // every conversations.history/.replies query, in order
    std::vector<std::chrono::steady_clock::time_point> history_times;  // when each came
    std::size_t reactions = 0;
    std::size_t duplicate_reactions = 0;  // answered already_reacted
    std::size_t posts_rate_limited = 0;   // chat.postMessage calls answered 429
};

class fake_slack {
public:
    explicit fake_slack(boost::asio::io_context& io);
    ~fake_slack();

    std::string api_url() const;  // "http://127.0.0.1:port/api/"
    unsigned short api_port() const;
    unsigned short socket_port() const;
    // What apps.connections.open hands out before the path; "" = "ws://127.0.0.1:<socket_port>" (a TLS
    // front in front of the socket port sets its own "wss://127.0.0.1:<port>").
    std::string socket_base;
    void stop();

    // Scripting (set before the bot connects, or from the io thread).
    int rate_limit_opens = 0;              // this many apps.connections.open calls answer 429, Retry-After: 1
    std::atomic<int> rate_limit_posts{0};  // this many chat.postMessage calls answer 429, Retry-After: 1
    std::atomic<int> slow_posts_ms{0};     // chat.postMessage answers only after this long
    std::string refuse_opens_with;         // e.g. "invalid_auth": apps.connections.open answers ok:false
    bool send_hello = true;
    std::set<std::string> taken_channel_names;  // conversations.create with one answers name_taken
    std::set<std::string> private_channels;     // conversations.info says is_private (and created ones)
    bool lose_next_create_reply = false;        // the next conversations.create creates, then answers 500
    // A channel's history for conversations.history and .replies, as Slack's JSON message objects (set
    // before the bot reads): top-level messages and thread roots, any order, and each thread's replies by
    // its root's ts. A page holds at most history_page_cap (Slack may return fewer than `limit`).
    std::vector<std::string> history;
    std::map<std::string, std::vector<std::string>> thread_replies;
    std::size_t history_page_cap = 200;
    std::string history_channel = "C111";  // the channel that history is of: others are channel_not_found
    std::atomic<int> rate_limit_history_call{0};  // that call (1-based, history and replies) answers 429
    // Called on the io thread for each new Socket Mode session, after its hello.
    std::function<void(std::shared_ptr<fake_ws_session>)> on_connection;
    // Called on the io thread for every ack, before it is recorded.
    std::function<void(const std::string& envelope_id)> on_ack;

    // Sends an envelope and remembers it until acked; with redeliver_unacked, every new connection first gets
    // the envelopes still unacked (retry_attempt 1), as Slack does (io thread only).
    void send_envelope(const std::shared_ptr<fake_ws_session>& session, const std::string& envelope_id,
                       std::string frame);
    bool redeliver_unacked = true;

    // The sessions in the order they connected (io thread only).
    std::vector<std::shared_ptr<fake_ws_session>> sessions;
    std::shared_ptr<fake_ws_session> latest() const { return sessions.empty() ? nullptr : sessions.back(); }

    fake_slack_state snapshot();
    std::size_t ack_count();
    std::size_t reaction_count();
    int connections_opened();

private:
    void add_routes();
    bot::http_response read_history(const bot::http_request& r, bool replies);
    int history_calls_ = 0;
    boost::asio::io_context& io_;
    bot::http_server http_;
    fake_ws_server ws_;
    std::mutex lock_;
    fake_slack_state state_;
    int posts_ = 0;
    std::map<std::string, std::string> unacked_;  // envelope id → frame
    std::vector<std::string> unacked_order_;
    std::set<std::string> reacted_;  // reactions.add bodies seen
    struct created_channel {
        std::string id, name;
        std::int64_t created = 0;  // seconds
        std::vector<std::string> members;
    };
    std::vector<created_channel> created_;
};

// Envelopes as Slack's Socket Mode sends them.
std::string message_envelope(const std::string& envelope_id, const std::string& event_id,
                             const std::string& channel, const std::string& user, const std::string& ts,
                             const std::string& text, int retry_attempt = 0);
std::string reaction_envelope(const std::string& envelope_id, const std::string& event_id,
                              const std::string& channel, const std::string& user, const std::string& ts,
                              const std::string& emoji, bool added = true);
std::string slash_command_envelope(const std::string& envelope_id, const std::string& channel,
                                   const std::string& user, const std::string& text,
                                   const std::string& trigger_id);
std::string disconnect_frame(const std::string& reason);

}  // namespace hindsight::testing
