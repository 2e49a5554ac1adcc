#include <catch2/catch.hpp>

#include "domain/rules.hpp"

using namespace hindsight::domain;

TEST_CASE("status changes follow active → mitigated → resolved → reviewed, and only resolved reopens") {
    incident inc;
    inc.number = 1;
    CHECK(check_status_change(inc, incident_status::mitigated));
    CHECK(check_status_change(inc, incident_status::resolved));
    CHECK_FALSE(check_status_change(inc, incident_status::active));
    CHECK_FALSE(check_status_change(inc, incident_status::reviewed));
    inc.status = incident_status::resolved;
    CHECK(check_status_change(inc, incident_status::active));
    CHECK_FALSE(check_status_change(inc, incident_status::mitigated));
    inc.status = incident_status::reviewed;
    CHECK(check_status_change(inc, incident_status::active).failure().message.find("start a new incident") !=
          std::string::npos);
}

TEST_CASE("default due dates by severity") {
    auto today = *parse_date("2026-03-04");
    CHECK(format_date(default_due_date(severity::sev1, {7, 14, 30, 30}, today)) == "2026-03-11");
    CHECK(format_date(default_due_date(severity::sev4, {7, 14, 30, 30}, today)) == "2026-04-03");
}

TEST_CASE("action items get suggestions for vague or verbless wording") {
    CHECK(action_text_concerns("Add an alert on replica lag above 30 s").empty());
    CHECK(action_text_concerns("Document the failover runbook for the payments DB").empty());
    CHECK(action_text_concerns("look into the database").front().find("no concrete outcome") !=
          std::string::npos);
    CHECK(action_text_concerns("Investigate flaky deploys in CI").front().find("no concrete outcome") !=
          std::string::npos);
    CHECK(action_text_concerns("fix it").front().find("very short") != std::string::npos);
    CHECK(action_text_concerns("Alerting on replica lag").front().find("does not start with a verb") !=
          std::string::npos);
}

TEST_CASE("channel names for incidents: inc-<date>-<slug>, ASCII, at most 50 characters") {
    civil_date day{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{27}};
    CHECK(incident_channel_name("DB down in EU-west!", day, 7) == "inc-20261127-db-down-in-eu-west");
    CHECK(incident_channel_name("  --Checkout  /  5xx  ", day, 7) == "inc-20261127-checkout-5xx");
    CHECK(incident_channel_name("Zahlungsausfall über 50 %", day, 7) ==
          "inc-20261127-zahlungsausfall-ber-50");
    CHECK(incident_channel_name("データベース", day, 7) == "inc-20261127-7");
    auto longest = incident_channel_name(std::string(200, 'a') + " b", day, 7);
    CHECK(longest.size() == 50);
    CHECK(incident_channel_name("a very long title that keeps going - and - going on", day, 1).back() != '-');
}
