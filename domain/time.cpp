#include "domain/time.hpp"

#include <charconv>
#include <cstdio>

namespace hindsight::domain {
namespace {

using namespace std::chrono;

bool read_number(std::string_view text, std::size_t pos, std::size_t len, int& out) {
    if (pos + len > text.size()) return false;
    for (std::size_t i = pos; i < pos + len; ++i)
        if (text[i] < '0' || text[i] > '9') return false;
    auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, out);
    return ec == std::errc{} && ptr == text.data() + pos + len;
}

}  // namespace

civil_date date_of(timestamp t) {
    return civil_date{floor<days>(t)};
}

std::string format_date(civil_date d) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    return buffer;
}

std::string format_iso(timestamp t) {
    auto day = floor<days>(t);
    hh_mm_ss<milliseconds> clock{t - day};
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%sT%02d:%02d:%02dZ", format_date(civil_date{day}).c_str(),
                  static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                  static_cast<int>(clock.seconds().count()));
    return buffer;
}

std::string format_minute(timestamp t) {
    auto day = floor<days>(t);
    hh_mm_ss<milliseconds> clock{t - day};
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%s %02d:%02d", format_date(civil_date{day}).c_str(),
                  static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()));
    return buffer;
}

std::optional<civil_date> parse_date(std::string_view text) {
    int y = 0, m = 0, d = 0;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    if (!read_number(text, 0, 4, y) || !read_number(text, 5, 2, m) || !read_number(text, 8, 2, d))
        return std::nullopt;
    civil_date date{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
    if (!date.ok()) return std::nullopt;
    return date;
}

std::optional<timestamp> parse_iso(std::string_view text) {
    if (text.size() < 16) return std::nullopt;
    auto date = parse_date(text.substr(0, 10));
    if (!date || (text[10] != 'T' && text[10] != ' ')) return std::nullopt;
    int h = 0, mi = 0, s = 0, ms = 0;
    if (!read_number(text, 11, 2, h) || text[13] != ':' || !read_number(text, 14, 2, mi)) return std::nullopt;
    std::size_t pos = 16;
    if (pos < text.size() && text[pos] == ':') {
        if (!read_number(text, pos + 1, 2, s)) return std::nullopt;
        pos += 3;
        if (pos < text.size() && text[pos] == '.') {
            if (!read_number(text, pos + 1, 3, ms)) return std::nullopt;
            pos += 4;
        }
    }
    if (pos < text.size() && text[pos] == 'Z') ++pos;
    if (pos != text.size() || h > 23 || mi > 59 || s > 60) return std::nullopt;
    return timestamp{sys_days{*date}} + hours{h} + minutes{mi} + seconds{s} + milliseconds{ms};
}

std::optional<timestamp> parse_rfc3339(std::string_view text) {
    if (text.size() < 20) return std::nullopt;
    auto date = parse_date(text.substr(0, 10));
    int h = 0, mi = 0, s = 0;
    if (!date || (text[10] != 'T' && text[10] != 't') || !read_number(text, 11, 2, h) || text[13] != ':' ||
        !read_number(text, 14, 2, mi) || text[16] != ':' || !read_number(text, 17, 2, s))
        return std::nullopt;
    std::size_t pos = 19;
    milliseconds fraction{0};
    if (pos < text.size() && text[pos] == '.') {
        int scale = 100, ms = 0;
        std::size_t digits = 0;
        for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++digits) {
            ms += (text[pos] - '0') * scale;
            scale /= 10;
        }
        if (digits == 0) return std::nullopt;
        fraction = milliseconds{ms};
    }
    minutes offset{0};
    auto zone = text.substr(pos);
    if (zone == "Z" || zone == "z") {
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
        int oh = 0, om = 0;
        if (!read_number(zone, 1, 2, oh) || !read_number(zone, 4, 2, om) || oh > 23 || om > 59)
            return std::nullopt;
        offset = (zone[0] == '+' ? 1 : -1) * (hours{oh} + minutes{om});
    } else {
        return std::nullopt;
    }
    if (h > 23 || mi > 59 || s > 60) return std::nullopt;
    return timestamp{sys_days{*date}} + hours{h} + minutes{mi} + seconds{s} + fraction - offset;
}

std::string format_offset(timestamp start, timestamp at) {
    auto delta = at - start;
    bool negative = delta < milliseconds{0};
    auto total_minutes = duration_cast<minutes>(negative ? -delta : delta).count();
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "T%c%02lld:%02lld", negative ? '-' : '+',
                  static_cast<long long>(total_minutes / 60), static_cast<long long>(total_minutes % 60));
    return buffer;
}

std::string format_duration(milliseconds d) {
    if (d < milliseconds{0}) d = milliseconds{0};
    auto total_seconds = duration_cast<seconds>(d).count();
    long long days_part = total_seconds / 86400, hours_part = (total_seconds % 86400) / 3600,
              minutes_part = (total_seconds % 3600) / 60, seconds_part = total_seconds % 60;
    char buffer[48];
    if (days_part > 0)
        std::snprintf(buffer, sizeof buffer, "%lldd %lldh", days_part, hours_part);
    else if (hours_part > 0)
        std::snprintf(buffer, sizeof buffer, "%lldh %02lldm", hours_part, minutes_part);
    else if (minutes_part > 0)
        std::snprintf(buffer, sizeof buffer, "%lldm", minutes_part);
    else
        std::snprintf(buffer, sizeof buffer, "%llds", seconds_part);
    return buffer;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    if (text.size() < 2) return std::nullopt;
    long long amount = 0;
    auto digits = text.substr(0, text.size() - 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), amount);
    if (ec != std::errc{} || ptr != digits.data() + digits.size() || amount <= 0 || amount > 100000)
        return std::nullopt;
    switch (text.back()) {
        case 's':
            return std::chrono::seconds{amount};
        case 'm':
            return std::chrono::minutes{amount};
        case 'h':
            return std::chrono::hours{amount};
        case 'd':
            return std::chrono::days{amount};
        case 'w':
            return std::chrono::weeks{amount};
        default:
            return std::nullopt;
    }
}

}  // namespace hindsight::domain
