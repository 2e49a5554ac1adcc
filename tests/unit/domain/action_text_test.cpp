#include <catch2/catch.hpp>

#include "domain/action_text.hpp"
#include "domain/rules.hpp"

using namespace hindsight::domain;

namespace {
// 2026-03-04 is a Wednesday.
const civil_date wednesday = *parse_date("2026-03-04");

// "text | owner | due | type" for a reading, "error: …" for a refusal: one string to compare.
std::string read(std::string_view input) {
    auto parsed = parse_action_text(input, wednesday);
    if (!parsed) return "error: " + parsed.failure().message;
    return parsed->text + " | " + parsed->owner.value_or("-") + " | " +
           (parsed->due ? format_date(*parsed->due) : "-") + " | " +
           (parsed->type ? std::string(to_string(*parsed->type)) : "-");
}
bool has(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("the action text keeps every word; a bare type word counts only after another option") {
    CHECK(read("Document the deploy process") == "Document the deploy process | - | - | -");
    CHECK(read("Document the deploy process @bob due +2w process") ==
          "Document the deploy process | @bob | 2026-03-18 | process");
    CHECK(read("Write the failover runbook playbook") == "Write the failover runbook playbook | - | - | -");
    CHECK(read("Write the failover runbook @bob playbook") ==
          "Write the failover runbook | @bob | - | playbook");
    CHECK(read("Add an alert on replica lag @bob due fri detection") ==
          "Add an alert on replica lag | @bob | 2026-03-06 | detection");
    CHECK(read("Add an alert") == "Add an alert | - | - | -");
    // A bare "other" is just a word; said explicitly it is the type.
    CHECK(read("Fix the other @bob other") == "Fix the other @bob other | - | - | -");
    CHECK(read("Fix the other #other") == "Fix the other | - | - | other");
}

TEST_CASE("options in any order, # and `type` forms, platform mentions") {
    CHECK(read("Add an alert #detection due tomorrow @bob") ==
          "Add an alert | @bob | 2026-03-05 | detection");
    CHECK(read("Add an alert type Tooling <@U123>") == "Add an alert | <@U123> | - | tooling");
    CHECK(read("Add an alert <@U123|bob> due 2026-03-20") == "Add an alert | <@U123|bob> | 2026-03-20 | -");
    CHECK(read("Add an alert due +3d #PROCESS") == "Add an alert | - | 2026-03-07 | process");
    CHECK(read("Add an alert Due Fri") == "Add an alert | - | 2026-03-06 | -");
    // The same option twice, said the same way, is one option.
    CHECK(read("Add an alert @bob @Bob") == "Add an alert | @bob | - | -");
    // Spacing inside the text is kept as typed.
    CHECK(read("  Add  an\talert   @bob ") == "Add  an\talert | @bob | - | -");
}

TEST_CASE("words in the middle stay text: a mention there is not the owner") {
    CHECK(read("Teach detection tricks to @dave due +2w") ==
          "Teach detection tricks to | @dave | 2026-03-18 | -");
    CHECK(read("Pair @carol with the DBA team on failover") ==
          "Pair @carol with the DBA team on failover | - | - | -");
    CHECK(read("Ask @carol about the runbook @bob") == "Ask @carol about the runbook | @bob | - | -");
    CHECK(read("Move type checks and due dates into #process docs") ==
          "Move type checks and due dates into #process docs | - | - | -");
    CHECK(read("Fix the alert that fires due to load") == "Fix the alert that fires due to load | - | - | -");
    CHECK(read("Post a note due today about the outage") ==
          "Post a note due today about the outage | - | - | -");
    CHECK(read("Fix the due date") == "Fix the due date | - | - | -");
}

TEST_CASE("multi-word due dates: the longest form that reads") {
    CHECK(read("Rotate the keys due next friday") == "Rotate the keys | - | 2026-03-06 | -");
    CHECK(read("Rotate the keys due March 20 @bob") == "Rotate the keys | @bob | 2026-03-20 | -");
    CHECK(read("Rotate the keys due 20 Mar tooling @bob") == "Rotate the keys | @bob | 2026-03-20 | tooling");
    CHECK(read("Rotate the keys due in 3 days") == "Rotate the keys | - | 2026-03-07 | -");
    CHECK(read("Rotate the keys @bob due in 1 week process") ==
          "Rotate the keys | @bob | 2026-03-11 | process");
    CHECK(read("Rotate the keys due end of month") == "Rotate the keys | - | 2026-03-31 | -");
    CHECK(read("Rotate the keys due end of the month #tooling") ==
          "Rotate the keys | - | 2026-03-31 | tooling");
}

TEST_CASE("errors: two owners, an unreadable or past date, no text") {
    auto two = read("Rotate the keys @bob @carol");
    CHECK(has(two, "error: Two owners at the end: @bob and @carol. Which one owns it?"));
    CHECK(has(read("Rotate the keys @bob due fri <@U9>"), "Two owners at the end: @bob and <@U9>"));
    CHECK(has(read("Rotate the keys #process #tooling"), "Two types at the end: process and tooling"));
    CHECK(has(read("Rotate the keys due fri due +2w"), "Two due dates at the end: 'fri' and '+2w'"));

    auto unreadable = read("Rotate the keys due next fryday");
    CHECK(has(unreadable, "error: Due date 'next fryday' is not a date (use YYYY-MM-DD"));
    CHECK(has(read("Rotate the keys due next fryday @bob"), "'next fryday' is not a date"));
    CHECK(has(read("Rotate the keys due in 3 dys"), "'in 3 dys' is not a date"));
    CHECK(has(read("Fix it due someday"), "'someday' is not a date"));
    CHECK(has(read("Fix it due 2026-02-30"), "not a real calendar day"));
    CHECK(has(read("Rotate the keys due 2026-03-01"), "error: Due date '2026-03-01' is in the past"));
    CHECK(has(read("Rotate the keys due March 2 @bob"), "'March 2' is in the past"));

    CHECK(has(read("@bob due fri"), "error: Missing the action text before its options."));
    CHECK(has(read(""), "error: Missing the action text."));
}

TEST_CASE("an unknown #word at the end stays text and is pointed out") {
    // Decision: a #word that is not a type is text (it may be a channel or a tag people use), never an
    // error; the caller shows it so a mistyped type ("#proces") is seen at once.
    auto parsed = parse_action_text("Fix the deploy #proces", wednesday);
    REQUIRE(parsed);
    CHECK(parsed->text == "Fix the deploy #proces");
    CHECK_FALSE(parsed->type);
    CHECK(parsed->unknown_tag == "#proces");
    auto before_owner = parse_action_text("Fix the deploy #ops @bob", wednesday);
    REQUIRE(before_owner);
    CHECK(before_owner->text == "Fix the deploy #ops");
    CHECK(before_owner->unknown_tag == "#ops");
    CHECK_FALSE(parse_action_text("Fix the #ops deploy", wednesday)->unknown_tag);
}

TEST_CASE("mentions: @name and the platform's syntax") {
    for (auto word : {"@bob", "@bob.smith", "@a-b_c", "<@U123>", "<@U123|bob>"}) {
        CAPTURE(word);
        CHECK(is_user_mention(word));
    }
    for (auto word : {"@", "bob", "<@>", "<@|bob>", "@bob!", "<#C1|ops>", "email@example.com"}) {
        CAPTURE(word);
        CHECK_FALSE(is_user_mention(word));
    }
}

TEST_CASE("the verb check knows common verbs") {
    for (auto text : {"Ping the DBA team about quotas", "Look at the disk alerts weekly",
                      "Ask the vendor for a status page", "Email the customers a summary",
                      "Write the failover runbook", "Verify backups restore every month"}) {
        CAPTURE(text);
        CHECK(action_text_concerns(text).empty());
    }
    CHECK(has(action_text_concerns("Alerting on replica lag").front(), "does not start with a verb"));
}
