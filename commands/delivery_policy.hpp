#pragma once
// The outbox worker's decisions as pure code: before a delivery, whether a row goes now and in what form
// (a placeholder channel replaced by the created one, a thread key by its root, an edit that a later edit
// made stale dropped, a reply whose root was given up on said in the channel instead), or waits, or is given
// up; after it, whether the row is done, retried after a backoff, held back by the platform's 429 pause, or
// given up after too many attempts. The worker in bot/app does the I/O around these.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "chat/call_result.hpp"
#include "chat/outgoing.hpp"
#include "domain/time.hpp"
#include "storage/queue_store.hpp"

namespace hindsight::commands {

inline constexpr int max_delivery_attempts = 10;

// A thread root, an edited message or a created channel that another outbox row names: delivered (value is
// its id), still waiting in the outbox, or gone (given up on, or from before names were kept).
struct named {
    enum class state { ready, waiting, gone } what = state::gone;
    std::string value = {};
};

// What the policy asks of storage; the worker answers from the outbox, tests from a map.
struct delivery_lookups {
    std::function<named(const std::string& placeholder)> channel;
    std::function<named(const std::string& key)> thread;
    std::function<bool(const std::string& edit_key)> newer_edit;
};

struct delivery_plan {
    enum class kind {
        send,     // deliver `message` now
        wait,     // try again at `at` without counting an attempt
        done,     // nothing left to send (a stale edit, an edit of a message that is gone): mark it sent
        give_up,  // never deliverable: `reason` says why
    } what = kind::give_up;
    chat::outgoing message = {};
    domain::timestamp at = {};
    std::string reason = {};
};

// platforms_coming: a configured platform is not up yet; its rows wait a day instead of being given up.
delivery_plan plan_delivery(const storage::outbox_row& row, std::optional<chat::outgoing> message,
                            bool platform_found, bool platforms_coming, domain::timestamp now,
                            const delivery_lookups& lookups);

struct delivery_verdict {
    enum class kind {
        sent,
        held,     // the platform's own pause after a 429: not an attempt, just later (at)
        retry,    // a failure worth another attempt at `at`
        give_up,  // rejected, or retried too often
    } what = kind::give_up;
    domain::timestamp at = {};
};

delivery_verdict judge_delivery(const chat::call_result& result, int attempts_so_far, domain::timestamp now);

// 1 s, 2 s, 4 s … capped at 5 minutes: a platform outage is ridden out for about half an hour.
std::chrono::milliseconds delivery_backoff(int attempts);

// The bucket a message is paced in: posts and reactions apart, per channel (or per DM recipient).
std::string pacing_destination(const std::string& workspace, const chat::outgoing& message);

// Stable across attempts at one row (chat::sending carries it): a platform with idempotent creates makes a
// retry harmless with it.
std::string idempotency_key(const storage::outbox_row& row);

}  // namespace hindsight::commands
