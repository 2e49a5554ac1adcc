#include <catch2/catch.hpp>

#include "harness.hpp"
#include "storage/incident_store.hpp"
#include "storage/timeline_store.hpp"

using namespace hindsight;
using testing::harness;

namespace {

std::vector<domain::timeline_entry> entries(harness& h,
                                            domain::entry_kind kind = domain::entry_kind::message) {
    storage::incident_store incidents(h.db());
    storage::timeline_store timeline(h.db());
    auto inc = incidents.find("console", 1);
    REQUIRE(inc);
    auto all = timeline.list(inc->id);
    std::erase_if(all, [&](const auto& e) { return e.kind != kind; });
    return all;
}

bool confirmed(const std::vector<chat::outgoing>& replies, const std::string& message_id) {
    for (const auto& r : replies)
        if (auto* added = std::get_if<chat::reaction>(&r);
            added && !added->remove && added->message_id == message_id && added->emoji == "white_check_mark")
            return true;
    return false;
}

bool confirmation_taken_back(const std::vector<chat::outgoing>& replies, const std::string& message_id) {
    for (const auto& r : replies)
        if (auto* taken = std::get_if<chat::reaction>(&r);
            taken && taken->remove && taken->message_id == message_id && taken->emoji == "white_check_mark")
            return true;
    return false;
}

}  // namespace

TEST_CASE("a pushpin captures a message at its original time, once, and un-pinning removes it") {
    harness h;
    auto early = h.post("bob", "ops", "errors spiking on checkout");  // before the incident
    h.advance(std::chrono::minutes{5});
    h.say("alice", "ops", "start Checkout errors");
    auto replies = h.react("alice", "ops", early, "pushpin");
    CHECK(confirmed(replies, early));
    auto captured = entries(h);
    REQUIRE(captured.size() == 1);
    CHECK(captured[0].text == "errors spiking on checkout");
    CHECK(captured[0].author == "bob");
    CHECK(captured[0].marked_by == "alice");
    CHECK(domain::format_iso(captured[0].occurred_at) == "2026-03-04T10:00:00Z");

    // A second person, a retried event, a different capture emoji: still one entry, confirmed once.
    CHECK_FALSE(confirmed(h.react("carol", "ops", early, "round_pushpin"), early));
    CHECK_FALSE(confirmed(h.react("carol", "ops", early, "round_pushpin"), early));
    CHECK(entries(h).size() == 1);

    CHECK_FALSE(confirmation_taken_back(h.react("alice", "ops", early, "pushpin", false), early));
    CHECK(entries(h)[0].state == domain::entry_state::live);  // carol's mark remains, and the ✅
    CHECK(confirmation_taken_back(h.react("carol", "ops", early, "round_pushpin", false), early));
    CHECK(entries(h)[0].state == domain::entry_state::unmarked);
    CHECK(h.say("alice", "ops", "timeline").find("errors spiking") == std::string::npos);
    // Marking again brings it back.
    CHECK(confirmed(h.react("dave", "ops", early, "pushpin"), early));
    CHECK(entries(h)[0].state == domain::entry_state::live);
}

TEST_CASE("prefixes capture without the prefix; other emojis and other channels do nothing") {
    harness h;
    h.say("alice", "ops", "start DB down");
    auto replies = h.send(
        chat::message_posted{{"ops"}, "111.1", {}, "bob", "!tl primary failed over", h.now(), false, {}});
    CHECK(confirmed(replies, "111.1"));
    h.post("bob", "ops", "tl: replicas lagging");
    h.post("bob", "ops", "!tlnot a prefix");
    h.post("bob", "ops", "just chatting");
    auto thread_root = h.post("bob", "ops", "thread root");
    h.post("carol", "ops", "!tl reply in a thread", thread_root);
    auto captured = entries(h);
    REQUIRE(captured.size() == 3);
    CHECK(captured[0].text == "primary failed over");
    CHECK(captured[1].text == "replicas lagging");
    CHECK(captured[2].text == "reply in a thread");
    CHECK(captured[2].source.thread_root == thread_root);

    auto other = h.post("bob", "ops", "not pinned");
    h.react("alice", "ops", other, "thumbsup");
    CHECK(entries(h).size() == 3);
    // Outside an incident channel, marking is ignored quietly.
    auto elsewhere = h.post("bob", "random", "!tl lunch?");
    auto quiet = h.react("alice", "random", elsewhere, "pushpin");
    CHECK(quiet.empty());
}

TEST_CASE("the bot never captures its own messages") {
    harness h;
    h.say("alice", "ops", "start DB down");
    h.send(chat::message_posted{{"ops"}, "200.1", {}, "hindsight", "!tl bot says", h.now(), true, {}});
    h.send(chat::message_posted{{"ops"}, "200.2", {}, "otherbot", "!tl another bot", h.now(), true, {}});
    auto replies = h.react("alice", "ops", "200.1", "pushpin");
    CHECK(replies.empty());
    h.react("hindsight", "ops", "200.2", "pushpin");  // our own reaction
    CHECK(entries(h).empty());
}

TEST_CASE("edits keep revisions, deletions mark the entry, nothing is lost") {
    harness h;
    h.say("alice", "ops", "start DB down");
    auto id = h.post("bob", "ops", "!tl failover at 10:02");
    h.edit("ops", id, "!tl failover at 10:03");
    h.edit("ops", id, "!tl failover at 10:03");  // a replayed edit adds nothing
    auto captured = entries(h);
    REQUIRE(captured.size() == 1);
    CHECK(captured[0].text == "failover at 10:03");
    REQUIRE(captured[0].revisions.size() == 1);
    CHECK(captured[0].revisions[0].text == "failover at 10:02");
    CHECK(h.say("alice", "ops", "timeline").find("(edited)") != std::string::npos);

    h.remove("ops", id);
    CHECK(entries(h)[0].state == domain::entry_state::deleted);
    CHECK(h.say("alice", "ops", "timeline").find("~failover at 10:03~ (deleted)") != std::string::npos);

    // An edit that adds the prefix captures then.
    auto later = h.post("bob", "ops", "cache flushed");
    h.edit("ops", later, "tl: cache flushed");
    CHECK(entries(h).size() == 2);
}

TEST_CASE("a reaction on a message never seen asks for it once, and replays are one entry") {
    harness h;
    h.say("alice", "ops", "start DB down");
    REQUIRE(h.engine().accept(
        {{"console", "ev-1", chat::reaction_changed{{"ops"}, "999.1", "alice", "pushpin", true, h.now()}}},
        h.now())[0]);
    auto report = h.engine().process_pending(h.now());
    REQUIRE(report.needs_message);
    CHECK(report.needs_message->second.message_id == "999.1");
    h.engine().remember("console", {"console", "ops", "999.1", "", "bob", "written while the bot was down",
                                    h.now(), "", false});
    report = h.engine().process_pending(h.now());
    CHECK_FALSE(report.needs_message);
    CHECK(entries(h).size() == 1);
    // The same event id again is dropped by the inbox.
    CHECK_FALSE(h.engine().accept(
        {{"console", "ev-1", chat::reaction_changed{{"ops"}, "999.1", "alice", "pushpin", true, h.now()}}},
        h.now())[0]);
}

TEST_CASE("a round of handling stops at its deadline: one event at least, the rest in order next time") {
    harness h;
    h.say("alice", "general", "start Slow machine");
    std::vector<chat::inbound> batch;
    for (int i = 0; i < 5; ++i)
        batch.push_back({"console", "slow-" + std::to_string(i),
                         chat::message_posted{{"general"},
                                              "9." + std::to_string(i),
                                              "",
                                              "bob",
                                              "!tl step " + std::to_string(i),
                                              h.now(),
                                              false,
                                              ""}});
    h.engine().accept(batch, h.now());
    auto past = std::chrono::steady_clock::now() - std::chrono::seconds{1};
    for (int round = 1; round <= 5; ++round) {
        auto report = h.engine().process_pending(h.now(), 512, past);
        CHECK(report.handled == 1);
        CHECK(entries(h).size() == static_cast<std::size_t>(round));
    }
    auto all = entries(h);
    for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i].text == "step " + std::to_string(i));
    CHECK(h.engine().process_pending(h.now(), 512, past).handled == 0);
}
