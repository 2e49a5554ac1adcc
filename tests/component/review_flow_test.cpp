#include <catch2/catch.hpp>

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
}  // namespace

TEST_CASE(
    "the guided review: replies in its thread answer the current prompt, edits follow, chatter is ignored") {
    harness h;
    h.say("alice", "ops", "start Checkout errors sev2");
    auto opened = h.say("alice", "ops", "resolve rolled back");
    CHECK(has(opened, "What was the impact"));
    auto root = h.engine().queue().thread_root("console", "review:1");
    REQUIRE(root);

    CHECK(has(joined(h.reply("alice", "ops", *root, "12% of checkouts failed for 40 minutes")),
              "Impact recorded"));
    CHECK(has(joined(h.reply("bob", "ops", *root, "The pool config halved connections")),
              "Why 1 for factor 1"));
    std::string why_id;
    CHECK(has(joined(h.reply("carol", "ops", *root, "Config was not load tested", &why_id)),
              "Why 2 for factor 1"));
    // Several people answering: each reply answers the prompt current when it arrives.
    CHECK(
        has(joined(h.reply("bob", "ops", *root, "Load tests only cover code paths")), "Why 3 for factor 1"));
    auto nudge = h.reply("dave", "ops", *root, "Bob should have load tested it");
    bool private_nudge = false;
    for (const auto& r : nudge)
        private_nudge |= r.how == chat::delivery::ephemeral && r.user == "dave" && has(r.text, "blameless");
    CHECK(private_nudge);
    CHECK(has(joined(h.reply("alice", "ops", *root, "done")),
              "Closed the why-chain of factor 1 after 3 why(s)"));
    CHECK(has(joined(h.reply("alice", "ops", *root, "next")), "What went well?"));
    CHECK(has(joined(h.reply("alice", "ops", *root, "Rollback was fast\nPaging worked")),
              "Recorded 2 item(s)"));
    CHECK(has(joined(h.reply("alice", "ops", *root, "skip")), "Where did we get lucky?"));
    CHECK(has(joined(h.reply("alice", "ops", *root, "It was off-peak")), "Which action items"));
    // Chatter outside the thread is not an answer.
    h.post("erin", "ops", "lunch?");
    CHECK(storage::review_store(h.db()).notes(1).size() == 3);
    CHECK(has(
        joined(h.reply("alice", "ops", *root, "Add a load test stage for pool configs @bob due +2w process")),
        "Review of INC-1 complete"));
    CHECK(has(joined(h.reply("alice", "ops", *root, "done")), "The review is complete"));

    h.edit("ops", why_id, "Config changes were never load tested");
    storage::review_store review(h.db());
    auto factors = review.factors(1);
    REQUIRE(factors.size() == 1);
    CHECK(factors[0].text == "The pool config halved connections");
    REQUIRE(factors[0].whys.size() == 3);
    CHECK(factors[0].whys[0].text == "Config changes were never load tested");  // the edited reply
    auto notes = review.notes(1);
    REQUIRE(notes.size() == 3);
    CHECK(notes[1].text == "Paging worked");
    CHECK(notes[2].list == domain::review_list::lucky);
    storage::incident_store incidents(h.db());
    CHECK(incidents.find("console", 1)->impact == "12% of checkouts failed for 40 minutes");
    CHECK(incidents.find("console", 1)->status == domain::incident_status::reviewed);
}

TEST_CASE(
    "the guided review asks for a factor before moving on, and for an action or 'none' before finishing") {
    harness h;
    h.say("alice", "ops", "start Checkout errors");
    h.say("alice", "ops", "impact Some checkouts failed");
    h.say("alice", "ops", "resolve");
    auto root = *h.engine().queue().thread_root("console", "review:1");
    CHECK(has(h.say_private("alice", "ops", "status"), "Status: resolved"));
    CHECK(has(joined(h.reply("alice", "ops", root, "next")), "at least one contributing factor"));
    h.reply("alice", "ops", root, "No canary for config changes");
    h.reply("alice", "ops", root, "Config changes skip the pipeline");
    h.reply("alice", "ops", root, "done");
    h.reply("alice", "ops", root, "next");
    for (int i = 0; i < 3; ++i) h.reply("alice", "ops", root, "skip");
    CHECK(has(joined(h.reply("alice", "ops", root, "done")), "There is no action item yet"));
    CHECK(has(joined(h.reply("alice", "ops", root, "none")), "needs no action items"));
    storage::incident_store incidents(h.db());
    CHECK(incidents.find("console", 1)->status == domain::incident_status::reviewed);
}
