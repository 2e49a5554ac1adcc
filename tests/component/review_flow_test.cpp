#include <catch2/catch.hpp>

#include "commands/handlers.hpp"
#include "domain/postmortem.hpp"
#include "harness.hpp"
#include "storage/action_store.hpp"
#include "storage/incident_store.hpp"
#include "storage/review_store.hpp"

using namespace hindsight;
using testing::harness;
using testing::joined;

namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

bool reacted(const std::vector<chat::outgoing>& replies, const std::string& message_id) {
    for (const auto& r : replies)
        if (auto* added = std::get_if<chat::reaction>(&r); added && added->message_id == message_id)
            return true;
    return false;
}

// Opens INC-1 in #ops, resolves it and returns its review thread's root.
std::string open_review(harness& h) {
    h.say("alice", "ops", "start Checkout errors sev2");
    h.say("alice", "ops", "resolve rolled back the pool config");
    auto root = h.engine().queue().thread_root("console", "review:1");
    REQUIRE(root);
    return *root;
}

domain::incident incident_1(harness& h) {
    return *storage::incident_store(h.db()).find("console", 1);
}

std::string label_of(harness& h, const std::string& text) {
    auto map = storage::review_store(h.db()).map(1);
    for (const auto& n : map.nodes())
        if (n.text == text && n.merged_into == 0 && !n.removed) return n.label;
    return "(none)";
}

}  // namespace

TEST_CASE("four people answer each stage at once; every answer is kept with its author, chatter never") {
    harness h;
    auto root = open_review(h);
    std::string alice_impact, bob_impact;
    auto first = h.reply("alice", "ops", root, "12% of checkouts failed for 40 minutes", &alice_impact);
    CHECK(reacted(first, alice_impact));  // confirmed with a reaction, not a post
    CHECK_FALSE(has(joined(first), "What conditions"));
    h.reply("bob", "ops", root, "Card retries doubled the gateway load", &bob_impact);
    for (auto chatter : {"+1", "agree", "thanks!", "👍", "is it only EU?", "> brb"})
        CHECK(h.reply("carol", "ops", root, chatter).empty());
    auto moved = joined(h.reply("dave", "ops", root, "next"));
    CHECK(has(moved, "INC-1 · How was it detected"));
    h.reply("dave", "ops", root, "A saturation alert paged the on-call");
    CHECK(has(joined(h.reply("alice", "ops", root, "Next.")), "What conditions allowed this"));
    h.reply("bob", "ops", root, "The pool size was lowered by a config push");
    h.reply("carol", "ops", root, "The gateway had no circuit breaker");
    auto inc = incident_1(h);
    CHECK(inc.impact == "12% of checkouts failed for 40 minutes\nCard retries doubled the gateway load");
    CHECK(inc.detection == "A saturation alert paged the on-call");
    CHECK(inc.summary == "rolled back the pool config");  // the summary was given at resolve: not asked
    auto map = storage::review_store(h.db()).map(1);
    REQUIRE(map.factors().size() == 2);
    CHECK(map.factors()[0]->author == "bob");
    CHECK(map.factors()[1]->author == "carol");
    CHECK(map.factors()[1]->label == "F2");
}

TEST_CASE(
    "causes branch, are walked deepest first, can be addressed and joined, and skip/done close branches") {
    harness h;
    h.cfg().review.max_whys = 3;
    auto root = open_review(h);
    h.reply("alice", "ops", root, "Checkout failed");
    h.reply("alice", "ops", root, "next");
    h.reply("alice", "ops", root, "An alert");
    h.reply("alice", "ops", root, "next");
    h.reply("bob", "ops", root, "The pool size was lowered by a config push");  // F1
    h.reply("carol", "ops", root, "The gateway had no circuit breaker");        // F2
    CHECK(has(joined(h.reply("alice", "ops", root, "next")), "*F1* — Why did"));
    h.reply("bob", "ops", root, "Config changes skip review");         // F1.1
    h.reply("dave", "ops", root, "The canary does not cover config");  // F1.2: a second branch
    // Depth first: F1.1's own causes come before its sibling F1.2.
    CHECK(has(joined(h.reply("alice", "ops", root, "next")), "*F1.1* — Why did"));
    h.reply("carol", "ops", root, "The config repo has no required reviewers");  // F1.1.1
    CHECK(has(joined(h.reply("carol", "ops", root, "done")), "*F1.2* — Why did"));
    // Addressing a node at any time, and joining two nodes that are one cause (the older number stays).
    h.reply("dave", "ops", root, "F2: Nobody owns the gateway library");  // F2.1
    h.reply("dave", "ops", root, "F2.1: The library has no maintainer");  // F2.1.1
    CHECK(has(joined(h.reply("erin", "ops", root, "F2.1.1 = F1.1.1")), ""));
    CHECK(label_of(h, "The canary does not cover config") == "F1.2");
    auto map = storage::review_store(h.db()).map(1);
    CHECK(map.find("F2.1.1")->label == "F1.1.1");  // the joined number resolves to the older node
    CHECK(map.causes_of(map.find("F2.1")->id).front()->label == "F1.1.1");
    // A join that would make a cycle is refused.
    CHECK(has(joined(h.reply("erin", "ops", root, "F1.1 = F1.1.1")), "cycle"));
    // skip closes the rest of F1 and goes to F2's first question.
    auto skipped = joined(h.reply("alice", "ops", root, "skip"));
    CHECK(has(skipped, "*F2* — Why did"));
    CHECK(has(joined(h.reply("alice", "ops", root, "next")), "*F2.1* — Why did"));
    // F2.1.1 was joined into F1.1.1, which is closed already: the walk is past the causes.
    CHECK(has(joined(h.reply("alice", "ops", root, "next")), "What went well?"));
    map = storage::review_store(h.db()).map(1);
    CHECK(map.open_branches(3).empty());
    CHECK(map.factors_without_causes().empty());
    // skip left F1.2 unexplored: closed, but nobody said it is a root cause; done on F1.1 made F1.1.1 one.
    CHECK(map.find("F1.2")->skipped);
    CHECK_FALSE(map.is_root_cause(*map.find("F1.2"), 3));
    CHECK(map.is_root_cause(*map.find("F1.1.1"), 3));
}

TEST_CASE("lists take one item per line, actions stay open until `done`, completion needs the whole review") {
    harness h;
    auto root = open_review(h);
    h.say("alice", "ops", "impact INC-1 Checkout failed");
    h.reply("alice", "ops", root, "next");  // impact was set: the recap asks for detection
    h.reply("alice", "ops", root, "next");
    h.reply("bob", "ops", root, "No canary for config");
    h.reply("alice", "ops", root, "next");
    h.reply("bob", "ops", root, "Canaries were built for code only");
    h.reply("alice", "ops", root, "done");
    h.reply("carol", "ops", root, "Rollback was fast\nPaging worked");
    h.reply("dave", "ops", root, "The alert had a runbook");
    h.reply("alice", "ops", root, "next");
    h.reply("carol", "ops", root, "The dashboard was stale");
    h.reply("alice", "ops", root, "next");
    h.reply("dave", "ops", root, "It was off-peak");
    CHECK(has(joined(h.reply("alice", "ops", root, "next")), "Which action items"));
    auto first = joined(h.reply("bob", "ops", root, "Add a canary stage for config @bob due +2w #tooling"));
    CHECK(has(first, "A-1"));
    auto second = joined(h.reply("carol", "ops", root, "Document the deploy process @carol due +3w"));
    CHECK(has(second, "A-2"));
    CHECK(incident_1(h).status == domain::incident_status::resolved);  // the first action did not close it
    CHECK(has(joined(h.reply("carol", "ops", root, "none")), "already has 2 action items"));
    auto summary = joined(h.reply("alice", "ops", root, "done"));
    CHECK(has(summary, "Review summary of INC-1* (complete)"));
    CHECK(has(summary, "A-1"));
    CHECK(has(summary, "A-2"));
    CHECK(incident_1(h).status == domain::incident_status::reviewed);
    // More arriving later edits the summary in place.
    auto later = h.say("dave", "ops", "action INC-1 Add a pool-size alert @dave due +1w #detection");
    auto replies = h.drain_outbox();
    auto edited = h.command("dave", "ops", "action INC-1 Add a load test for pool configs @dave due +1w");
    bool updated = false;
    for (const auto& r : edited)
        updated |= chat::kind_of(r) == chat::delivery::update && has(chat::text_of(r), "A-4");
    CHECK(updated);
    auto notes = storage::review_store(h.db()).notes(1);
    REQUIRE(notes.size() == 5);
    CHECK(notes[1].text == "Paging worked");
    CHECK(notes[1].author == "carol");
    CHECK(notes[3].list == domain::review_list::went_wrong);
    CHECK(notes[4].list == domain::review_list::lucky);
    auto actions = storage::action_store(h.db()).list({"console", std::nullopt, 1, false});
    REQUIRE(actions.size() == 4);
    CHECK(actions[1].text == "Document the deploy process");
}

TEST_CASE("a late reply answers the question it was written under; a late `next` does not skip a question") {
    harness h;
    auto root = open_review(h);
    h.advance(std::chrono::minutes{1});
    auto impact_asked_at = h.now();
    h.reply("alice", "ops", root, "Checkout failed");
    h.advance(std::chrono::minutes{1});
    h.reply("alice", "ops", root, "next");  // detection now
    h.advance(std::chrono::minutes{1});
    // Written a minute before that `next`, delivered after it: still an impact answer.
    h.send(chat::message_posted{
        {"ops"}, "late-1", root, "bob", "Refunds were delayed", impact_asked_at, false, {}});
    // Bob also said `next` under the impact question; it arrives late and must not skip detection.
    h.send(chat::message_posted{{"ops"}, "late-2", root, "bob", "next", impact_asked_at, false, {}});
    auto inc = incident_1(h);
    CHECK(inc.impact == "Checkout failed\nRefunds were delayed");
    CHECK(inc.review_focus == "detection");
}

TEST_CASE("commands in a review thread act on its incident, even with a newer incident in the channel") {
    harness h;
    auto root = open_review(h);
    h.say("bob", "ops", "start Newer incident");
    h.reply("alice", "ops", root, "incident factor Config pushes skip review");
    h.reply("alice", "ops", root, "/incident went-well Rollback was fast");
    auto map = storage::review_store(h.db()).map(1);
    REQUIRE(map.factors().size() == 1);
    CHECK(storage::review_store(h.db()).notes(1).size() == 1);
    CHECK(storage::review_store(h.db()).map(2).factors().empty());
    // Prompts and confirmations name their incident.
    CHECK(has(joined(h.reply("alice", "ops", root, "next")), "INC-1 · "));
}

TEST_CASE("an edited reply updates its answer, a deleted one removes it, and a restart keeps the review") {
    harness h;
    auto root = open_review(h);
    std::string impact_id, factor_id, parent_id, list_id, action_id;
    h.reply("alice", "ops", root, "12% failed", &impact_id);
    h.edit("ops", impact_id, "15% of checkouts failed");
    h.reply("alice", "ops", root, "next");
    h.reply("alice", "ops", root, "next");
    h.reply("bob", "ops", root, "A junk factor", &factor_id);
    h.reply("bob", "ops", root, "The pool shrank", &parent_id);
    h.remove("ops", factor_id);
    CHECK(incident_1(h).impact == "15% of checkouts failed");
    CHECK(label_of(h, "A junk factor") == "(none)");
    h.restart();
    h.reply("alice", "ops", root, "next");  // the stage survived the restart
    h.reply("carol", "ops", root, "Config pushes are not reviewed");
    h.reply("carol", "ops", root, "F2.1: Nobody owns the repo");
    // Deleting a node with causes under it keeps the branch, marked removed.
    std::string cause_id;
    auto map = storage::review_store(h.db()).map(1);
    REQUIRE(map.find("F2.1"));
    h.edit("ops", parent_id, "The pool shrank after a push");
    CHECK(label_of(h, "The pool shrank after a push") == "F2");
    h.remove("ops", parent_id);
    map = storage::review_store(h.db()).map(1);
    REQUIRE(map.find("F2"));
    CHECK(map.find("F2")->removed);
    CHECK(map.find("F2.1.1"));
    // Rendered: the removed node shows as such, the deleted factor not at all.
    auto record = commands::load_record(h.engine().store(), incident_1(h));
    auto md = domain::render_postmortem_markdown(record, [](const std::string& id) { return id; });
    CHECK(has(md, "### F2: _(removed)_"));
    CHECK_FALSE(has(md, "junk"));
    CHECK(has(md, "**F2.1** Config pushes are not reviewed (@carol)"));
}

TEST_CASE(
    "a time-box starts on `review start`, warns at a quarter left, sums up at the end, survives a restart") {
    harness h;
    auto root = open_review(h);
    CHECK(h.reminders().empty());  // resolve started no clock
    auto started = joined(h.reply("alice", "ops", root, "incident review start 40m"));
    CHECK(has(started, "has 40m"));
    h.advance(std::chrono::minutes{29});
    CHECK(h.reminders().empty());
    h.restart();
    h.advance(std::chrono::minutes{2});
    auto warned = joined(h.reminders());
    CHECK(has(warned, "left in this review session"));
    CHECK(h.reminders().empty());  // once
    h.advance(std::chrono::minutes{10});
    auto ended = joined(h.reminders());
    CHECK(has(ended, "Time is up"));
    CHECK(has(ended, "Still missing:"));
    CHECK(h.reminders().empty());
    CHECK(incident_1(h).stage == domain::review_stage::recap);  // the review stays where it was
}

TEST_CASE("control words are exact and the recap asks only for what is missing") {
    harness h;
    h.say("alice", "ops", "start Checkout errors");
    h.say("alice", "ops", "impact Some checkouts failed");
    h.say("alice", "ops", "resolve");
    auto root = *h.engine().queue().thread_root("console", "review:1");
    auto inc = incident_1(h);
    CHECK(inc.stage == domain::review_stage::recap);
    CHECK(inc.review_focus == "detection");
    h.reply("alice", "ops", root, "next please");  // not a control word: an answer
    CHECK(incident_1(h).detection == "next please");
    h.reply("alice", "ops", root, "NEXT!");
    CHECK(incident_1(h).review_focus == "summary");
    CHECK(has(joined(h.reply("alice", "ops", root, "next")), "What conditions"));
    CHECK(has(joined(h.reply("alice", "ops", root, "next")), "at least one contributing factor"));
}

TEST_CASE(
    "found in review: chatter after the summary, answers that start with 'incident', joins and deletions, "
    "edits that change what a reply is") {
    harness h;
    auto root = open_review(h);
    // "Incident commander …" is an answer, not an unknown command.
    h.reply("alice", "ops", root, "Incident channel was opened late, but the alert fired");
    CHECK(incident_1(h).impact == "Incident channel was opened late, but the alert fired");
    h.reply("alice", "ops", root, "next");
    h.reply("alice", "ops", root, "next");
    h.reply("bob", "ops", root, "Pool lowered");  // F1
    h.reply("carol", "ops", root, "No breaker");  // F2
    h.reply("alice", "ops", root, "next");
    std::string dave_id, erin_id, join_id, edit_id;
    h.reply("dave", "ops", root, "Nobody owns the library", &dave_id);       // F1.1
    h.reply("erin", "ops", root, "F2: The library has no owner", &erin_id);  // F2.1
    h.reply("erin", "ops", root, "F2.1 = F1.1", &join_id);
    auto map = storage::review_store(h.db()).map(1);
    CHECK(map.causes_of(map.find("F2")->id).front()->label == "F1.1");
    // Deleting the join gives F2.1 back to F2; deleting dave's reply leaves erin's answer standing.
    h.remove("ops", join_id);
    map = storage::review_store(h.db()).map(1);
    CHECK(map.causes_of(map.find("F2")->id).front()->label == "F2.1");
    h.reply("erin", "ops", root, "F2.1 = F1.1", &join_id);
    auto said = joined(h.send(chat::message_deleted{{"ops"}, dave_id, h.now()}));
    CHECK(has(said, "removed F1.1"));
    map = storage::review_store(h.db()).map(1);
    REQUIRE_FALSE(map.causes_of(map.find("F2")->id).empty());
    CHECK(map.causes_of(map.find("F2")->id).front()->text == "The library has no owner");
    CHECK(map.causes_of(map.find("F1")->id).empty());  // dave's own link went with his reply
    // An edit that turns an answer into chatter takes it back; one that turns chatter into an answer adds it.
    h.reply("carol", "ops", root, "F1: Config skipped review", &edit_id);
    h.edit("ops", edit_id, "+1");
    CHECK(label_of(h, "Config skipped review") == "(none)");
    std::string question_id;
    h.reply("carol", "ops", root, "was it the pool?", &question_id);
    h.edit("ops", question_id, "F1: The pool was halved by a push");
    CHECK(label_of(h, "The pool was halved by a push") != "(none)");
    // Past the actions stage, conversation in the thread is not recorded.
    h.say("alice", "ops", "review INC-1 finish");
    auto before = storage::action_store(h.db()).list({"console", std::nullopt, 1, false}).size();
    h.reply("bob", "ops", root, "Great work everyone, I will send the notes around");
    CHECK(storage::action_store(h.db()).list({"console", std::nullopt, 1, false}).size() == before);
    CHECK(storage::review_store(h.db()).notes(1).empty());
}

TEST_CASE("echoed words never ping a crowd, and a display name cannot inject Markdown into the postmortem") {
    harness h;
    open_review(h);
    auto reply = h.say_private("alice", "ops", "action INC-1 Fix the pool @bob @channel");
    CHECK_FALSE(has(reply, "@channel"));
    CHECK_FALSE(has(h.say_private("alice", "ops", "action INC-1 Fix the pool due next <!here>"), "<!here>"));
    storage::incident_store(h.db()).upsert_user("console", {"alice", "al | <img src=x> **b** ```", ""});
    auto record = commands::load_record(h.engine().store(), incident_1(h));
    auto md = domain::render_postmortem_markdown(record, [&](const std::string& id) {
        return storage::incident_store(h.db()).display_name("console", id);
    });
    CHECK_FALSE(has(md, "<img"));
    CHECK_FALSE(has(md, "al | "));
    CHECK_FALSE(has(md, "```"));
}

TEST_CASE("a joined cause survives its authors deleting and editing their replies one after another") {
    harness h;
    auto root = open_review(h);
    h.reply("alice", "ops", root, "next");
    h.reply("alice", "ops", root, "next");
    h.reply("bob", "ops", root, "Pool lowered");  // F1
    h.reply("bob", "ops", root, "No breaker");    // F2
    h.reply("alice", "ops", root, "next");
    std::string alice_id, bob_id;
    h.reply("alice", "ops", root, "Disk filled up", &alice_id);       // F1.1
    h.reply("dave", "ops", root, "F1.1: Log rotation was disabled");  // F1.1.1
    h.reply("bob", "ops", root, "F2: The disk was full", &bob_id);    // F2.1
    h.reply("carol", "ops", root, "F2.1 = F1.1");
    h.remove("ops", alice_id);
    auto map = storage::review_store(h.db()).map(1);
    REQUIRE(map.find("F1.1"));
    CHECK(map.find("F1.1")->text == "The disk was full");  // bob's answer stands for the node now
    CHECK(map.causes_of(map.find("F2")->id).front()->label == "F1.1");
    h.edit("ops", bob_id, "F2: The disk was full of WAL files");
    map = storage::review_store(h.db()).map(1);
    CHECK(map.find("F1.1")->text == "The disk was full of WAL files");
    h.remove("ops", bob_id);
    map = storage::review_store(h.db()).map(1);
    // Nobody's answer is left for F1.1, but dave's cause under it is: the branch stays, the node "(removed)".
    REQUIRE_FALSE(map.causes_of(map.find("F2")->id).empty());
    CHECK(map.find("F1.1")->removed);
    CHECK(map.causes_of(map.find("F1.1")->id).front()->text == "Log rotation was disabled");
}
