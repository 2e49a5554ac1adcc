#include <catch2/catch.hpp>

#include "domain/time.hpp"

using namespace hindsight::domain;
using namespace std::chrono;

TEST_CASE("ISO instants round-trip") {
    auto t = parse_iso("2026-03-01T10:04:05Z");
    REQUIRE(t);
    CHECK(format_iso(*t) == "2026-03-01T10:04:05Z");
    CHECK(format_minute(*t) == "2026-03-01 10:04");
    CHECK(parse_iso("2026-03-01 10:04") == *t - seconds{5});
    CHECK(parse_iso("2026-03-01T10:04:05.250Z") == *t + milliseconds{250});
    CHECK_FALSE(parse_iso("2026-02-30T10:00:00Z"));
    CHECK_FALSE(parse_iso("2026-03-01T25:00:00Z"));
    CHECK_FALSE(parse_iso("yesterday"));
}

TEST_CASE("calendar dates are strict") {
    CHECK(parse_date("2028-02-29"));
    CHECK_FALSE(parse_date("2026-02-29"));
    CHECK_FALSE(parse_date("2026-2-1"));
    CHECK_FALSE(parse_date("2026-13-01"));
}

TEST_CASE("offsets and durations read like a timeline") {
    auto start = *parse_iso("2026-03-01T10:00:00Z");
    CHECK(format_offset(start, start + minutes{65}) == "T+01:05");
    CHECK(format_offset(start, start - minutes{3}) == "T-00:03");
    CHECK(format_offset(start, start + hours{30}) == "T+30:00");
    CHECK(format_duration(minutes{125}) == "2h 05m");
    CHECK(format_duration(hours{76}) == "3d 4h");
    CHECK(format_duration(seconds{45}) == "45s");
}

TEST_CASE("RFC 3339 as monitoring tools write it: fractions of any length, Z or an offset") {
    auto base = *parse_iso("2026-11-26T09:14:03Z");
    CHECK(parse_rfc3339("2026-11-26T09:14:03Z") == base);
    CHECK(parse_rfc3339("2026-11-26T09:14:03.127Z") == base + milliseconds{127});
    CHECK(parse_rfc3339("2026-11-26T09:14:03.1Z") == base + milliseconds{100});
    CHECK(parse_rfc3339("2026-11-26T09:14:03.157076123Z") == base + milliseconds{157});
    CHECK(parse_rfc3339("2026-11-26T11:14:03+02:00") == base);
    CHECK(parse_rfc3339("2026-11-26T04:14:03.5-05:00") == base + milliseconds{500});
    CHECK(parse_rfc3339("0001-01-01T00:00:00Z"));       // Go's zero time parses; callers treat it as unset
    CHECK_FALSE(parse_rfc3339("2026-11-26T09:14:03"));  // no zone
    CHECK_FALSE(parse_rfc3339("2026-11-26T09:14:03.Z"));
    CHECK_FALSE(parse_rfc3339("2026-11-26 09:14"));
    CHECK_FALSE(parse_rfc3339("2026-11-26T09:14:03+2:00"));
}
