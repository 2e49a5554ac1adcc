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
