#include <catch2/catch.hpp>

#include "harness.hpp"
#include "storage/incident_store.hpp"
#include "storage/timeline_store.hpp"

using namespace hindsight;
using testing::harness;

namespace {
bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("an incident from start to resolution, with timeline events") {
    harness h;
    auto started = h.say("alice", "ops", "start Checkout latency in EU sev2");
    CHECK(has(started, "INC-1: Checkout latency in EU"));
    CHECK(has(started, "(sev2)"));

    CHECK(has(h.say("alice", "ops", "status"), "Severity: sev2 · Status: active · Commander: @alice"));
    CHECK(has(h.say("alice", "ops", "sev 1"), "Severity sev2 → sev1 by @alice"));
    CHECK(has(h.say("alice", "ops", "commander @bob"), "Commander @alice → @bob by @alice"));
    CHECK(has(h.say("bob", "ops", "impact 8% of checkouts fail"), "8% of checkouts fail"));
    CHECK(has(h.say("bob", "ops", "note rolled back v42"), "Noted"));
    h.advance(std::chrono::minutes{30});
    CHECK(has(h.say("bob", "ops", "mitigated error rate back to normal"), "INC-1 mitigated by @bob"));
    auto resolved = h.say("bob", "ops", "resolve bad config in v42");
    CHECK(has(resolved, "INC-1 resolved by @bob"));
    CHECK(has(resolved, "Post-incident review of INC-1"));  // resolve opens the review

    auto timeline = h.say("bob", "ops", "timeline");
    for (auto part : {"Incident started by @alice (sev2)", "Severity sev2 → sev1", "Commander @alice → @bob",
                      "Impact set by @bob", "📝 rolled back v42", "Mitigated by @bob", "Resolved by @bob"})
        CHECK(has(timeline, part));
    CHECK(has(h.say("bob", "ops", "timeline 2"), "(2 entries"));

    CHECK(has(h.say("bob", "ops", "reopen"), "INC-1 reopened by @bob"));
    CHECK(has(h.say("bob", "ops", "resolve"), "resolved"));
    CHECK(has(h.say("alice", "ops", "list recent"), "INC-1 · sev1 · resolved · Checkout latency in EU"));
}

TEST_CASE("bad input gets a specific answer and the usage line") {
    harness h;
    CHECK(has(h.say("alice", "ops", "frobnicate"), "Unknown command 'frobnicate'"));
    CHECK(has(h.say("alice", "ops", "start"), "Missing title."));
    CHECK(
        has(h.say("alice", "ops", "start"), "Usage: `/incident start <title> [sev1..sev4] [--new-channel]`"));
    CHECK(has(h.say("alice", "ops", "start DB down sev9"), "'sev9' is not a severity"));
    CHECK(has(h.say("alice", "ops", "status"), "There is no incident in this channel"));
    CHECK(has(h.say("alice", "ops", "status INC-42"), "There is no INC-42 here."));
    CHECK(has(h.say("alice", "ops", "done A-9"), "There is no A-9 here."));
    CHECK(has(h.say("alice", "ops", "done B-9"), "'B-9' is not an action id"));
    h.say("alice", "ops", "start DB down");
    CHECK(has(h.say("bob", "ops", "start Another one"), "INC-1 is still active in this channel"));
    CHECK(has(h.say("alice", "ops", "sev 7"), "'7' is not a severity"));
    CHECK(has(h.say("alice", "ops", "sev 1"), "Severity sev3 → sev1"));
    CHECK(has(h.say("alice", "ops", "sev 1"), "already sev1"));
    CHECK(has(h.say("alice", "ops", "commander bob"), "'bob' is not a user"));
    CHECK(has(h.say("alice", "ops", "timeline lots"), "'lots' is not a number of entries"));
    CHECK(has(h.say("alice", "ops", "reopen"), "only a resolved incident can be reopened"));
    CHECK(has(h.say("alice", "ops", "list everything"), "not a list filter"));
    CHECK(has(h.say("alice", "ops", "help"), "/incident start <title> [sev1..sev4]"));
    CHECK(has(h.say("alice", "ops", "help action"), "/incident action"));
    CHECK(has(h.say("alice", "ops", "help nonsense"), "There is no help topic 'nonsense'"));
    CHECK(has(h.say("alice", "ops", "--new-channel"), "Unknown command"));
}

namespace {
const chat::outgoing* find_reply(const std::vector<chat::outgoing>& replies, chat::delivery how,
                                 const std::string& text_part = {}) {
    for (const auto& r : replies)
        if (chat::kind_of(r) == how && chat::text_of(r).find(text_part) != std::string::npos) return &r;
    return nullptr;
}
}  // namespace

TEST_CASE("start --new-channel declares the incident in a channel of its own") {
    harness h;
    auto day = domain::format_date(domain::date_of(h.now()));
    std::erase(day, '-');
    auto name = "inc-" + day + "-db-down-in-eu-west";
    auto replies = h.command("alice", "ops", "start DB down in EU-west! --new-channel sev2");
    const auto* create = find_reply(replies, chat::delivery::create_channel);
    REQUIRE(create);
    CHECK(chat::text_of(*create) == name);
    CHECK(chat::user_of(*create) == "alice");
    CHECK(chat::channel_of(*create) == "ops");
    CHECK_FALSE(std::get<chat::channel_request>(*create).is_private);
    const auto* declared = find_reply(replies, chat::delivery::channel, "INC-1: DB down in EU-west!* (sev2)");
    REQUIRE(declared);
    CHECK(chat::channel_of(*declared) == "new-channel:INC-1");  // the worker sends it once the channel exists
    CHECK(find_reply(replies, chat::delivery::channel, "It is handled in #" + name));
    // The incident lives in the new channel: commands and marks there act on it; ops stays free.
    CHECK(has(h.say("bob", name, "status"), "INC-1: DB down in EU-west!"));
    CHECK(has(h.say("bob", "ops", "status"), "There is no incident in this channel"));
    h.post("carol", name, "!tl failover started");
    CHECK(has(h.say("bob", name, "timeline"), "failover started"));
    CHECK(has(h.say("bob", name, "timeline"), "Incident started by @alice"));
    // Changes keep the declaration current.
    auto changed = h.command("bob", name, "sev 1");
    const auto* header = find_reply(changed, chat::delivery::update, "*INC-1: DB down in EU-west!* (sev1)");
    REQUIRE(header);
    CHECK(std::get<chat::message_edit>(*header).edit_key == "header:1");
    CHECK(chat::channel_of(*header) == name);
    // The review asks with buttons that name the incident (a newer one in the channel must not catch them).
    auto resolved = h.command("bob", name, "resolve");
    bool asked = false;
    for (const auto& r : resolved)
        if (!chat::buttons_of(r).empty() && chat::buttons_of(r)[0].command == "review INC-1 answer impact" &&
            !chat::buttons_of(r)[0].prompt.empty())
            asked = true;
    CHECK(asked);
    CHECK(has(h.say("bob", name, "review INC-1 answer impact checkout failed for 20 minutes"),
              "INC-1 · added to the impact from @bob"));
    CHECK(has(h.say("carol", name, "review INC-1 answer impact refunds were late"), "added to the impact"));
    CHECK(storage::incident_store(h.db()).find("console", 1)->impact ==
          "checkout failed for 20 minutes\nrefunds were late");  // the button adds, it never replaces
    CHECK(has(h.say("bob", name, "detection INC-1 the 5xx alert"), "Detection of INC-1 set"));
    // From a direct message too (the config switch makes every start do this).
    h.cfg().incidents.create_channel = true;
    auto from_dm = h.command("alice", "dm-alice", "start Queue stuck \u2014new-channel");
    REQUIRE(find_reply(from_dm, chat::delivery::create_channel));
    CHECK(chat::channel_of(*find_reply(from_dm, chat::delivery::create_channel)).empty());
    CHECK(has(h.say("bob", "inc-" + day + "-queue-stuck", "status"), "INC-2: Queue stuck"));
}

TEST_CASE("a channel that cannot be created leaves the incident where it was declared") {
    harness h;
    h.fail_channel_creation = true;
    auto replies = h.command("alice", "ops", "start Payments failing --new-channel");
    CHECK(find_reply(replies, chat::delivery::channel, "is handled in this channel instead"));
    CHECK(has(h.say("bob", "ops", "status"), "INC-1: Payments failing"));
    CHECK(has(h.say("bob", "ops", "timeline"), "Incident started by @alice"));
    // ops is busy now: a second one has nowhere to go, is closed unopened, and its caller is told.
    auto second = h.command("alice", "ops", "start Cache cold --new-channel");
    const auto* notice = find_reply(second, chat::delivery::direct, "INC-2 was closed unopened");
    REQUIRE(notice);
    CHECK(chat::user_of(*notice) == "alice");
    CHECK(has(h.say("bob", "ops", "status INC-2"), "Status: reviewed"));  // closed for good
    CHECK(has(h.say("bob", "ops", "status"), "INC-1"));
}

TEST_CASE(
    "edge cases found in review: crowd owners, words like 'severe', a second active incident, an early "
    "review") {
    harness h;
    CHECK(has(h.say("alice", "ops", "start Latency severe"), "INC-1: Latency severe*"));
    CHECK(has(h.say("alice", "ops", "commander @here"), "Name one person, not a crowd."));
    CHECK(has(h.say("alice", "ops", "action Fix it @channel"), "Name one person, not a crowd."));
    h.say("alice", "ops", "resolve");
    h.say("alice", "ops", "start Another one");
    CHECK(has(h.say("alice", "ops", "reopen INC-1"), "INC-2 is active in that channel"));
    // A review finished while the incident was open completes when it is resolved.
    h.say("alice", "ops", "review");
    h.say("alice", "ops", "factor No alert on saturation");
    h.say("alice", "ops", "why F1 The dashboards had no thresholds");
    h.say("alice", "ops", "why F1.1 done");
    h.say("alice", "ops", "action Add a saturation alert @bob due +1w detection");
    std::string last;
    for (int i = 0; i < 12 && !has(last, "Review summary"); ++i)
        last = h.say("alice", "ops", "review INC-2 next");
    CHECK(has(last, "INC-2 is still open"));
    CHECK(has(h.say("alice", "ops", "resolve"), "The review of INC-2 is complete"));
}

TEST_CASE("oversized and invalid text is refused or repaired, never stored half") {
    harness h;
    h.say("alice", "ops", "start DB down");
    std::string huge(40000, 'x');
    auto reply = h.say("alice", "ops", "note " + huge);
    CHECK(has(reply, "The note is 40000 characters; the limit is 4000"));
    CHECK(has(h.say("alice", "ops", "title " + std::string(300, 'y')), "the limit is 200"));
    h.say("alice", "ops", "note bad \xff byte");
    CHECK(has(h.say("alice", "ops", "timeline"), "bad \uFFFD byte"));
    CHECK_FALSE(has(h.say("alice", "ops", "timeline"), std::string(100, 'x')));
}

TEST_CASE("private incidents stay in their channel") {
    harness h;
    h.private_channels.insert("secret-ops");
    h.say("alice", "secret-ops", "start Payroll data exposure sev1");
    h.say("alice", "secret-ops", "action Rotate the payroll export keys @bob due +3d tooling");
    h.say("carol", "general", "start Public thing");

    auto status = h.say("mallory", "general", "status INC-1");
    CHECK(has(status, "INC-1 belongs to a private channel"));
    CHECK_FALSE(has(status, "Payroll"));
    CHECK_FALSE(has(h.say("mallory", "general", "timeline INC-1"), "Payroll"));
    CHECK_FALSE(has(h.say("mallory", "general", "postmortem INC-1"), "Payroll"));
    CHECK_FALSE(has(h.say("mallory", "general", "actions INC-1"), "payroll"));
    CHECK(has(h.say("mallory", "general", "done A-1"), "belongs to an incident in a private channel"));

    auto listing = h.say("mallory", "general", "list");
    CHECK(has(listing, "INC-2"));
    CHECK_FALSE(has(listing, "Payroll"));
    CHECK(has(listing, "1 more in private channels"));

    // bob sees his own action in public only as a count, in full in a DM with the bot.
    auto mine_public = h.say("bob", "general", "actions mine");
    CHECK_FALSE(has(mine_public, "payroll"));
    CHECK(has(mine_public, "1 more from private incidents"));
    CHECK(has(h.say("bob", "dm-bob", "actions mine"), "Rotate the payroll export keys"));
    CHECK(has(h.say("bob", "dm-bob", "done A-1 rotated"), "A-1 done"));
    // Inside the channel everything works.
    CHECK(has(h.say("alice", "secret-ops", "status"), "Payroll data exposure"));
}

TEST_CASE("crowd mentions in user text are defused in every echo") {
    harness h;
    auto reply = h.say("alice", "ops", "start @channel DB down <!here>");
    CHECK_FALSE(has(reply, "@channel"));
    CHECK_FALSE(has(reply, "<!here>"));
    CHECK(has(reply, "@\u2060channel DB down <\u2060!here>"));
    CHECK_FALSE(has(h.say("alice", "ops", "summary ping @everyone"), "@everyone"));
}

TEST_CASE("joining: the bot introduces itself; a responder joining an open incident gets its status") {
    harness h;
    h.engine().set_bot_user("console", "hindsight");
    auto greeted = h.send(chat::member_joined{{"ops", false, false}, "hindsight", h.now()});
    REQUIRE(greeted.size() == 1);
    CHECK(chat::kind_of(greeted[0]) == chat::delivery::channel);
    CHECK(chat::text_of(greeted[0]).find("hindsight is here") != std::string::npos);
    // Nobody but the one who joined hears the status, and only while the incident is open.
    CHECK(h.send(chat::member_joined{{"ops", false, false}, "carol", h.now()}).empty());
    h.say("alice", "ops", "start Checkout down sev2");
    auto caught_up = h.send(chat::member_joined{{"ops", false, false}, "carol", h.now()});
    REQUIRE(caught_up.size() == 1);
    CHECK(chat::kind_of(caught_up[0]) == chat::delivery::ephemeral);
    CHECK(chat::user_of(caught_up[0]) == "carol");
    CHECK(chat::text_of(caught_up[0]).find("You joined during INC-1") != std::string::npos);
    CHECK(chat::text_of(caught_up[0]).find("Severity: sev2") != std::string::npos);
    // The bot added to a channel made for an incident stays quiet: the declaration is there.
    CHECK(h.send(chat::member_joined{{"ops", false, false}, "hindsight", h.now()}).empty());
    h.say("alice", "ops", "resolve fixed");
    CHECK(h.send(chat::member_joined{{"ops", false, false}, "dave", h.now()}).empty());
}

TEST_CASE("key times are corrected with `at`, kept in order, and give the time to detect") {
    harness h;
    h.set_now(*domain::parse_iso("2026-03-02T10:00:00Z"));
    h.say("alice", "ops", "start Checkout errors sev2");
    h.advance(std::chrono::minutes{30});  // 10:30
    CHECK(has(h.say("alice", "ops", "started at 09:40"), "INC-1: impact started at 2026-03-02 09:40"));
    CHECK(has(h.say("alice", "ops", "detected at 09:55"), "detected at 2026-03-02 09:55"));
    CHECK(has(h.say("alice", "ops", "status"), "Time to detect: 15m"));
    // `mitigated at` marks an active incident mitigated at that time; `at` without a time is a note.
    CHECK(has(h.say("bob", "ops", "mitigated at 10:20 rolled back"), "mitigated by @bob"));
    auto inc = *storage::incident_store(h.db()).find("console", 1);
    CHECK(inc.mitigated_at == domain::parse_iso("2026-03-02T10:20:00Z"));
    CHECK(inc.status == domain::incident_status::mitigated);
    CHECK(has(h.say("bob", "ops", "mitigated at 10:25"), "mitigated at 2026-03-02 10:25"));  // a correction
    // Out of order and in the future: clear refusals, nothing changed.
    CHECK(has(h.say("alice", "ops", "started at 10:28"), "would come after mitigated"));
    CHECK(has(h.say("alice", "ops", "detected at 2026-03-02T11:00:00Z"), "in the future"));
    CHECK(has(h.say("alice", "ops", "detected at 09:30"), "detected at 2026-03-02 09:30"));  // before impact
    CHECK(has(h.say("alice", "ops", "status"), "Time to detect: 10m before impact"));
    CHECK(has(h.say("alice", "ops", "detected at 09:55"), "detected at 2026-03-02 09:55"));
    CHECK(has(h.say("alice", "ops", "detected at noon"), "'noon' is not a time"));
    CHECK(has(h.say("alice", "ops", "resolved at 10:29"), "is not resolved"));
    CHECK(has(h.say("alice", "ops", "started"), "Say when: `started at 09:40`"));
    CHECK(has(h.say("alice", "ops", "started at 09:40 INC-7"), "Nothing goes after the time"));
    CHECK(has(h.say("alice", "ops", "detected at @here"), "is not a time"));
    CHECK_FALSE(has(h.say("alice", "ops", "detected at @here"), "'@here'"));  // echoed defused
    // A time in the future is refused, never taken for note text.
    CHECK(has(h.say("bob", "ops", "mitigated at 2026-03-02T11:00:00Z"), "in the future"));
    // A backdated note sits in its place on the timeline.
    h.say("carol", "ops", "note at 09:42 deploy 4711 went out");
    auto timeline = h.say("alice", "ops", "timeline");
    CHECK(timeline.find("deploy 4711 went out") < timeline.rfind("Detected (set by @alice)"));
    CHECK(timeline.find("Impact started (set by @alice)") < timeline.find("deploy 4711 went out"));
    h.say("alice", "ops", "resolve");
    CHECK(has(h.say("alice", "ops", "resolved at 10:29"), "resolved at 2026-03-02 10:29"));
    auto md = testing::joined(h.command("alice", "ops", "postmortem INC-1"));
    CHECK(has(md, "| Time to detect | 15m |"));
    CHECK(has(md, "| Time to mitigate | 45m |"));
    CHECK(has(md, "| Time to resolve | 49m |"));
    // `resolve` fills in mitigated when nobody said it; correcting the resolution moves that implied time
    // too.
    h.say("alice", "ops", "start Second outage");
    h.advance(std::chrono::minutes{10});
    h.say("alice", "ops", "resolve");
    CHECK(has(h.say("alice", "ops", "resolved at -5m"), "resolved at"));
    auto second = *storage::incident_store(h.db()).find("console", 2);
    CHECK(second.mitigated_at == second.resolved_at);
}

TEST_CASE("entries have stable numbers; hidden ones stay out of exports, tagged ones make the key moments") {
    harness h;
    h.say("alice", "ops", "start Checkout errors sev2");
    h.say("alice", "ops", "note the deploy 4711 went out");
    h.say("bob", "ops", "note pager fired for 5xx");
    h.say("bob", "ops", "note rolled back 4711");
    auto timeline = h.say("alice", "ops", "timeline");
    CHECK(has(timeline, "E1 "));
    CHECK(has(timeline, "E4 "));
    CHECK(has(h.say("alice", "ops", "timeline tag E3 detection"), "INC-1 E3 tagged detection"));
    CHECK(has(h.say("alice", "ops", "timeline tag E4 repair"), "E4 tagged repair"));
    CHECK(has(h.say("alice", "ops", "timeline hide E2"), "E2 hidden from exports"));
    timeline = h.say("alice", "ops", "timeline");
    CHECK(has(timeline, "pager fired for 5xx #detection"));
    CHECK(has(timeline, "the deploy 4711 went out (hidden from exports)"));
    CHECK(has(h.say("alice", "ops", "timeline tag E9 key"), "INC-1 has no entry E9"));
    CHECK(has(h.say("alice", "ops", "timeline hide 2"), "Name an entry as `timeline` shows it"));
    CHECK(has(h.say("alice", "ops", "timeline tag E3 culprit"), "Tag with one of detection, diagnosis"));
    auto md = testing::joined(h.command("alice", "ops", "postmortem INC-1"));
    CHECK(has(md, "## Key moments"));
    CHECK(has(md, "| detection | @bob | 📝 pager fired for 5xx |"));
    CHECK(md.find("## Key moments") < md.find("## Timeline"));
    CHECK_FALSE(has(md, "deploy 4711 went out"));
    CHECK(has(h.say("alice", "ops", "timeline unhide E2"), "E2 back in the exports"));
    CHECK(has(testing::joined(h.command("alice", "ops", "postmortem INC-1")), "deploy 4711 went out"));
    // Numbers are per incident and never reused.
    h.say("alice", "ops", "resolve");
    h.say("alice", "ops", "start Second one");
    CHECK(has(h.say("alice", "ops", "timeline"), "E1 "));
}
