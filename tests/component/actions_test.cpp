#include <catch2/catch.hpp>

#include "harness.hpp"
#include "storage/action_store.hpp"
#include "storage/incident_store.hpp"

using namespace hindsight;
using testing::harness;

namespace {
bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("action items: owners, due dates, types, and every change in the history") {
    harness h;  // 2026-03-04 (a Wednesday)
    h.say("alice", "ops", "start DB down sev2");
    auto created = h.say("alice", "ops", "action Add an alert on replica lag @bob due fri detection");
    CHECK(
        has(created, "A-1 for INC-1: Add an alert on replica lag — owner @bob, due 2026-03-06 · detection"));
    // Without owner or due date: the caller owns it, due by severity (sev2: 14 days), and is told so.
    // A bare type word is text unless another option comes before it.
    auto defaults = h.say("carol", "ops", "action Write the failover runbook playbook");
    CHECK(
        has(defaults,
            "Write the failover runbook playbook — owner @carol, due 2026-03-18 · type: other (none given)"));
    CHECK(has(defaults, "no owner was named"));
    CHECK(has(defaults, "no due date was given"));
    CHECK(has(h.say("carol", "ops", "action look into it"), "no concrete outcome"));
    // Options only count at the end: words in the middle of the text stay text.
    CHECK(has(h.say("carol", "ops", "action Teach detection tricks to @dave due +2w"),
              "Teach detection tricks to — owner @dave, due 2026-03-18 · type: other (none given)"));

    CHECK(has(h.say("alice", "ops", "action Fix it due 2026-02-30"), "not a real calendar day"));
    CHECK(has(h.say("alice", "ops", "action Fix it due someday"), "'someday' is not a date"));

    CHECK(has(h.say("bob", "ops", "assign A-1 @erin"), "A-1 now belongs to @erin (was @bob"));
    CHECK(has(h.say("bob", "ops", "due A-1 +1w"), "A-1 is now due 2026-03-11 (was 2026-03-06"));
    CHECK(has(h.say("erin", "ops", "done A-1 alert shipped"), "A-1 done"));
    CHECK(has(h.say("erin", "ops", "done A-1"), "already done"));
    CHECK(has(h.say("erin", "ops", "reopen A-1"), "A-1 reopened"));
    CHECK(has(h.say("erin", "ops", "wontdo A-1"), "Say why A-1 will not be done"));
    CHECK(has(h.say("erin", "ops", "wontdo A-1 replaced by A-2"), "A-1 won't be done"));

    storage::action_store store(h.db());
    auto a1 = store.find("console", 1);
    REQUIRE(a1);
    CHECK(a1->status == domain::action_status::wontdo);
    CHECK(a1->resolution == "replaced by A-2");
    std::vector<std::string> changes;
    for (const auto& c : a1->history) changes.push_back(c.actor + ": " + c.change);
    CHECK(changes == std::vector<std::string>{
                         "alice: created", "bob: owner bob -> erin", "bob: due 2026-03-06 -> 2026-03-11",
                         "erin: done: alert shipped", "erin: reopened", "erin: wontdo: replaced by A-2"});
}

TEST_CASE("action items from text: every word kept, every field shown, longer dates, errors that name it") {
    harness h;  // 2026-03-04 (a Wednesday)
    h.say("alice", "ops", "start DB down sev2");
    CHECK(has(h.say("alice", "ops", "action Document the deploy process"),
              "A-1 for INC-1: Document the deploy process — owner @alice, due 2026-03-18 · type: other"));
    CHECK(has(h.say("alice", "ops", "action Document the deploy process @bob due +2w process"),
              "A-2 for INC-1: Document the deploy process — owner @bob, due 2026-03-18 · process"));
    CHECK(has(h.say("alice", "ops", "action Rotate the keys due next friday"), "due 2026-03-06"));
    CHECK(has(h.say("alice", "ops", "action Rotate the keys due March 20 @bob #tooling"),
              "Rotate the keys — owner @bob, due 2026-03-20 · tooling"));
    CHECK(has(h.say("alice", "ops", "action Rotate the keys due in 3 days"), "due 2026-03-07"));
    CHECK(has(h.say("alice", "ops", "action Rotate the keys due end of month type training"),
              "due 2026-03-31 · training"));
    // A mention in the middle is part of the text; the verb check knows "ping".
    auto mention = h.say("alice", "ops", "action Ping @carol about the quota @bob");
    CHECK(has(mention, "A-7 for INC-1: Ping @carol about the quota — owner @bob"));
    CHECK_FALSE(has(mention, "does not start with a verb"));
    CHECK(
        has(h.say("alice", "ops", "action Fix the deploy #proces"),
            "'#proces' is not an action type (detection, playbook, tooling, training, process), so it stayed "
            "in the text"));

    // Refusals create nothing and say what they could not read.
    CHECK(has(h.say("alice", "ops", "action Rotate the keys due next fryday"),
              "Due date 'next fryday' is not a date"));
    CHECK(has(h.say("alice", "ops", "action Rotate the keys @bob @carol"),
              "Two owners at the end: @bob and @carol. Which one owns it?"));
    CHECK(has(h.say("alice", "ops", "action Rotate the keys due 2026-03-01"), "'2026-03-01' is in the past"));
    CHECK(has(h.say("alice", "ops", "action @bob due fri"), "Missing the action text"));
    storage::action_store store(h.db());
    CHECK(store.list({"console", std::nullopt, std::nullopt, false}).size() == 8);

    // The `due` command reads the same forms.
    CHECK(has(h.say("alice", "ops", "due A-1 next friday"), "A-1 is now due 2026-03-06"));
    CHECK(has(h.say("alice", "ops", "due A-1 20 Mar"), "A-1 is now due 2026-03-20"));
    CHECK(has(h.say("alice", "ops", "due A-1 in 2 weeks"), "A-1 is now due 2026-03-18"));
    CHECK(has(h.say("alice", "ops", "due A-1 end of month"), "A-1 is now due 2026-03-31"));
    CHECK(has(h.say("alice", "ops", "due A-1 next fryday"), "'next fryday' is not a date"));
    CHECK(has(h.say("alice", "ops", "due A-1 March 2"), "'March 2' is in the past"));
}

TEST_CASE("`action none` is refused once the incident has action items") {
    harness h;
    h.say("alice", "ops", "start DB down");
    CHECK(has(h.say("alice", "ops", "action none"), "needs no action items"));
    h.say("carol", "other", "start Checkout down");
    h.say("carol", "other", "action Add a checkout canary @bob");
    auto refused = h.say("carol", "other", "action None.");
    CHECK(has(refused, "INC-2 already has action items (A-1), so it cannot be recorded as needing none"));
    CHECK(has(refused, "wontdo A-n <reason>"));
    CHECK_FALSE(has(refused, "needs no action items"));
    storage::incident_store incidents(h.db());
    CHECK_FALSE(incidents.find("console", 2)->no_action_decided);
}

TEST_CASE("snooze: only the owner or the commander, at most actions.max_snooze_days ahead") {
    harness h;                               // 2026-03-04
    h.say("alice", "ops", "start DB down");  // alice commands INC-1
    h.say("alice", "ops", "action Add an alert on queue depth @bob due +3w");
    CHECK(has(h.say("carol", "ops", "snooze A-1"),
              "Only A-1's owner (@bob) or INC-1's commander (@alice) can snooze it."));
    CHECK(
        has(h.say("bob", "ops", "snooze A-1 +5w"),
            "A snooze lasts at most 30 days (actions.max_snooze_days): 2026-04-08 is later than 2026-04-03"));
    CHECK(
        has(h.say("bob", "ops", "snooze A-1 in 2 weeks"), "No weekly reminders about A-1 until 2026-03-18"));
    CHECK(has(h.say("alice", "ops", "snooze A-1 next friday"), "until 2026-03-06"));
    CHECK(has(h.say("bob", "ops", "snooze A-1 next fryday"), "'next fryday' is not a date"));
    CHECK(has(h.say("bob", "ops", "snooze A-1 2026-03-01"), "in the past"));
    h.cfg().actions.max_snooze_days = 5;
    CHECK(has(h.say("bob", "ops", "snooze A-1 +1w"), "at most 5 days"));
    CHECK(has(h.say("bob", "ops", "snooze A-1"), "until 2026-03-09"));  // a week by default, within the limit

    storage::action_store store(h.db());
    auto a1 = store.find("console", 1);
    REQUIRE(a1);
    std::vector<std::string> changes;
    for (const auto& c : a1->history) changes.push_back(c.actor + ": " + c.change);
    CHECK(changes == std::vector<std::string>{"alice: created", "bob: snoozed until 2026-03-18",
                                              "alice: snoozed until 2026-03-06",
                                              "bob: snoozed until 2026-03-09"});
}

TEST_CASE("a snoozed item leaves the digest but still escalates once overdue") {
    harness h;  // 2026-03-04
    h.say("alice", "ops", "start Payments down");
    h.say("alice", "ops", "action Add an alert on queue depth @bob due +1d");
    CHECK(has(h.say("bob", "ops", "snooze A-1 +3w"), "until 2026-03-25"));
    h.set_now(*domain::parse_iso("2026-03-12T12:00:00Z"));  // 7 days overdue, after Monday's digest slot
    auto sent = h.reminders();
    bool escalated = false;
    for (const auto& o : sent) {
        if (chat::kind_of(o) == chat::delivery::direct && chat::user_of(o) == "bob")
            FAIL("a snoozed item is in bob's digest");
        if (chat::kind_of(o) == chat::delivery::direct && chat::user_of(o) == "alice" &&
            has(chat::text_of(o), "⏰ A-1"))
            escalated = true;
    }
    CHECK(escalated);
}

TEST_CASE("action listings: open of this incident, mine, a person, all, another incident") {
    harness h;
    h.say("alice", "ops", "start DB down");
    h.say("alice", "ops", "action Add replica lag alert @bob due +3d");
    h.say("alice", "ops", "action Document failover @alice due +1d");
    h.say("alice", "ops", "done A-2");
    auto open = h.say("alice", "ops", "actions");
    CHECK(has(open, "Open action items of INC-1"));
    CHECK(has(open, "A-1"));
    CHECK_FALSE(has(open, "A-2"));
    CHECK(has(h.say("alice", "ops", "actions all"), "A-2"));
    CHECK(has(h.say("bob", "elsewhere", "actions"), "Your open action items"));
    CHECK(has(h.say("bob", "elsewhere", "actions"), "A-1"));
    CHECK(has(h.say("alice", "elsewhere", "actions @bob"), "A-1"));
    CHECK(has(h.say("alice", "elsewhere", "actions INC-1"), "A-2"));
    CHECK(has(h.say("alice", "elsewhere", "actions open"), "there is none here"));
    h.advance(std::chrono::hours{24 * 5});
    CHECK(has(h.say("bob", "elsewhere", "actions mine"), "(*overdue*)"));
}

TEST_CASE("review by commands: factors with their causes, lists, and the incident becomes reviewed") {
    harness h;
    h.cfg().review.max_whys = 3;
    h.say("alice", "ops", "start Checkout down");
    CHECK(has(h.say("alice", "ops", "why because"), "No “why?” is being asked"));
    h.say("alice", "ops", "resolve");
    auto factor = h.say("alice", "ops", "factor The deploy skipped the canary");
    CHECK(has(factor, "INC-1 · *F1* recorded from @alice"));
    CHECK(has(h.say("bob", "ops", "why F1 Config changes bypass canaries"), "*F1.1* (why F1 happened)"));
    h.say("bob", "ops", "why F1.1 They were thought to be safe");
    CHECK(has(h.say("bob", "ops", "why F1.1.1 Nobody measured config-change failures"), "*F1.1.1.1*"));
    CHECK(has(h.say("bob", "ops", "why F1.1.1.1 deeper"), "3 whys deep"));
    CHECK(has(h.say("bob", "ops", "why F9 nothing"), "There is no F9"));
    h.say("alice", "ops", "factor Alerting fired late");
    h.say("alice", "ops", "why F2 The threshold was 10%");
    CHECK(has(h.say("alice", "ops", "why F2.1 done"), "closed the branch at *F2.1*"));
    h.say("alice", "ops", "went-well Rollback took three minutes");
    h.say("alice", "ops", "went-wrong Paging took ten minutes");
    h.say("alice", "ops", "lucky It was a quiet hour");
    h.say("alice", "ops", "action Route config changes through the canary @bob due +2w process");
    CHECK(has(h.say("alice", "ops", "status INC-1"), "Status: resolved"));  // not before the team moves on
    std::string last;
    for (int i = 0; i < 12 && !has(last, "Review summary"); ++i)
        last = h.say("alice", "ops", "review INC-1 next");
    CHECK(has(last, "Review summary of INC-1* (complete)"));
    CHECK(has(h.say("alice", "ops", "status INC-1"), "Status: reviewed"));

    auto md = testing::joined(h.command("alice", "ops", "postmortem INC-1"));
    CHECK(has(md, "### F1: The deploy skipped the canary"));
    CHECK(has(md, "    - **F1.1.1.1** Nobody measured config-change failures (@bob) · root cause"));
    CHECK(has(md, "F2_1[\"F2.1: The threshold was 10#37;\"]"));
    CHECK(has(md, "F2 --> F2_1"));
    CHECK(has(md, "- Paging took ten minutes (@alice)"));
    CHECK(has(md, "| A-1 | Route config changes through the canary | process | @bob | 2026-03-18 | open |"));
}

TEST_CASE("blaming language gets a private nudge and is still recorded") {
    harness h;
    h.say("alice", "ops", "start Checkout down");
    h.say("alice", "ops", "resolve");
    auto replies = h.command("alice", "ops", "factor Bob should have checked the config");
    bool nudged_privately = false, recorded = false;
    for (const auto& r : replies) {
        if (chat::kind_of(r) == chat::delivery::ephemeral && chat::user_of(r) == "alice" &&
            has(chat::text_of(r), "blameless"))
            nudged_privately = true;
        if (chat::kind_of(r) != chat::delivery::ephemeral && has(chat::text_of(r), "*F1* recorded"))
            recorded = true;
    }
    CHECK(nudged_privately);
    CHECK(recorded);
    CHECK_FALSE(has(h.say_private("alice", "ops", "why F1 Alice rolled back at 14:05"), "blameless"));
}
