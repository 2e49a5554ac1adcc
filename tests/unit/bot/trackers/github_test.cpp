#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bot/trackers/github.hpp"
#include "domain/tracker_text.hpp"

using namespace hindsight;
using namespace hindsight::trackers;
using nlohmann::json;

namespace {

json fixture(const std::string& path) {
    std::ifstream in(std::string(HINDSIGHT_SOURCE_DIR) + "/tests/fixtures/github/" + path);
    REQUIRE(in);
    return json::parse(in);
}

domain::timestamp at(const char* iso) {
    return *domain::parse_iso(iso);
}

github_delivery delivery_of(const std::string& event, json payload) {
    return {event, "d-1", payload.dump()};
}

}  // namespace

TEST_CASE("GitHub's own example issue is read: number, link, state, assignees, labels") {
    auto example = fixture("rest_examples.json").at("create_issue_201");
    auto issue = read_issue(example.dump());
    REQUIRE(issue);
    CHECK(issue->number == "1347");
    CHECK(issue->url == "https://github.com/octocat/Hello-World/issues/1347");
    CHECK(issue->state == "open");
    CHECK(issue->assignees == std::vector<std::string>{"octocat"});
    CHECK(issue->labels == std::vector<std::string>{"bug"});
    CHECK(issue->author == "octocat");
    auto listed = read_issue_list(fixture("rest_examples.json").at("list_issues_200").dump());
    REQUIRE(listed);
    CHECK(listed->size() == 1);
    CHECK(read_login(fixture("rest_examples.json").at("get_user_200").dump()).value() == "octocat");
    CHECK_FALSE(read_issue("[]"));
    CHECK_FALSE(read_issue("{\"title\": \"no number\"}"));
    CHECK_FALSE(read_issue_list("{}"));
}

TEST_CASE("a closed issue's state_reason says done or won't do") {
    CHECK(action_state_of("open", "") == "open");
    CHECK(action_state_of("open", "reopened") == "open");
    CHECK(action_state_of("closed", "completed") == "done");
    CHECK(action_state_of("closed", "") == "done");  // older issues have no reason
    CHECK(action_state_of("closed", "not_planned") == "wontdo");
    CHECK(action_state_of("closed", "duplicate") == "wontdo");
}

TEST_CASE("the issue's content: marker, title, mapped assignee, and no @-mention of anyone on GitHub") {
    domain::incident inc;
    inc.number = 7;
    inc.title = "Checkout down for @acme/everyone";
    domain::action_item a;
    a.number = 3;
    a.text = "Page @oncall when the pool is full";
    a.due = domain::civil_date{std::chrono::year{2026} / 3 / 20};
    a.type = domain::action_type::detection;
    auto content = github_issue_for({a, inc, "Alice", "alice-gh", {"hindsight"}, "0123456789abcdef"});
    CHECK(content.title == "Page @oncall when the pool is full [INC-7 A-3]");
    CHECK(domain::body_has_marker(content.body, "0123456789abcdef"));
    CHECK(content.body.find("2026-03-20") != std::string::npos);
    CHECK(content.body.find("@oncall") == std::string::npos);
    CHECK(content.body.find("@acme/everyone") == std::string::npos);
    CHECK(content.body.find("@alice-gh") != std::string::npos);  // the assignee, named on purpose
    CHECK(content.assignees == std::vector<std::string>{"alice-gh"});
    auto created = json::parse(create_issue_json(content));
    CHECK(created["labels"] == json::array({"hindsight"}));
    CHECK_FALSE(created.contains("assignee"));  // the singular field is gone in API 2026-03-10

    content.status = "wontdo";
    auto update = json::parse(update_issue_json(content, true, false));
    CHECK(update["state"] == "closed");
    CHECK(update["state_reason"] == "not_planned");
    CHECK_FALSE(update.contains("body"));  // an issue someone else wrote keeps its text
    content.status = "open";
    update = json::parse(update_issue_json(content, true, true));
    CHECK(update["state_reason"] == "reopened");
    CHECK(update.contains("body"));
    CHECK_FALSE(json::parse(update_issue_json(content, false, true)).contains("state"));
}

TEST_CASE("GitHub's answers judged: rate limits wait, a lost answer is unknown, refusals need a human") {
    using kind = tracker_verdict::kind;
    const std::int64_t now = 1'770'000'000;
    CHECK(judge_github(201, {}, "", now, 0, false).what == kind::ok);
    auto secondary =
        judge_github(403, {{"retry-after", "30"}}, R"({"message":"secondary rate limit"})", now, 0, false);
    CHECK(secondary.what == kind::wait);
    CHECK(secondary.after == std::chrono::seconds{30});
    auto primary =
        judge_github(403, {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", std::to_string(now + 120)}},
                     R"({"message":"API rate limit exceeded"})", now, 0, false);
    CHECK(primary.what == kind::wait);
    CHECK(primary.after == std::chrono::seconds{121});
    auto unnamed =
        judge_github(403, {}, R"({"message":"You have exceeded a secondary rate limit."})", now, 2, false);
    CHECK(unnamed.what == kind::wait);
    CHECK(unnamed.after >= std::chrono::seconds{60});  // "wait at least one minute", then longer
    CHECK(judge_github(429, {}, "", now, 0, false).what == kind::wait);
    CHECK(judge_github(0, {}, "", now, 0, false).what == kind::unknown);
    CHECK(judge_github(502, {}, "", now, 0, false).what == kind::unknown);
    auto revoked = judge_github(401, {}, R"({"message":"Bad credentials"})", now, 0, false);
    CHECK(revoked.what == kind::needs_human);
    CHECK(revoked.problem.find("GITHUB_TOKEN") != std::string::npos);
    CHECK(revoked.problem.find("Bad credentials") != std::string::npos);
    CHECK(judge_github(403, {}, R"({"message":"Resource not accessible by personal access token"})", now, 0,
                       false)
              .problem.find("Issues: read and write") != std::string::npos);
    CHECK(judge_github(422, {}, R"({"message":"Validation Failed"})", now, 0, false).what ==
          kind::needs_human);
    CHECK(judge_github(404, {}, "", now, 0, true).what == kind::issue_not_found);
    CHECK(judge_github(404, {}, "", now, 0, false).what == kind::needs_human);
    CHECK(github_quota_pause({{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", std::to_string(now + 9)}},
                             now) == std::chrono::seconds{10});
    CHECK(github_quota_pause({{"x-ratelimit-remaining", "12"}}, now) == std::chrono::seconds{0});
}

TEST_CASE("X-Hub-Signature-256 is checked against GitHub's documented test vector") {
    const std::string good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    CHECK(hub_signature_valid("It's a Secret to Everybody", "Hello, World!", good));
    CHECK_FALSE(hub_signature_valid("It's a Secret to Everybody", "Hello, World?", good));
    CHECK_FALSE(hub_signature_valid("another secret", "Hello, World!", good));
    CHECK_FALSE(
        hub_signature_valid("It's a Secret to Everybody", "Hello, World!", good.substr(7)));  // no prefix
    CHECK_FALSE(hub_signature_valid("", "Hello, World!", good));
}

TEST_CASE("webhook payloads from @octokit/webhooks-examples become issue changes") {
    const std::string repo = "Codertocat/Hello-World";
    auto now = at("2026-03-02T10:00:00Z");
    auto assigned =
        read_github_webhook(delivery_of("issues", fixture("webhooks/issues.assigned.json")), repo, now);
    REQUIRE(assigned);
    REQUIRE(assigned->issues.size() == 1);
    CHECK(assigned->issues[0].issue == "1");
    CHECK(assigned->issues[0].assignee_known);
    CHECK(assigned->issues[0].assignee == "Codertocat");
    CHECK(assigned->issues[0].state.empty());

    auto reopened =
        read_github_webhook(delivery_of("issues", fixture("webhooks/issues.reopened.json")), repo, now);
    REQUIRE(reopened->issues.size() == 1);
    CHECK(reopened->issues[0].state == "open");
    CHECK(reopened->issues[0].actor == "Codertocat");

    auto closed = fixture("webhooks/issues.reopened.json");
    closed["action"] = "closed";
    closed["issue"]["state"] = "closed";
    closed["issue"]["state_reason"] = "not_planned";
    auto wontdo = read_github_webhook(delivery_of("issues", closed), repo, now);
    REQUIRE(wontdo->issues.size() == 1);
    CHECK(wontdo->issues[0].state == "wontdo");
    CHECK(wontdo->issues[0].reason == "not planned");

    auto deleted =
        read_github_webhook(delivery_of("issues", fixture("webhooks/issues.deleted.json")), repo, now);
    CHECK(deleted->issues.at(0).state == "deleted");
    auto opened =
        read_github_webhook(delivery_of("issues", fixture("webhooks/issues.opened.json")), repo, now);
    CHECK(opened->issues.empty());
    CHECK(opened->ignored == "issues opened");
    auto elsewhere = read_github_webhook(delivery_of("issues", fixture("webhooks/issues.reopened.json")),
                                         "acme/other", now);
    CHECK(elsewhere->issues.empty());
    CHECK(read_github_webhook(delivery_of("ping", fixture("webhooks/ping.json")), repo, now)->ignored ==
          "ping");
    CHECK_FALSE(read_github_webhook({"issues", "d-1", "not json"}, repo, now));
    json broken = fixture("webhooks/issues.reopened.json");
    broken["issue"] = "a string";
    CHECK_FALSE(read_github_webhook(delivery_of("issues", broken), repo, now));
}

TEST_CASE("a merged pull request and a finished deployment become mentions; an unmerged close does not") {
    const std::string repo = "Codertocat/Hello-World";
    auto now = at("2026-03-02T10:00:00Z");
    auto pull = fixture("webhooks/pull_request.closed.json");
    CHECK(read_github_webhook(delivery_of("pull_request", pull), repo, now)->mentions.empty());
    pull["pull_request"]["merged"] = true;
    pull["pull_request"]["merged_at"] = "2026-03-02T09:30:00Z";
    pull["pull_request"]["title"] = "Fix the pool size for INC-7";
    auto merged = read_github_webhook(delivery_of("pull_request", pull), repo, now);
    REQUIRE(merged->mentions.size() == 1);
    CHECK(merged->mentions[0].what.starts_with("Pull request Codertocat/Hello-World#2 merged: Fix the pool"));
    CHECK(merged->mentions[0].at == at("2026-03-02T09:30:00Z"));
    CHECK(domain::find_mentions(merged->mentions[0].text).incidents == std::vector<int>{7});

    auto deployment = fixture("webhooks/deployment_status.created.json");
    deployment["deployment"]["description"] = "Rollback for A-12";
    auto deployed = read_github_webhook(delivery_of("deployment_status", deployment), repo, now);
    REQUIRE(deployed->mentions.size() == 1);
    CHECK(deployed->mentions[0].what == "Deployment to production: success — Rollback for A-12");
    CHECK(domain::find_mentions(deployed->mentions[0].text).actions == std::vector<int>{12});
    deployment["deployment_status"]["state"] = "pending";
    CHECK(read_github_webhook(delivery_of("deployment_status", deployment), repo, now)->mentions.empty());
}

TEST_CASE("issue URLs, markers and mentions") {
    CHECK(domain::issue_reference("https://github.com/acme/reliability/issues/12") == "acme/reliability#12");
    CHECK(domain::issue_reference("https://github.com/acme/api/pull/9") == "acme/api#9");
    CHECK(domain::issue_reference("https://example.com/x") == "https://example.com/x");
    auto address = domain::parse_issue_url("https://github.com/acme/reliability/issues/12#issuecomment-1");
    REQUIRE(address);
    CHECK(address->repo == "acme/reliability");
    CHECK(address->number == "12");
    CHECK_FALSE(domain::parse_issue_url("http://github.com/acme/reliability/issues/12"));
    CHECK_FALSE(domain::parse_issue_url("https://github.com/acme/reliability/pull/12"));
    CHECK_FALSE(domain::parse_issue_url("https://github.com/acme/reliability/issues/12/x"));
    CHECK(domain::tracker_marker("T1", 3) == domain::tracker_marker("T1", 3));
    CHECK(domain::tracker_marker("T1", 3) != domain::tracker_marker("T1", 4));
    CHECK(domain::tracker_marker("T1", 3) != domain::tracker_marker("T2", 3));
    CHECK(domain::tracker_marker("T1", 3).size() == 16);
    auto found = domain::find_mentions("Fixes INC-7 and A-12, A-12 again; not XINC-8, A-9b, INC-, or A-0");
    CHECK(found.incidents == std::vector<int>{7});
    CHECK(found.actions == std::vector<int>{12});
}
