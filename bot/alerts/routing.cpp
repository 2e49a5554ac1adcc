#include "bot/alerts/routing.hpp"

#include <spdlog/spdlog.h>

namespace hindsight::alerts {

alert_router::alert_router(const config::alerts_settings& settings) {
    for (const auto& route : settings.routes) {
        compiled c{&route, {}, true};
        for (const auto& text : route.matchers) {
            auto parsed = domain::parse_matchers(text);
            if (!parsed) {
                spdlog::error("alerts route to {}: {}", route.channel, parsed.failure().message);
                c.usable = false;
                break;
            }
            for (auto& m : *parsed) c.matchers.push_back(std::move(m));
        }
        routes_.push_back(std::move(c));
    }
}

const config::alert_route* alert_router::route(const domain::alert& a) const {
    for (const auto& c : routes_)
        if (c.usable && domain::matches_all(c.matchers, a.labels)) return c.route;
    return nullptr;
}

std::string alert_router::severity_for(const config::alert_route& route, const domain::alert& a) {
    auto severity = domain::value_of(a.labels, "severity");
    for (const auto& [label, sev] : route.severity_labels)
        if (label == severity) return sev;
    return {};
}

}  // namespace hindsight::alerts
