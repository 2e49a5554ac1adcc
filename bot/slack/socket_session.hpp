#pragma once
// The Socket Mode supervisor's rules, without sockets or timers (platform.cpp does the I/O and asks this at
// every step; unit tests drive it with a manual clock): when to open a connection, how long to wait after a
// failure or a Retry-After, which connections a new one replaces (make before break: the old ones close only
// after the new one's hello), what each disconnect reason asks for, and when to stop for good. Resumable like
// Boost.Redis's run_fsm: each call takes what happened and next() says what to do.
#include <chrono>
#include <random>
#include <string_view>
#include <vector>

#include "bot/common/reconnect_policy.hpp"

namespace hindsight::slack {

class socket_session {
public:
    using time_point = std::chrono::steady_clock::time_point;

    explicit socket_session(unsigned seed = std::random_device{}());

    struct step {
        enum class kind {
            wait,   // a live connection is up: nothing to do until something happens (call next() then)
            sleep,  // wait `delay`, then ask again
            open,   // call apps.connections.open and dial; then opened() or open_failed()
            stop,   // Socket Mode is off for this app, or we are shutting down
        } what;
        std::chrono::milliseconds delay{0};
    };
    step next(time_point now) const;

    // The new connection said hello. Returns the ids of the connections it replaces: close them now.
    std::vector<int> opened(int id, time_point now);
    // apps.connections.open or the dial failed. give_up: retrying cannot help (a revoked token). Slack's
    // Retry-After, when it sent one, holds the next attempt at least that long.
    void open_failed(time_point now, bool give_up, std::chrono::milliseconds retry_after);

    enum class link_action { keep, close };
    // A disconnect frame on connection `id`: close it now, or keep reading until the replacement is up.
    link_action disconnected(int id, std::string_view reason);
    // Connection `id` ended. One that was not replaced counts against the backoff when it died young.
    void closed(int id, time_point now);
    void stop() { stopping_ = true; }

    bool connected() const;  // a connection that is not being replaced is up
    bool disabled() const { return disabled_; }
    int failures() const { return policy_.failures(); }

private:
    struct link {
        int id;
        time_point opened_at;
        bool draining;  // replaced by a newer connection, or asked to close: no longer the live one
    };
    link* find(int id);
    void hold_off(time_point until);

    std::vector<link> links_;
    common::reconnect_policy policy_{std::chrono::minutes{1}};
    std::minstd_rand random_;
    time_point not_before_{};
    bool replacement_wanted_ = false;
    bool disabled_ = false;
    bool stopping_ = false;
};

}  // namespace hindsight::slack
