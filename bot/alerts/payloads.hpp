#pragma once
// The alert payloads hindsight accepts, decoded into domain::alert: Alertmanager's webhook (version 4),
// Grafana's webhook contact point (the same shape, "version": "1", firing alerts ending at Go's zero time),
// PagerDuty V3 webhooks (one event per body) and the Standard Webhooks form (one alert or a list, shaped as
// Alertmanager's). Pure: bytes in, values or a specific complaint out.
#include <string>
#include <string_view>
#include <vector>

#include "domain/alert.hpp"
#include "domain/result.hpp"

namespace hindsight::alerts {

struct decoded_alerts {
    std::vector<domain::alert> alerts;
    // Said back to the sender in the 2xx body: a PagerDuty event type hindsight does not put on timelines.
    std::string ignored;
};

// errc::bad_input with the field at fault ("alerts[2].startsAt is not an RFC 3339 time").
result<decoded_alerts> decode_alertmanager(std::string_view body);
result<decoded_alerts> decode_grafana(std::string_view body);
result<decoded_alerts> decode_pagerduty(std::string_view body);
result<decoded_alerts> decode_standard_webhook(std::string_view body);

// GET /api/v2/silences: every silence with its matchers (isRegex / isEqual), times, author and comment. A
// silence that cannot be read is skipped with its reason; only a body that is not a JSON array fails.
struct decoded_silences {
    std::vector<domain::silence> silences;
    std::vector<std::string> skipped;
};
result<decoded_silences> decode_silences(std::string_view body);

}  // namespace hindsight::alerts
