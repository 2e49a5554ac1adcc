#include <catch2/catch.hpp>

#include "domain/due_date.hpp"

using namespace hindsight::domain;

namespace {
// 2026-03-04 is a Wednesday.
const civil_date wednesday = *parse_date("2026-03-04");

std::string due(std::string_view text) {
    auto parsed = parse_due_date(text, wednesday);
    return parsed ? format_date(*parsed) : "error: " + parsed.failure().message;
}
}  // namespace

TEST_CASE("every due-date form") {
    CHECK(due("2026-03-20") == "2026-03-20");
    CHECK(due("today") == "2026-03-04");
    CHECK(due("Tomorrow") == "2026-03-05");
    CHECK(due("fri") == "2026-03-06");
    CHECK(due("friday") == "2026-03-06");
    CHECK(due("mon") == "2026-03-09");
    CHECK(due("wed") == "2026-03-11");  // said on a Wednesday: next week's
    CHECK(due("+3d") == "2026-03-07");
    CHECK(due("+2w") == "2026-03-18");
}

TEST_CASE("impossible and vague dates are refused with the accepted forms") {
    for (auto text :
         {"2026-02-30", "someday", "", "+0d", "+3x", "+d", "2026-03-01", "+99999d", "next week"}) {
        auto parsed = parse_due_date(text, wednesday);
        CAPTURE(text);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.failure().code == hindsight::errc::bad_input);
        CHECK(parsed.failure().message.find("YYYY-MM-DD") != std::string::npos);
    }
    CHECK(parse_due_date("2026-02-30", wednesday).failure().message.find("not a real calendar day") !=
          std::string::npos);
    CHECK(parse_due_date("2026-03-01", wednesday).failure().message.find("in the past") != std::string::npos);
}
