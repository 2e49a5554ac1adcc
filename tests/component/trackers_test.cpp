// The chat side of trackers (SPEC §10) with real SQLite: which action gets an issue, what the tracker's
// reports do to an action (and what they do not: its own changes coming back), `track`, and pull requests
// naming an incident. The HTTP side is tested against the fake GitHub in e2e_github.
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "storage/tracker_store.hpp"

using namespace hindsight;
using testing::harness;

namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

config::settings github_settings() {
    auto cfg = config::default_settings([](const std::string&) { return std::nullopt; });
    cfg.trackers.github.repo = "acme/reliability";
    config::tracker_route private_tooling;
    private_tooling.types = {"tooling"};
    private_tooling.allow_private = true;
    config::tracker_route any_public;
    cfg.trackers.routes = {private_tooling, any_public};
    config::tracker_user bob;
    bob.chat_user = "bob";
    bob.github = "bob-gh";
    cfg.trackers.users = {bob};
    return cfg;
}

std::string joined(const std::vector<chat::outgoing>& replies) {
    std::string out;
    for (const auto& r : replies) out += chat::text_of(r) + "\n";
    return out;
}

chat::tracker_issue_changed issue_report(const std::string& number, const std::string& state) {
    chat::tracker_issue_changed change;
    change.tracker = "github";
    change.issue = number;
    change.state = state;
    change.actor = "carol-gh";
    return change;
}

// The worker's part, done by hand: the issue was created and says what the action said.
void link(harness& h, int action_number, const std::string& issue) {
    storage::tracker_store links(h.db());
    auto action = h.engine().store().actions.find("console", action_number);
    REQUIRE(action);
    h.db().transact([&] {
        links.linked(
            action->id,
            {issue, "https://github.com/acme/reliability/issues/" + issue, "open", "", action->owner, ""},
            links.find(action->id)->change_seq);
    });
}

}  // namespace

TEST_CASE(
    "trackers: the first route that takes an action gives it an issue; a private incident only by a private "
    "route") {
    harness h(github_settings());
    storage::tracker_store links(h.db());
    h.say("alice", "ops", "start Checkout down");
    h.say("alice", "ops", "action Add a pool size alert #detection");
    auto a1 = h.engine().store().actions.find("console", 1);
    REQUIRE(links.find(a1->id));
    CHECK(links.find(a1->id)->state == storage::link_state::queued);
    CHECK(links.find(a1->id)->tracker == "github");

    h.private_channels.insert("secret");
    h.say("alice", "secret", "start Token leaked");
    h.say("alice", "secret", "action Rotate the keys #process");
    h.say("alice", "secret", "action Build a secret scanner #tooling");
    CHECK_FALSE(
        links.find(h.engine().store().actions.find("console", 2)->id));    // private: only a private route
    CHECK(links.find(h.engine().store().actions.find("console", 3)->id));  // private = true, type tooling
}

TEST_CASE(
    "trackers: closing, reopening and assigning the issue moves the action; its own changes come back "
    "silent") {
    harness h(github_settings());
    h.say("alice", "ops", "start Checkout down");
    h.say("alice", "ops", "action Add a pool size alert #detection");
    link(h, 1, "12");

    auto closed = joined(h.send(issue_report("12", "done"), "d-1"));
    CHECK(has(closed, "✅ A-1 done: its issue acme/reliability#12 was closed on GitHub by carol-gh."));
    CHECK(h.engine().store().actions.find("console", 1)->status == domain::action_status::done);
    CHECK(joined(h.send(issue_report("12", "done"), "d-1")).empty());  // the redelivery is a replay
    CHECK(joined(h.send(issue_report("12", "done"), "d-2")).empty());  // the same state again: nothing new

    auto reopened = joined(h.send(issue_report("12", "open"), "d-3"));
    CHECK(has(reopened,
              "↩️ A-1 reopened: its issue acme/reliability#12 was reopened on GitHub by carol-gh."));

    // `done` in chat: the worker closes the issue and records that it did; the webhook of that close is
    // silent.
    h.say("alice", "ops", "done A-1 shipped");
    storage::tracker_store links(h.db());
    auto id = h.engine().store().actions.find("console", 1)->id;
    CHECK(links.find(id)->change_seq > links.find(id)->synced_seq);  // the issue must follow
    h.db().transact([&] {
        links.synced(id, {"12", "", "done", "", "alice", ""}, links.find(id)->change_seq);
    });
    CHECK(joined(h.send(issue_report("12", "done"), "d-4")).empty());

    auto wontdo = issue_report("12", "wontdo");
    wontdo.reason = "not planned";
    h.say("alice", "ops", "reopen A-1");
    h.db().transact([&] {
        links.synced(id, {"12", "", "open", "", "alice", ""}, links.find(id)->change_seq);
    });
    CHECK(has(joined(h.send(wontdo, "d-5")),
              "🚫 A-1 won't be done: its issue acme/reliability#12 was closed as not planned"));

    auto assigned = issue_report("12", "");
    assigned.assignee_known = true;
    assigned.assignee = "bob-gh";
    CHECK(has(joined(h.send(assigned, "d-6")), "👤 A-1 now belongs to @bob"));
    CHECK(h.engine().store().actions.find("console", 1)->owner == "bob");
    assigned.assignee = "mallory-gh";
    CHECK(
        has(joined(h.send(assigned, "d-7")), "has no chat user in `[trackers.users]`: A-1 stays with @bob"));

    auto deleted = issue_report("12", "deleted");
    CHECK(has(joined(h.send(deleted, "d-8")),
              "was deleted on GitHub by carol-gh; A-1 stays here, without an issue"));
    CHECK(joined(h.send(issue_report("12", "open"), "d-9")).empty());   // no longer followed
    CHECK(joined(h.send(issue_report("99", "done"), "d-10")).empty());  // never followed
}

TEST_CASE("trackers: `track A-n <url>` links an existing issue; the link shows wherever the action does") {
    harness h(github_settings());
    h.say("alice", "ops", "start Checkout down");
    h.say("alice", "ops", "action Add a pool size alert #detection");
    CHECK(has(h.say("alice", "ops", "track A-1"), "track A-3 <issue URL>"));
    CHECK(has(h.say("alice", "ops", "track A-1 https://github.com/acme/other/issues/3"),
              "hindsight follows acme/reliability only"));
    CHECK(has(h.say("alice", "ops", "track A-1 https://example.com/3"),
              "is not an issue URL hindsight follows (like https://github.com/acme/reliability/issues/12)"));
    CHECK(has(h.say("alice", "ops", "track A-9 https://github.com/acme/reliability/issues/3"),
              "There is no A-9"));
    auto tracked = h.say("alice", "ops", "track A-1 <https://github.com/acme/reliability/issues/40>");
    CHECK(has(tracked, "A-1 is tracked in acme/reliability#40"));
    storage::tracker_store links(h.db());
    auto link_row = links.find(h.engine().store().actions.find("console", 1)->id);
    REQUIRE(link_row);
    CHECK_FALSE(link_row->ours);
    CHECK(link_row->synced_seq == 0);  // read before anything is pushed to it
    CHECK(has(h.say("alice", "ops", "actions"), "· https://github.com/acme/reliability/issues/40"));
    h.say("alice", "ops", "action Another one #process");
    CHECK(has(h.say("alice", "ops", "track A-2 https://github.com/acme/reliability/issues/40"),
              "already belongs to another action"));
}

TEST_CASE(
    "trackers: a merged pull request naming an incident or one of its actions is on its timeline once") {
    harness h(github_settings());
    h.say("alice", "ops", "start Checkout down");
    h.say("alice", "ops", "action Add a pool size alert #detection");
    chat::tracker_mention merged;
    merged.tracker = "github";
    merged.what = "Pull request acme/api#5 merged: Raise the pool size";
    merged.text = "Raise the pool size\nFixes A-1 (see INC-1)";
    merged.url = "https://github.com/acme/api/pull/5";
    merged.actor = "bob-gh";
    merged.at = h.now();
    h.send(merged, "m-1");
    h.send(merged, "m-2");  // the same pull request again (another delivery): still one entry
    auto timeline = h.say("alice", "ops", "timeline");
    CHECK(has(timeline, "Pull request acme/api#5 merged: Raise the pool size (bob-gh)"));
    auto entries = h.engine().store().timeline.list(h.engine().store().incidents.find("console", 1)->id);
    CHECK(std::count_if(entries.begin(), entries.end(),
                        [](const domain::timeline_entry& e) { return e.source.platform == "github"; }) == 1);
}

TEST_CASE(
    "trackers: Jira routes, `track` with a Jira issue's page, and a Jira resolution closing an action") {
    auto cfg = github_settings();
    cfg.trackers.jira.url = "https://acme.atlassian.net/";
    cfg.trackers.jira.project = "OPS";
    config::tracker_route to_jira;
    to_jira.tracker = "jira";
    to_jira.types = {"detection"};
    cfg.trackers.routes.insert(cfg.trackers.routes.begin(), to_jira);
    cfg.trackers.users[0].jira = "5b10ac8d82e05b22cc7d4ef5";
    harness h(cfg);
    h.say("alice", "ops", "start Checkout down");
    h.say("alice", "ops", "action Add a pool size alert #detection");
    h.say("alice", "ops", "action Write the runbook #playbook");
    storage::tracker_store links(h.db());
    auto& actions = h.engine().store().actions;
    CHECK(links.find(actions.find("console", 1)->id)->tracker == "jira");
    CHECK(links.find(actions.find("console", 2)->id)->tracker == "github");

    h.say("alice", "ops", "action Page the database owner #process");
    CHECK(has(h.say("alice", "ops", "track A-3 https://acme.atlassian.net/browse/ENG-4"),
              "not in the Jira project hindsight follows (OPS on https://acme.atlassian.net/)"));
    CHECK(has(h.say("alice", "ops", "track A-3 https://acme.atlassian.net/browse/OPS-41"),
              "A-3 is tracked in OPS-41"));
    auto tracked = links.find(actions.find("console", 3)->id);
    REQUIRE(tracked);
    CHECK(tracked->tracker == "jira");
    CHECK(tracked->issue == "OPS-41");  // known by its key until Jira is read

    chat::tracker_issue_changed resolved;
    resolved.tracker = "jira";
    resolved.issue = "OPS-41";
    resolved.state = "wontdo";
    resolved.reason = "Won't Fix";
    resolved.actor = "Carol";
    resolved.url = "https://acme.atlassian.net/browse/OPS-41";
    auto said = joined(h.send(resolved, "jira-1"));
    CHECK(has(said, "A-3 won't be done: its issue OPS-41 was closed as Won't Fix on Jira by Carol."));
    CHECK(actions.find("console", 3)->status == domain::action_status::wontdo);
}

TEST_CASE("services and tags: set and removed by name, shown, filtering lists, choosing tracker routes") {
    auto cfg = github_settings();
    config::tracker_route checkout_only;
    checkout_only.services = {"checkout"};
    checkout_only.types = {"process"};
    cfg.trackers.routes = {checkout_only};
    harness h(cfg);
    h.say("alice", "ops", "start Checkout down");
    CHECK(has(h.say("alice", "ops", "service Checkout payments"), "INC-1: services checkout, payments"));
    CHECK(has(h.say("alice", "ops", "service checkout"), "INC-1 already has checkout."));
    CHECK(has(h.say("alice", "ops", "service @here"), "is not a service name"));
    CHECK(has(h.say("alice", "ops", "tag dns capacity"), "tags: capacity, dns."));
    CHECK(has(h.say("alice", "ops", "untag dns"), "no longer tag dns"));
    CHECK(has(h.say("alice", "ops", "status"), "Services: checkout, payments · Tags: capacity"));
    h.say("alice", "ops", "action Page the database owner #process");
    storage::tracker_store links(h.db());
    CHECK(links.find(h.engine().store().actions.find("console", 1)->id));  // the route's service matched

    h.say("bob", "web", "start Search slow");
    h.say("bob", "web", "service search");
    h.say("bob", "web", "action Cache the index #process");
    CHECK_FALSE(links.find(h.engine().store().actions.find("console", 2)->id));  // not checkout: no issue
    auto listed = h.say("alice", "ops", "list service checkout");
    CHECK(has(listed, "INC-1"));
    CHECK_FALSE(has(listed, "INC-2"));
    auto actions = h.say("alice", "ops", "actions service search");
    CHECK(has(actions, "Cache the index"));
    CHECK_FALSE(has(actions, "Page the database owner"));
    CHECK(has(h.say("alice", "ops", "unservice payments"), "services: checkout."));
    CHECK(has(h.say("alice", "ops", "postmortem"), "| Services | checkout |"));
}
