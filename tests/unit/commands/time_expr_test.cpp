#include <catch2/catch.hpp>

#include "commands/time_expr.hpp"

using namespace hindsight;
using namespace hindsight::commands;
using namespace std::chrono_literals;

namespace {

domain::timestamp utc(const char* iso) {
    return *domain::parse_iso(iso);
}

domain::timestamp parsed(const char* text, const char* now, const std::string& zone = "UTC") {
    auto typed = parse_typed_time(text, utc(now), zone);
    REQUIRE(typed);
    return typed->at;
}

}  // namespace

TEST_CASE("HH:MM is today in the viewer's zone, or yesterday when today's is still ahead") {
    CHECK(parsed("09:40", "2026-03-02T10:00:00Z") == utc("2026-03-02T09:40:00Z"));
    CHECK(parsed("23:50", "2026-03-02T10:00:00Z") == utc("2026-03-01T23:50:00Z"));
    // Berlin is UTC+1 in winter: 09:40 there is 08:40 UTC.
    CHECK(parsed("09:40", "2026-03-02T10:00:00Z", "Europe/Berlin") == utc("2026-03-02T08:40:00Z"));
    // Just after midnight in Tokyo (UTC+9) it is still the previous day in UTC.
    CHECK(parsed("00:10", "2026-03-01T15:30:00Z", "Asia/Tokyo") == utc("2026-03-01T15:10:00Z"));
}

TEST_CASE("a date and time in the viewer's zone, across the DST changes") {
    CHECK(parsed("2026-03-28 12:00", "2026-04-01T00:00:00Z", "Europe/Berlin") == utc("2026-03-28T11:00:00Z"));
    CHECK(parsed("2026-03-30 12:00", "2026-04-01T00:00:00Z", "Europe/Berlin") == utc("2026-03-30T10:00:00Z"));
    // 02:30 does not exist on 2026-03-29 in Berlin: the first instant after the gap (03:00 CEST).
    CHECK(parsed("2026-03-29 02:30", "2026-04-01T00:00:00Z", "Europe/Berlin") == utc("2026-03-29T01:00:00Z"));
    // 02:30 happens twice on 2026-10-25: the earlier one (still CEST).
    CHECK(parsed("2026-10-25 02:30", "2026-11-01T00:00:00Z", "Europe/Berlin") == utc("2026-10-25T00:30:00Z"));
    auto typed = parse_typed_time("2026-03-02 09:40 the deploy went out", utc("2026-03-02T10:00:00Z"), "UTC");
    REQUIRE(typed);
    CHECK(typed->words == 2);
}

TEST_CASE("ISO 8601 instants and relative times") {
    CHECK(parsed("2026-03-02T09:40:00Z", "2026-03-02T10:00:00Z") == utc("2026-03-02T09:40:00Z"));
    CHECK(parsed("2026-03-02T09:40Z", "2026-03-02T10:00:00Z") == utc("2026-03-02T09:40:00Z"));
    CHECK(parsed("2026-03-02T10:40:00+01:00", "2026-03-02T10:00:00Z") == utc("2026-03-02T09:40:00Z"));
    CHECK(parsed("-20m", "2026-03-02T10:00:00Z") == utc("2026-03-02T09:40:00Z"));
    CHECK(parsed("-2h", "2026-03-02T10:00:00Z") == utc("2026-03-02T08:00:00Z"));
    CHECK(parsed("-1d", "2026-03-02T10:00:00Z") == utc("2026-03-01T10:00:00Z"));
}

TEST_CASE("what is not a time, or is in the future, is refused with the forms that work") {
    auto now = utc("2026-03-02T10:00:00Z");
    for (const char* bad : {"last", "25:00", "9:40", "2026-02-30 10:00", "-0m", "-5x", "2026-03-02T09:40:00",
                            "-1:30", "09:-5", "2026-03-02T09:40+-5:00", ""}) {
        auto typed = parse_typed_time(bad, now, "UTC");
        CHECK_FALSE(typed);
        if (!typed && *bad) CHECK(typed.failure().message.find("HH:MM") != std::string::npos);
    }
    auto future = parse_typed_time("2026-03-02T11:00:00Z", now, "UTC");
    REQUIRE_FALSE(future);
    CHECK(future.failure().message.find("future") != std::string::npos);
    CHECK(future.failure().code == errc::conflict);  // refused, never read as note text
    // A minute of tolerance for clocks that disagree: "10:00" typed at 09:59:58 is today, taken as now.
    CHECK(parsed("10:00", "2026-03-02T09:59:58Z") == utc("2026-03-02T09:59:58Z"));
    auto crowd = parse_typed_time("@channel", now, "UTC");
    REQUIRE_FALSE(crowd);
    CHECK(crowd.failure().message.find("'@channel'") == std::string::npos);  // defused when echoed
}
