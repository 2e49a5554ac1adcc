#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bot/alerts/verify.hpp"
#include "bot/trackers/jira.hpp"
#include "domain/tracker_text.hpp"

using namespace hindsight;
using namespace hindsight::trackers;
using nlohmann::json;
using kind = tracker_verdict::kind;

namespace {

json fixture(const std::string& name) {
    std::ifstream in(std::string(HINDSIGHT_SOURCE_DIR) + "/tests/fixtures/jira/" + name);
    REQUIRE(in);
    return json::parse(in);
}

config::jira_tracker_settings cloud() {
    config::jira_tracker_settings jira;
    jira.url = "https://acme.atlassian.net/";
    jira.project = "OPS";
    return jira;
}

json transition(const std::string& id, const std::string& to, const std::string& category,
                std::vector<std::string> resolutions = {}) {
    json t{{"id", id},
           {"name", "Move to " + to},
           {"to", {{"name", to}, {"statusCategory", {{"key", category}}}}}};
    if (!resolutions.empty()) {
        json allowed = json::array();
        for (const auto& name : resolutions) allowed.push_back({{"name", name}});
        t["fields"] = {{"resolution", {{"required", true}, {"allowedValues", allowed}}}};
    }
    return t;
}

}  // namespace

TEST_CASE("Jira's documented issue, create and search answers are read") {
    auto issue = read_jira_issue(fixture("issue.json").dump());
    REQUIRE(issue);
    CHECK(issue->id == "10002");
    CHECK(issue->key == "ED-1");
    CHECK(issue->status_category == "new");
    CHECK(issue->assignee == "5b10a2844c20165700ede21g");
    CHECK(jira_action_state(cloud(), *issue) == "open");
    auto created = read_jira_created(fixture("created.json").dump());
    REQUIRE(created);
    CHECK(created->key == "ED-24");
    auto empty = read_jira_search(fixture("search_jql.json").dump());
    REQUIRE(empty);
    CHECK(empty->empty());
    CHECK_FALSE(read_jira_issue("[]"));
    CHECK_FALSE(read_jira_search(R"({"total": 3})"));
}

TEST_CASE("Jira: a done-category status is done, or won't do by its resolution") {
    jira_issue issue;
    issue.status_category = "done";
    issue.resolution = "Done";
    CHECK(jira_action_state(cloud(), issue) == "done");
    issue.resolution = "won't fix";  // compared without case
    CHECK(jira_action_state(cloud(), issue) == "wontdo");
    issue.status_category = "indeterminate";
    CHECK(jira_action_state(cloud(), issue) == "open");
}

TEST_CASE("Jira: the transition is chosen by the target's status category, with a resolution it offers") {
    auto jira = cloud();
    json offered{{"transitions", json::array({transition("21", "In Progress", "indeterminate"),
                                              transition("31", "Done", "done", {"Done", "Won't Do"}),
                                              transition("11", "To Do", "new")})}};
    auto done = choose_jira_transition(jira, offered.dump(), "done");
    REQUIRE(done);
    CHECK(done->id == "31");
    CHECK(done->resolution == "Done");
    auto wontdo = choose_jira_transition(jira, offered.dump(), "wontdo");
    REQUIRE(wontdo);
    CHECK(wontdo->resolution == "Won't Do");
    CHECK(json::parse(jira_transition_json(*wontdo)) ==
          json::parse(R"({"transition":{"id":"31"},"fields":{"resolution":{"name":"Won't Do"}}})"));
    auto open = choose_jira_transition(jira, offered.dump(), "open");
    REQUIRE(open);
    CHECK(open->id == "11");  // "new" before "indeterminate"
    CHECK(open->resolution.empty());

    json only_done{{"transitions", json::array({transition("5", "Closed", "done", {"Fixed"})})}};
    auto refused = choose_jira_transition(jira, only_done.dump(), "wontdo");
    REQUIRE_FALSE(refused);
    CHECK(refused.failure().message.find("wontdo_resolutions") != std::string::npos);
    auto stuck = choose_jira_transition(jira, only_done.dump(), "open");
    REQUIRE_FALSE(stuck);
    CHECK(stuck.failure().message.find("it offers: Move to Closed") != std::string::npos);
    // Won't do needs a resolution: a done transition without that field is passed over, and none is refused.
    json two_done{{"transitions", json::array({transition("7", "Closed", "done"),
                                               transition("8", "Rejected", "done", {"Won't Do"})})}};
    CHECK(choose_jira_transition(jira, two_done.dump(), "wontdo")->id == "8");
    CHECK(choose_jira_transition(jira, two_done.dump(), "done")->id == "7");
    json bare{{"transitions", json::array({transition("7", "Closed", "done")})}};
    auto no_field = choose_jira_transition(jira, bare.dump(), "wontdo");
    REQUIRE_FALSE(no_field);
    CHECK(no_field.failure().message.find("no Resolution field") != std::string::npos);
    // Atlassian's own example: "Close Issue" to a done status, resolution Done on its screen.
    auto example = choose_jira_transition(jira, fixture("transitions.json").dump(), "done");
    REQUIRE(example);
    CHECK(example->id == "2");
    CHECK(example->resolution == "Done");
}

TEST_CASE("Jira: Cloud sends ADF and accountIds, Data Center wiki markup (escaped) and names") {
    domain::incident inc;
    inc.number = 7;
    inc.title = "Checkout down";
    domain::action_item a;
    a.number = 3;
    a.text = "Alert on [~everyone] {code}\nsecond line";
    a.due = std::chrono::year{2026} / 12 / 10;
    jira_facts facts{a, inc, "Alice", "5b10", "abc123"};
    auto issue = jira_issue_for(cloud(), facts);
    CHECK(issue.summary.find('\n') == std::string::npos);
    CHECK(issue.summary.ends_with("[INC-7 A-3]"));
    CHECK(issue.labels == std::vector<std::string>{"hindsight", "hindsight-abc123"});
    auto created = json::parse(jira_create_json(cloud(), issue, true));
    CHECK(created["fields"]["project"]["key"] == "OPS");
    CHECK(created["fields"]["issuetype"]["name"] == "Task");
    CHECK(created["fields"]["description"]["type"] == "doc");
    CHECK(created["fields"]["assignee"]["accountId"] == "5b10");
    CHECK(created["fields"]["duedate"] == "2026-12-10");
    CHECK_FALSE(json::parse(jira_create_json(cloud(), issue, false))["fields"].contains("duedate"));
    CHECK(json::parse(jira_update_json(cloud(), issue, false, true))["fields"].size() == 1);  // assignee only

    auto dc = cloud();
    dc.cloud = false;
    auto wiki = jira_issue_for(dc, facts);
    auto text = json::parse(wiki.description).get<std::string>();
    CHECK(text.find("\\[\\~everyone\\] \\{code\\}") != std::string::npos);
    CHECK(json::parse(jira_create_json(dc, wiki, true))["fields"]["assignee"]["name"] == "5b10");
    a.text = std::string(40000, '[');  // escaping doubles it: still within Jira's limit, no half escape
    auto long_text = json::parse(jira_issue_for(dc, facts).description).get<std::string>();
    CHECK(long_text.size() < 32767);
    bool every_bracket_escaped = true;
    for (std::size_t i = 0; i < long_text.size(); ++i)
        if (long_text[i] == '[' && (i == 0 || long_text[i - 1] != '\\')) every_bracket_escaped = false;
    CHECK(every_bracket_escaped);
    CHECK(long_text.find("\\[\\[") != std::string::npos);
    CHECK(jira_api(dc) == "rest/api/2/");
    config::secrets dc_secrets;
    dc_secrets.jira_pat = "pat-1";
    auto headers = jira_headers(dc, dc_secrets);
    CHECK(header_value(headers, "authorization") == "Bearer pat-1");
    config::secrets cloud_secrets;
    cloud_secrets.jira_email = "bot@acme.example";
    cloud_secrets.jira_api_token = "tok";
    CHECK(header_value(jira_headers(cloud(), cloud_secrets), "authorization") ==
          "Basic " + alerts::base64_encode("bot@acme.example:tok"));
    CHECK(header_value(jira_headers(cloud(), cloud_secrets), "accept-language") == "en");
    auto lookup = json::parse(jira_lookup_json(cloud(), "abc123"));
    CHECK(lookup["jql"] == "project = \"OPS\" AND labels = \"hindsight-abc123\" ORDER BY created DESC");
}

TEST_CASE("Jira: answers judged — Retry-After and X-RateLimit-Reset, credentials, fields, a gone issue") {
    auto jira = cloud();
    CHECK(judge_jira(jira, 204, {}, "", 0, 0, true).what == kind::ok);
    auto limited = judge_jira(jira, 429, {{"Retry-After", "7"}}, "", 0, 0, false);
    CHECK(limited.what == kind::wait);
    CHECK(limited.after == std::chrono::seconds{7});
    auto reset_at = *domain::parse_iso("2026-12-02T10:05:00Z");
    auto now = std::chrono::duration_cast<std::chrono::seconds>(reset_at.time_since_epoch()).count() - 120;
    auto by_reset = judge_jira(jira, 429, {{"X-RateLimit-Reset", "2026-12-02T10:05Z"}}, "", now, 0, false);
    CHECK(by_reset.after == std::chrono::seconds{121});
    CHECK(judge_jira(jira, 503, {{"Retry-After", "3"}}, "", 0, 0, false).what == kind::unknown);
    CHECK(judge_jira(jira, 0, {}, "", 0, 0, false).what == kind::unknown);
    auto token = judge_jira(jira, 401, {}, "", 0, 0, false);
    CHECK(token.what == kind::needs_human);
    CHECK(token.problem.find("JIRA_API_TOKEN") != std::string::npos);
    auto field = judge_jira(jira, 400, {}, fixture("error_field.json").dump(), 0, 0, false);
    CHECK(field.what == kind::needs_human);
    CHECK(field.problem.find("customfield_10000: Field 'customfield_10000' is required.") !=
          std::string::npos);
    CHECK(judge_jira(jira, 404, {}, "", 0, 0, true).what == kind::issue_not_found);
    CHECK(judge_jira(jira, 404, {}, "", 0, 0, false).what == kind::needs_human);
    CHECK(jira_refused_only_due(400, R"({"errorMessages":[],"errors":{"duedate":"not on the screen"}})"));
    CHECK_FALSE(jira_refused_only_due(400, fixture("error_field.json").dump()));
}

TEST_CASE("Jira webhooks: status and assignee only when the changelog names them; deleted; ignored") {
    auto jira = cloud();
    auto payload = fixture("webhook_issue_updated.json");
    auto now = *domain::parse_iso("2026-12-02T10:00:00Z");
    auto read = read_jira_webhook(jira, payload.dump(), now);
    REQUIRE(read);
    REQUIRE(read->issues.size() == 1);
    const auto& change = read->issues[0].change;
    CHECK(change.issue == "10042");
    CHECK(read->issues[0].key == "OPS-123");
    CHECK(change.url == "https://acme.atlassian.net/browse/OPS-123");
    CHECK(change.state == "done");
    CHECK_FALSE(change.assignee_known);  // the changelog names only the status
    CHECK(change.actor == "Alice");

    payload["changelog"]["items"] = json::array({{{"field", "assignee"}, {"fieldId", "assignee"}}});
    read = read_jira_webhook(jira, payload.dump(), now);
    REQUIRE(read);
    CHECK(read->issues.at(0).change.state.empty());
    CHECK(read->issues.at(0).change.assignee == "5b10ac8d82e05b22cc7d4ef5");

    payload["changelog"]["items"] = json::array({{{"field", "summary"}, {"fieldId", "summary"}}});
    read = read_jira_webhook(jira, payload.dump(), now);
    REQUIRE(read);
    CHECK(read->issues.empty());

    payload["webhookEvent"] = "jira:issue_deleted";
    read = read_jira_webhook(jira, payload.dump(), now);
    REQUIRE(read);
    CHECK(read->issues.at(0).change.state == "deleted");
    payload["webhookEvent"] = "comment_created";
    CHECK(read_jira_webhook(jira, payload.dump(), now)->ignored == "comment_created");
    CHECK_FALSE(read_jira_webhook(jira, "not json", now));
    CHECK_FALSE(read_jira_webhook(jira, "{}", now));
}

TEST_CASE("Jira's X-Hub-Signature: the self-made vector from the protocol notes") {
    std::string body = R"({"webhookEvent":"jira:issue_updated"})";
    CHECK(hub_signature_valid("jira-secret", body,
                              "sha256=045e45e7959be812b3226f85f3b07435f040af653499798f9dab77936c8a1c9a"));
    CHECK_FALSE(
        hub_signature_valid("jira-secret", body + " ",
                            "sha256=045e45e7959be812b3226f85f3b07435f040af653499798f9dab77936c8a1c9a"));
}

TEST_CASE("Jira issue pages: the key, and only that shape") {
    CHECK(domain::parse_jira_url("https://acme.atlassian.net/browse/OPS-123") == "OPS-123");
    CHECK(domain::parse_jira_url("http://jira.corp/jira/browse/OPS_2-7?focusedCommentId=1") == "OPS_2-7");
    CHECK_FALSE(domain::parse_jira_url("https://acme.atlassian.net/browse/ops-1"));
    CHECK_FALSE(domain::parse_jira_url("https://acme.atlassian.net/browse/OPS-"));
    CHECK_FALSE(domain::parse_jira_url("ftp://acme/browse/OPS-1"));
    CHECK(domain::issue_reference("https://acme.atlassian.net/browse/OPS-123") == "OPS-123");
}
