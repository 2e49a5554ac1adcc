#include "commands/zones.hpp"

#include <date/tz.h>

namespace hindsight::commands {

const date::time_zone* find_zone(const std::string& zone) {
    if (zone.empty() || zone == "UTC") return nullptr;
    try {
        return date::locate_zone(zone);
    } catch (const std::exception&) {
        return nullptr;
    }
}

bool is_known_zone(const std::string& zone) {
    return zone == "UTC" || find_zone(zone) != nullptr;
}

std::string local_minute(domain::timestamp t, const std::string& zone) {
    auto* tz = find_zone(zone);
    if (!tz) return domain::format_minute(t) + " UTC";
    auto zoned = date::make_zoned(tz, std::chrono::floor<std::chrono::minutes>(t));
    return date::format("%Y-%m-%d %H:%M %Z", zoned);
}

std::string local_clock(domain::timestamp t, const std::string& zone) {
    auto* tz = find_zone(zone);
    if (!tz) return domain::format_minute(t).substr(11);
    auto zoned = date::make_zoned(tz, std::chrono::floor<std::chrono::minutes>(t));
    return date::format("%H:%M", zoned);
}

domain::civil_date local_date(domain::timestamp t, const std::string& zone) {
    auto* tz = find_zone(zone);
    if (!tz) return domain::date_of(t);
    auto local = tz->to_local(std::chrono::floor<std::chrono::seconds>(t));
    return domain::civil_date{
        std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds{local.time_since_epoch()})};
}

}  // namespace hindsight::commands
