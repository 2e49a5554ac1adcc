#include <catch2/catch.hpp>

#include "commands/reminders.hpp"
#include "harness.hpp"
#include "storage/incident_store.hpp"

using namespace hindsight;
using namespace std::chrono;
using testing::harness;

namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::vector<chat::outgoing> of_kind(const std::vector<chat::outgoing>& all, chat::delivery how,
                                    const std::string& who = {}) {
    std::vector<chat::outgoing> out;
    for (const auto& o : all)
        if (chat::kind_of(o) == how && (who.empty() || chat::user_of(o) == who || chat::channel_of(o) == who))
            out.push_back(o);
    return out;
}

domain::timestamp at(const char* iso) {
    return *domain::parse_iso(iso);
}

}  // namespace

TEST_CASE("the weekly slot is found in the owner's zone, across a DST change") {
    // Europe/Berlin moves to summer time on Sunday 2026-03-29.
    auto before = commands::latest_weekly_slot("mon 09:00", "Europe/Berlin", at("2026-03-25T12:00:00Z"));
    REQUIRE(before);
    CHECK(domain::format_iso(before->at) == "2026-03-23T08:00:00Z");  // 09:00 CET
    auto after = commands::latest_weekly_slot("mon 09:00", "Europe/Berlin", at("2026-04-01T12:00:00Z"));
    REQUIRE(after);
    CHECK(domain::format_iso(after->at) == "2026-03-30T07:00:00Z");  // 09:00 CEST
    CHECK(domain::format_date(after->local_day) == "2026-03-30");
    // Just before the slot the previous week's slot is the latest.
    auto edge = commands::latest_weekly_slot("mon 09:00", "Europe/Berlin", at("2026-03-30T06:59:59Z"));
    CHECK(domain::format_date(edge->local_day) == "2026-03-23");
    // A slot in the spring-forward gap (02:30 does not exist on 2026-03-29) moves to 03:00 local.
    auto gap = commands::latest_weekly_slot("sun 02:30", "Europe/Berlin", at("2026-03-29T12:00:00Z"));
    CHECK(domain::format_iso(gap->at) == "2026-03-29T01:00:00Z");
    CHECK(domain::format_date(commands::add_business_days(*domain::parse_date("2026-03-06"), 3)) ==
          "2026-03-11");
}

TEST_CASE(
    "weekly digests: once per owner and week, overdue first, in the owner's zone, nothing twice after a "
    "restart") {
    harness h;  // Wednesday 2026-03-04 10:00 UTC
    h.engine().store().incidents.upsert_user("console", {"bob", "bob", "America/New_York"});
    h.say("alice", "ops", "start Payments down sev2");
    h.say("alice", "ops", "action Add an alert on queue depth @bob due +2d detection");
    h.say("alice", "ops", "action Document the failover @bob due +20d playbook");
    CHECK(of_kind(h.reminders(), chat::delivery::direct)
              .empty());  // no slot has passed since they were created

    h.set_now(at("2026-03-09T12:30:00Z"));  // Monday 08:30 in New York (EDT, UTC-4, since 03-08): not yet
    CHECK(of_kind(h.reminders(), chat::delivery::direct, "bob").empty());
    h.set_now(at("2026-03-09T14:05:00Z"));  // 10:05 EDT
    auto sent = of_kind(h.reminders(), chat::delivery::direct, "bob");
    REQUIRE(sent.size() == 1);
    CHECK(has(chat::text_of(sent[0]), "2 open items, 1 overdue"));
    CHECK(chat::text_of(sent[0]).find("A-1") < chat::text_of(sent[0]).find("A-2"));  // overdue first
    // One "Done" button per item, each the command it stands for.
    CHECK(chat::buttons_of(sent[0]) ==
          std::vector<chat::button>{{"Done A-1", "done A-1"}, {"Done A-2", "done A-2"}});
    h.restart();
    h.advance(hours{30});
    CHECK(of_kind(h.reminders(), chat::delivery::direct, "bob").empty());  // same week: already sent

    // Down over the next slot, back on Wednesday: the missed digest goes out once.
    h.set_now(at("2026-03-18T15:00:00Z"));
    CHECK(of_kind(h.reminders(), chat::delivery::direct, "bob").size() == 1);
    CHECK(of_kind(h.reminders(), chat::delivery::direct, "bob").empty());

    // Done and snoozed items leave the digest.
    h.say("bob", "ops", "done A-1");
    h.say("bob", "ops", "snooze A-2 +3w");
    h.set_now(at("2026-03-23T15:00:00Z"));
    CHECK(of_kind(h.reminders(), chat::delivery::direct, "bob").empty());
}

TEST_CASE("overdue escalation reaches the commander once a week; a private incident's stays in its channel") {
    harness h;
    h.say("alice", "ops", "start Payments down");
    h.say("alice", "ops", "action Add an alert on queue depth @bob due +1d");
    h.private_channels.insert("secret");
    h.say("carol", "secret", "start Payroll leak");
    h.say("carol", "secret", "action Rotate the export keys @dave due +1d");

    h.set_now(at("2026-03-11T12:00:00Z"));  // 6 days overdue: not yet
    auto early = h.reminders();
    for (const auto& o : early) CHECK_FALSE(has(chat::text_of(o), "⏰"));
    h.set_now(at("2026-03-12T12:00:00Z"));  // 7 days
    auto due = h.reminders();
    auto to_alice = of_kind(due, chat::delivery::direct, "alice");
    REQUIRE(to_alice.size() == 1);
    CHECK(has(chat::text_of(to_alice[0]), "A-1 (INC-1, owner @bob) is 7 days overdue"));
    auto in_secret = of_kind(due, chat::delivery::channel, "secret");
    REQUIRE(in_secret.size() == 1);
    CHECK(has(chat::text_of(in_secret[0]), "@carol ⏰ A-2"));
    for (const auto& o : of_kind(due, chat::delivery::direct)) CHECK_FALSE(has(chat::text_of(o), "Rotate"));

    h.set_now(at("2026-03-15T12:00:00Z"));
    for (const auto& o : h.reminders()) CHECK_FALSE(has(chat::text_of(o), "⏰"));
    h.set_now(at("2026-03-19T12:00:00Z"));  // a week later: once more
    std::size_t escalations = 0;
    for (const auto& o : h.reminders()) escalations += has(chat::text_of(o), "⏰") ? 1 : 0;
    CHECK(escalations == 2);
}

TEST_CASE("review-due reminders by severity in business days, then weekly, until reviewed") {
    harness h;  // Wednesday
    h.say("alice", "ops", "start Checkout down sev1");
    h.say("alice", "ops", "resolve");
    // sev1: 3 business days after Wednesday 03-04 is the end of Monday 03-09; the reminder comes on Tuesday.
    h.set_now(at("2026-03-09T12:00:00Z"));
    for (const auto& o : h.reminders()) CHECK_FALSE(has(chat::text_of(o), "review of INC-1 was due"));
    h.set_now(at("2026-03-10T12:00:00Z"));
    auto due = h.reminders();
    REQUIRE(of_kind(due, chat::delivery::channel, "ops").size() == 1);
    CHECK(has(chat::text_of(of_kind(due, chat::delivery::channel, "ops")[0]),
              "@alice, the review of INC-1 was due 2026-03-09"));
    h.set_now(at("2026-03-12T12:00:00Z"));
    CHECK(of_kind(h.reminders(), chat::delivery::channel, "ops").empty());
    h.set_now(at("2026-03-16T12:00:00Z"));
    CHECK(of_kind(h.reminders(), chat::delivery::channel, "ops").empty());
    h.set_now(at("2026-03-17T12:00:00Z"));  // a week after the first
    CHECK(of_kind(h.reminders(), chat::delivery::channel, "ops").size() == 1);
    h.say("alice", "ops", "factor No canary for config");
    h.say("alice", "ops", "why F1 Config changes skip the pipeline");
    h.say("alice", "ops", "why F1.1 done");
    h.say("alice", "ops", "action none");
    for (int i = 0; i < 12 && storage::incident_store(h.db()).find("console", 1)->status !=
                                  domain::incident_status::reviewed;
         ++i)
        h.say("alice", "ops", "review INC-1 next");
    h.set_now(at("2026-03-24T12:00:00Z"));
    CHECK(of_kind(h.reminders(), chat::delivery::channel, "ops").empty());
}

TEST_CASE("the digest channel shows owners, and private incidents only as counts") {
    auto cfg = config::default_settings([](const std::string&) { return std::nullopt; });
    cfg.reminders.digest_channel = "eng-actions";
    harness h(cfg);
    h.private_channels.insert("secret");
    h.say("alice", "ops", "start Payments down");
    h.say("alice", "ops", "action Add an alert on queue depth @bob due +10d");
    h.say("carol", "secret", "start Payroll leak");
    h.say("carol", "secret", "action Rotate the payroll export keys @bob due +10d");
    h.set_now(at("2026-03-09T12:00:00Z"));
    auto summary = of_kind(h.reminders(), chat::delivery::channel, "eng-actions");
    REQUIRE(summary.size() == 1);
    CHECK(has(chat::text_of(summary[0]), "@bob: 2 open items — A-1 · 1 from private incidents"));
    CHECK_FALSE(has(chat::text_of(summary[0]), "payroll"));
    CHECK_FALSE(has(chat::text_of(summary[0]), "A-2"));
    // The week's action health, counts only (the private incident's action is counted, not named).
    CHECK(has(chat::text_of(summary[0]),
              "📈 Action health this week: 2 opened, 0 done, 0 won't do; 2 open, 0 overdue"));
}

TEST_CASE("the digest channel's action health counts what was closed in the week and how fast") {
    auto cfg = config::default_settings([](const std::string&) { return std::nullopt; });
    cfg.reminders.digest_channel = "eng-actions";
    harness h(cfg);
    h.set_now(at("2026-03-03T10:00:00Z"));
    h.say("alice", "ops", "start Payments down");
    h.say("alice", "ops", "action Add an alert on queue depth @bob due 2026-03-05");
    h.say("alice", "ops", "action Write the failover runbook @bob due 2026-03-20");
    h.say("alice", "ops", "action Retire the old queue @bob due 2026-03-20");
    h.set_now(at("2026-03-04T10:00:00Z"));
    h.say("bob", "ops", "done A-2 written");
    h.say("bob", "ops", "wontdo A-3 the queue is retired already");
    h.set_now(at("2026-03-09T12:00:00Z"));
    auto summary = of_kind(h.reminders(), chat::delivery::channel, "eng-actions");
    REQUIRE(summary.size() == 1);
    INFO(chat::text_of(summary[0]));
    CHECK(has(chat::text_of(summary[0]),
              "📈 Action health this week: 3 opened, 1 done (median 23h 59m to close), 1 won't do; 1 open, 1 "
              "overdue"));
}

TEST_CASE("status-update nudges are off by default and, when on, come every N minutes by severity") {
    harness quiet;
    quiet.say("alice", "ops", "start Payments down sev1");
    quiet.advance(hours{2});
    for (const auto& o : quiet.reminders()) CHECK_FALSE(has(chat::text_of(o), "📣"));

    auto cfg = config::default_settings([](const std::string&) { return std::nullopt; });
    cfg.reminders.status_updates = true;
    harness h(cfg);
    h.say("alice", "ops", "start Payments down sev1");  // every 30 minutes
    h.advance(minutes{20});
    CHECK(of_kind(h.reminders(), chat::delivery::ephemeral, "alice").empty());
    h.advance(minutes{15});
    auto nudges = of_kind(h.reminders(), chat::delivery::ephemeral, "alice");
    REQUIRE(nudges.size() == 1);
    CHECK(has(chat::text_of(nudges[0]), "INC-1"));
    CHECK(of_kind(h.reminders(), chat::delivery::ephemeral, "alice").empty());
    h.advance(minutes{30});
    CHECK(of_kind(h.reminders(), chat::delivery::ephemeral, "alice").size() == 1);
    h.say("alice", "ops", "mitigated");
    h.advance(minutes{60});
    CHECK(of_kind(h.reminders(), chat::delivery::ephemeral, "alice").empty());
}
