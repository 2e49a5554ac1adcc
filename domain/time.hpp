#pragma once
// Instants are UTC milliseconds since the epoch everywhere in the core; calendar days are civil dates.
// Time zones are applied only at the edges (display, reminders), by callers that know the viewer.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hindsight::domain {

using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;
using civil_date = std::chrono::year_month_day;

inline std::int64_t to_millis(timestamp t) {
    return t.time_since_epoch().count();
}
inline timestamp from_millis(std::int64_t ms) {
    return timestamp{std::chrono::milliseconds{ms}};
}

// "2026-03-01T10:04:05Z"
std::string format_iso(timestamp t);
// "2026-03-01 10:04" (UTC, minute precision; what people read in a timeline)
std::string format_minute(timestamp t);
// "2026-03-01"
std::string format_date(civil_date d);
// Accepts "YYYY-MM-DDTHH:MM[:SS][.fff]Z" and "YYYY-MM-DD HH:MM[:SS]" (taken as UTC).
std::optional<timestamp> parse_iso(std::string_view text);
// RFC 3339 as monitoring tools write it: "2026-11-26T09:14:03.127Z", "2021-10-12T09:51:03.157076+02:00"
// (any number of fraction digits, kept to the millisecond; Z or an offset required).
std::optional<timestamp> parse_rfc3339(std::string_view text);
// Strict "YYYY-MM-DD" that names a real day (2026-02-30 is refused).
std::optional<civil_date> parse_date(std::string_view text);

// "T+01:05" relative to the incident start; negative offsets (a message before the start) read "T-00:03".
std::string format_offset(timestamp start, timestamp at);
// "2h 05m", "3d 4h", "45s" — durations in status lines and headers.
std::string format_duration(std::chrono::milliseconds d);
// "45m", "2h", "90s", "3d", "1w" (one unit, up to 100000 of it) → the duration; anything else → nullopt.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

civil_date date_of(timestamp t);

}  // namespace hindsight::domain
