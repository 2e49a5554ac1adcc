#pragma once
// [[alerts.routes]] compiled once: the first route whose matchers all match an alert's labels takes it.
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "domain/alert.hpp"

namespace hindsight::alerts {

class alert_router {
public:
    // The loader has checked every matcher; one that still does not parse matches nothing (and is logged).
    explicit alert_router(const config::alerts_settings& settings);

    const config::alert_route* route(const domain::alert& a) const;
    // The route's severity_labels read from the alert's `severity` label: "sev1".."sev4", or "".
    static std::string severity_for(const config::alert_route& route, const domain::alert& a);

private:
    struct compiled {
        const config::alert_route* route;
        std::vector<domain::label_matcher> matchers;
        bool usable = true;
    };
    std::vector<compiled> routes_;
};

}  // namespace hindsight::alerts
