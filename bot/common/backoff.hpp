#pragma once
// Reconnect delays: 1 s, 2 s, 4 s … up to a ceiling, each drawn between half and all of that, so instances
// restarted together do not reconnect in step.
#include <algorithm>
#include <chrono>
#include <random>

namespace hindsight::bot {

inline std::chrono::milliseconds jittered_backoff(int failures, std::chrono::milliseconds ceiling) {
    static thread_local std::minstd_rand random{std::random_device{}()};
    if (failures <= 0) return std::chrono::milliseconds{0};
    auto step = std::min<long long>(ceiling.count(), 1000LL << std::min(failures - 1, 20));
    std::uniform_int_distribution<long long> pick(step / 2, step);
    return std::chrono::milliseconds{pick(random)};
}

}  // namespace hindsight::bot
