#include "commands/time_expr.hpp"

#include <date/tz.h>

#include <algorithm>
#include <charconv>

#include "commands/arguments.hpp"
#include "commands/context.hpp"
#include "commands/zones.hpp"

namespace hindsight::commands {

namespace {

using namespace std::chrono;

constexpr std::string_view forms =
    "Give a time as HH:MM, YYYY-MM-DD HH:MM, an ISO 8601 instant (2026-03-02T09:40:00Z) or -20m / -2h.";

std::optional<int> number(std::string_view text) {
    // Digits only: from_chars would take a sign, and "09:-5" is no time.
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

// "09:40" → minutes after midnight.
std::optional<minutes> clock_time(std::string_view text) {
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    auto h = number(text.substr(0, 2)), m = number(text.substr(3, 2));
    if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
    return hours{*h} + minutes{*m};
}

std::optional<date::year_month_day> calendar_day(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    auto y = number(text.substr(0, 4)), mo = number(text.substr(5, 2)), d = number(text.substr(8, 2));
    if (!y || !mo || !d) return std::nullopt;
    date::year_month_day day{date::year{*y}, date::month{static_cast<unsigned>(*mo)},
                             date::day{static_cast<unsigned>(*d)}};
    if (!day.ok()) return std::nullopt;
    return day;
}

// A wall-clock time in the zone; in a DST gap it moves forward, in an overlap it takes the earlier instant.
domain::timestamp in_zone(date::local_days day, minutes time_of_day, const std::string& zone) {
    auto local = date::local_seconds{day} + time_of_day;
    const auto* tz = find_zone(zone);
    if (!tz) return time_point_cast<milliseconds>(sys_seconds{local.time_since_epoch()});
    auto info = tz->get_info(local);
    sys_seconds at{};
    if (info.result == date::local_info::unique)
        at = sys_seconds{local.time_since_epoch()} - info.first.offset;
    else if (info.result == date::local_info::nonexistent)
        at = info.first.end;  // the first instant after the gap
    else
        at = sys_seconds{local.time_since_epoch()} - info.first.offset;
    return time_point_cast<milliseconds>(at);
}

std::optional<domain::timestamp> ago(std::string_view text, domain::timestamp now) {
    if (text.size() < 3 || text.front() != '-') return std::nullopt;
    auto amount = number(text.substr(1, text.size() - 2));
    if (!amount || *amount <= 0 || *amount > 100000) return std::nullopt;
    switch (text.back()) {
        case 'm':
            return now - minutes{*amount};
        case 'h':
            return now - hours{*amount};
        case 'd':
            return now - days{*amount};
    }
    return std::nullopt;
}

// "2026-03-02T09:40:00Z", "2026-03-02T09:40Z", "2026-03-02T10:40:00+01:00"
std::optional<domain::timestamp> instant(std::string_view text) {
    auto day = text.size() >= 16 && text[10] == 'T' ? calendar_day(text.substr(0, 10)) : std::nullopt;
    if (!day) return std::nullopt;
    auto time = clock_time(text.substr(11, 5));
    if (!time) return std::nullopt;
    auto rest = text.substr(16);
    seconds secs{0};
    if (rest.size() >= 3 && rest[0] == ':') {
        auto s = number(rest.substr(1, 2));
        if (!s || *s > 59) return std::nullopt;
        secs = seconds{*s};
        rest = rest.substr(3);
    }
    minutes offset{0};
    if (rest == "Z" || rest == "z") {
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
        auto h = number(rest.substr(1, 2)), m = number(rest.substr(4, 2));
        if (!h || !m || *h > 14 || *m > 59) return std::nullopt;
        offset = (rest[0] == '+' ? 1 : -1) * (hours{*h} + minutes{*m});
    } else {
        return std::nullopt;  // an instant without a zone is ambiguous: use YYYY-MM-DD HH:MM
    }
    sys_days midnight{days{date::sys_days{*day}.time_since_epoch().count()}};
    return time_point_cast<milliseconds>(midnight + *time + secs - offset);
}

}  // namespace

result<typed_time> parse_typed_time(std::string_view text, domain::timestamp now, const std::string& zone) {
    auto words = split_words(text);
    if (words.empty()) return make_error(errc::bad_input, std::string(forms));
    std::optional<typed_time> found;
    if (auto at = ago(words[0], now)) {
        found = typed_time{*at, 1};
    } else if (auto at = instant(words[0])) {
        found = typed_time{*at, 1};
    } else if (auto day = calendar_day(words[0]); day && words.size() > 1) {
        if (auto time = clock_time(words[1]))
            found = typed_time{in_zone(date::local_days{*day}, *time, zone), 2};
    } else if (auto time = clock_time(words[0])) {
        // Today in the viewer's zone, or yesterday when today's would still be ahead.
        auto today = local_date(now, zone);
        date::local_days day{date::days{sys_days{today}.time_since_epoch().count()}};
        auto at = in_zone(day, *time, zone);
        // A minute of tolerance: "09:41" typed at 09:40:58 by a clock a little ahead means today.
        if (at > now + seconds{59}) at = in_zone(day - days{1}, *time, zone);
        found = typed_time{at, 1};
    }
    if (!found)
        return make_error(errc::bad_input, "'" + quote(words[0]) + "' is not a time. " + std::string(forms));
    if (found->at > now + seconds{59})
        return make_error(errc::conflict, "That time is in the future; the timeline records what happened.");
    found->at = std::min(found->at, now);  // within the tolerance: now, so nothing lands after the present
    return *found;
}

}  // namespace hindsight::commands
