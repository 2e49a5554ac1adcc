#pragma once
// Time is injected: the console and tests move it by hand, `run` reads the system clock.
#include <chrono>

#include "domain/time.hpp"

namespace hindsight::bot {

class clock {
public:
    // start: nullopt follows the system clock; a value freezes time there until advanced.
    explicit clock(std::optional<domain::timestamp> start = std::nullopt) : frozen_(start) {}

    domain::timestamp now() const {
        if (frozen_) return *frozen_ + offset_;
        return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()) +
               offset_;
    }
    void advance(std::chrono::milliseconds by) { offset_ += by; }
    // A frozen clock still has to move forward a little per event so that two messages typed in a row keep
    // their order on the timeline.
    void tick() {
        if (frozen_) offset_ += std::chrono::milliseconds{1000};
    }

private:
    std::optional<domain::timestamp> frozen_;
    std::chrono::milliseconds offset_{0};
};

}  // namespace hindsight::bot
