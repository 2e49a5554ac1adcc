#pragma once
// Monitoring alerts as received (routed or not), which incident each belongs to, and the Alertmanager
// silences already recorded on an incident's timeline.
#include <optional>
#include <string>
#include <vector>

#include "domain/alert.hpp"
#include "storage/database.hpp"

namespace hindsight::storage {

struct stored_alert {
    std::int64_t id = 0;
    std::string channel;
    domain::alert alert;  // all but the group key
};

class alert_store {
public:
    explicit alert_store(database& db) : db_(db) {}

    // The row id, or nullopt when this fact (same instance, same status) was recorded before: a re-sent
    // group, a redelivery, a second Alertmanager of an HA pair.
    std::optional<std::int64_t> record(const std::string& workspace, const std::string& channel,
                                       const domain::alert& a, domain::timestamp received_at);
    void attach(std::int64_t alert_id, std::int64_t incident_id);
    // Alerts of the channel that arrived since `since` with no incident to go to (oldest first): an incident
    // declared there by hand picks them up.
    std::vector<stored_alert> waiting(const std::string& workspace, const std::string& channel,
                                      domain::timestamp since);
    std::vector<stored_alert> for_incident(std::int64_t incident_id);
    // Alert facts no route took, in every workspace (the /metrics gauge).
    std::int64_t count_unrouted();

    // False when this silence is already on the incident's timeline.
    bool add_silence(std::int64_t incident_id, const std::string& silence_id);
    // Open incidents with alerts whose silences were never looked up, or not for an hour.
    std::vector<std::int64_t> due_for_silences(domain::timestamp now);
    void silences_checked(std::int64_t incident_id, domain::timestamp at);

private:
    database& db_;
};

}  // namespace hindsight::storage
