#pragma once
// Time zones at the edge: showing an instant in a viewer's zone, and the viewer's "today" for due dates.
#include <string>

#include "domain/time.hpp"

namespace date {
class time_zone;
}

namespace hindsight::commands {

// The zone, or nullptr for UTC and for names the time-zone database does not know.
const date::time_zone* find_zone(const std::string& zone);
bool is_known_zone(const std::string& zone);
// "2026-03-01 11:04 CET"; falls back to UTC for an unknown zone.
std::string local_minute(domain::timestamp t, const std::string& zone);
// "11:04"
std::string local_clock(domain::timestamp t, const std::string& zone);
domain::civil_date local_date(domain::timestamp t, const std::string& zone);

}  // namespace hindsight::commands
