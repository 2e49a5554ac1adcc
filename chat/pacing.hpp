#pragma once
// Pacing of outgoing messages to what a platform tolerates (about one post per second per channel on Slack,
// with short bursts), so the bot slows itself down instead of collecting 429s. A token bucket per
// destination; pure, with the time passed in.
#include <algorithm>
#include <chrono>
#include <map>
#include <string>

#include "domain/time.hpp"

namespace hindsight::chat {

struct pace {
    std::chrono::milliseconds interval{1000};  // one message per interval, on average
    int burst = 3;                             // this many may go back to back
};

class pacer {
public:
    explicit pacer(pace limits) : limits_(limits) {}

    // Takes a slot for destination at now and returns now, or returns the time a slot frees up (nothing
    // taken).
    domain::timestamp take(const std::string& destination, domain::timestamp now) {
        auto& bucket =
            buckets_.try_emplace(destination, bucket_state{static_cast<double>(limits_.burst), now})
                .first->second;
        auto elapsed = std::chrono::duration<double, std::milli>(now - bucket.updated).count();
        if (elapsed > 0) {
            bucket.tokens = std::min<double>(
                limits_.burst, bucket.tokens + elapsed / static_cast<double>(limits_.interval.count()));
            bucket.updated = now;
        }
        if (bucket.tokens >= 1.0) {
            bucket.tokens -= 1.0;
            return now;
        }
        auto wait = std::chrono::milliseconds{
            static_cast<long long>((1.0 - bucket.tokens) * static_cast<double>(limits_.interval.count())) +
            1};
        return now + wait;
    }

    // Buckets idle long enough to be full again carry no information.
    void forget_idle(domain::timestamp now) {
        auto full_after = limits_.interval * limits_.burst;
        std::erase_if(buckets_, [&](const auto& entry) { return now - entry.second.updated > full_after; });
    }

private:
    struct bucket_state {
        double tokens;
        domain::timestamp updated;
    };
    pace limits_;
    std::map<std::string, bucket_state> buckets_;
};

}  // namespace hindsight::chat
