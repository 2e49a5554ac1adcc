#pragma once
// When to dial again after a connection failed or died young: 1 s, 2 s, 4 s … up to a ceiling, each drawn
// between half and all of that so that instances restarted together do not reconnect in step. A connection
// that stayed up for a while resets the count. Pure: time and randomness come in as arguments.
#include <algorithm>
#include <chrono>
#include <random>

namespace hindsight::common {

inline std::chrono::milliseconds jittered_backoff(int failures, std::chrono::milliseconds ceiling,
                                                  std::minstd_rand& random) {
    if (failures <= 0) return std::chrono::milliseconds{0};
    auto step = std::min<long long>(ceiling.count(), 1000LL << std::min(failures - 1, 20));
    std::uniform_int_distribution<long long> pick(step / 2, step);
    return std::chrono::milliseconds{pick(random)};
}

// The same, from a generator seeded once per thread (the shell's retries that keep no policy object).
inline std::chrono::milliseconds jittered_backoff(int failures, std::chrono::milliseconds ceiling) {
    static thread_local std::minstd_rand random{std::random_device{}()};
    return jittered_backoff(failures, ceiling, random);
}

class reconnect_policy {
public:
    using time_point = std::chrono::steady_clock::time_point;

    explicit reconnect_policy(std::chrono::milliseconds ceiling,
                              std::chrono::milliseconds healthy_after = std::chrono::seconds{30})
        : ceiling_(ceiling), healthy_after_(healthy_after) {}

    void failed() { ++failures_; }
    // A connection that lived healthy_after or longer was fine: start over. One that died younger counts as a
    // failure, so a server that accepts and drops at once is not hammered.
    void ended(time_point opened, time_point now) {
        failures_ = now - opened < healthy_after_ ? failures_ + 1 : 0;
    }
    void reset() { failures_ = 0; }
    int failures() const { return failures_; }
    std::chrono::milliseconds delay(std::minstd_rand& random) const {
        return jittered_backoff(failures_, ceiling_, random);
    }

private:
    std::chrono::milliseconds ceiling_;
    std::chrono::milliseconds healthy_after_;
    int failures_ = 0;
};

}  // namespace hindsight::common
