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

TEST_CASE("the longer date forms: next weekday, month and day, in n days, end of month") {
    CHECK(due("next friday") == "2026-03-06");  // the same day as "friday": the next one after today
    CHECK(due("next fri") == "2026-03-06");
    CHECK(due("Next Wednesday") == "2026-03-11");
    CHECK(due("March 20") == "2026-03-20");
    CHECK(due("20 Mar") == "2026-03-20");
    CHECK(due("mar 20") == "2026-03-20");
    CHECK(due("march 20th") == "2026-03-20");
    CHECK(due("Sept 1") == "2026-09-01");
    CHECK(due("March 4") == "2026-03-04");  // today is not the past
    // Long gone this year (more than half a year ago): next year's. Recently passed: a typo, refused below.
    CHECK(parse_due_date("Jan 10", *parse_date("2026-12-20")).value() == *parse_date("2027-01-10"));
    CHECK(due("in 3 days") == "2026-03-07");
    CHECK(due("in 1 day") == "2026-03-05");
    CHECK(due("in 1 week") == "2026-03-11");
    CHECK(due("in 2  weeks") == "2026-03-18");
    CHECK(due("in a week") == "2026-03-11");
    CHECK(due("end of month") == "2026-03-31");
    CHECK(due("end of the month") == "2026-03-31");
    CHECK(parse_due_date("end of month", *parse_date("2026-02-10")).value() == *parse_date("2026-02-28"));
}

TEST_CASE("the longer forms refuse what they cannot read, naming it") {
    CHECK(due("next fryday") ==
          "error: 'next fryday' is not a date (use " + std::string(due_date_forms) + ")");
    CHECK(due("March 2").find("'March 2' is in the past (2026-03-02)") != std::string::npos);
    CHECK(due("Jan 10").find("'Jan 10' is in the past (2026-01-10)") != std::string::npos);
    CHECK(due("Feb 30").find("not a real calendar day") != std::string::npos);
    CHECK(due("March 32").find("is not a date") != std::string::npos);
    CHECK(due("in 0 days").find("is not a date") != std::string::npos);
    CHECK(due("in 3 months").find("is not a date") != std::string::npos);
    CHECK(due("in 99999 days").find("more than ten years") != std::string::npos);
    CHECK(due("end of week").find("is not a date") != std::string::npos);
    CHECK(due("next").find("is not a date") != std::string::npos);
}

TEST_CASE("which words can start a date") {
    for (auto word : {"fri", "Friday", "next", "in", "end", "today", "tomorrow", "+3d", "20", "2026-03-20",
                      "March", "sept", "fryday", "someday"}) {
        CAPTURE(word);
        CHECK(looks_like_date_start(word));
    }
    for (auto word : {"to", "date", "monitoring", "decision", "the", "on"}) {
        CAPTURE(word);
        CHECK_FALSE(looks_like_date_start(word));
    }
}
