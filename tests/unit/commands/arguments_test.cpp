#include <catch2/catch.hpp>

#include "commands/arguments.hpp"

using namespace hindsight::commands;

TEST_CASE("words and the rest of the line") {
    arguments args("  start   DB is   slow  sev2 ");
    CHECK(args.next() == "start");
    CHECK(args.peek() == "DB");
    CHECK(args.rest() == "DB is   slow  sev2");
    CHECK(split_words(args.rest()).size() == 4);
    arguments empty("   ");
    CHECK(empty.empty());
    CHECK_FALSE(empty.next());
}

TEST_CASE("incident and action references") {
    CHECK(parse_incident_ref("INC-7") == 7);
    CHECK(parse_incident_ref("inc-12") == 12);
    CHECK_FALSE(parse_incident_ref("INC-"));
    CHECK_FALSE(parse_incident_ref("INC-0"));
    CHECK_FALSE(parse_incident_ref("INC-7x"));
    CHECK(parse_action_ref("A-3") == 3);
    CHECK_FALSE(parse_action_ref("A3"));
}

TEST_CASE("user mentions in both syntaxes") {
    auto slack = parse_user_mention("<@U123|alice>");
    REQUIRE(slack);
    CHECK(slack->value == "U123");
    CHECK(slack->is_id);
    auto plain = parse_user_mention("@bob.smith");
    REQUIRE(plain);
    CHECK(plain->value == "bob.smith");
    CHECK_FALSE(plain->is_id);
    CHECK_FALSE(parse_user_mention("bob"));
    CHECK_FALSE(parse_user_mention("@"));
    CHECK_FALSE(parse_user_mention("@bo$b"));
}
