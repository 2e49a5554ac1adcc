#pragma once
// The pause after a 429, in one shape for both chat platforms: Slack limits each Web API method on its own
// (the scope is the method), Mattermost the whole session (one scope, ""). Pure: `now` comes in.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace hindsight::common {

class rate_pause {
public:
    using time_point = std::chrono::steady_clock::time_point;

    void pause(std::string_view scope, time_point now, std::chrono::milliseconds retry_after) {
        auto& until = until_[std::string(scope)];
        until = std::max(until, now + retry_after);
    }
    // How long calls in this scope still wait; nullopt when they may go now.
    std::optional<std::chrono::milliseconds> remaining(std::string_view scope, time_point now) {
        auto found = until_.find(scope);
        if (found == until_.end()) return std::nullopt;
        if (now >= found->second) {
            until_.erase(found);
            return std::nullopt;
        }
        return std::chrono::ceil<std::chrono::milliseconds>(found->second - now);
    }

private:
    std::map<std::string, time_point, std::less<>> until_;
};

}  // namespace hindsight::common
