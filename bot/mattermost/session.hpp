#pragma once
// The Mattermost WebSocket session's rules, without sockets or timers (the adapter in platform.cpp does the
// I/O and asks this at every step; unit tests drive it with a manual clock): how long to wait before dialing,
// the resume query (connection_id + sequence_number, so that the server replays what was missed), what a
// hello means (resumed, or a new connection: events were lost and the channels are read back), and whether
// an event is next in sequence, a replay, or past a gap. Like Boost.Redis's run_fsm, it is resumable: each
// call takes what happened and says what to do next.
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "bot/common/reconnect_policy.hpp"

namespace hindsight::mattermost {

class session {
public:
    using time_point = std::chrono::steady_clock::time_point;

    explicit session(unsigned seed = std::random_device{}());

    // Before dialing: 0 the first time and after a connection that lived; a growing backoff otherwise.
    std::chrono::milliseconds delay_before_connect();
    // "?connection_id=…&sequence_number=…" when there is a connection to resume, else "".
    std::string resume_query() const;

    void connect_failed() { policy_.failed(); }
    void opened(time_point now) { opened_at_ = now; }
    // The socket ended (read error, close, or our own drop after a gap).
    void closed(time_point now) { policy_.ended(opened_at_, now); }

    enum class hello_kind { first, resumed, new_connection };
    struct hello_step {
        hello_kind kind;
        bool catch_up;  // read the incident channels back through REST: at start-up and after a loss
    };
    hello_step hello(std::string_view connection_id, std::int64_t seq);

    enum class event_step {
        deliver,    // the next in sequence: record it
        replay,     // already seen (a resume overlapping what we had): drop it
        reconnect,  // a gap: drop the socket and resume from expected_seq(); the server replays or says it
                    // can't
    };
    event_step event(std::int64_t seq);

    // Recording a batch failed: there are no acks to withhold, so forget the connection; the next hello is a
    // new one and the catch-up reads the events back.
    void commit_failed();

    int failures() const { return policy_.failures(); }
    std::int64_t expected_seq() const { return expected_seq_; }
    const std::string& connection_id() const { return connection_id_; }

private:
    common::reconnect_policy policy_{std::chrono::minutes{5}};
    std::minstd_rand random_;
    time_point opened_at_{};
    std::string connection_id_;
    std::int64_t expected_seq_ = 0;
    bool caught_up_once_ = false;
};

std::string_view describe(session::hello_kind kind);

}  // namespace hindsight::mattermost
