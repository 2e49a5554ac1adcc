// End to end: the real `hindsight run` binary with a Jira tracker (SPEC §10), against the in-process fake
// Jira (shapes from tests/fixtures/jira) and the fake Mattermost for chat. Jira Cloud: an action's issue
// created exactly once across a kill -9 between the create and its record (found by its marker label once
// the search index caught up) and across a lost reply; `done` / `reopen` in chat moving the issue through
// its workflow by status category (a 429 with Retry-After waited out); a signed webhook closing an action as
// won't do with Jira's resolution, its retry deduplicated by X-Atlassian-Webhook-Identifier, a bad signature
// refused and counted, the bot's own transition not announced again; a due date Jira's screens refuse said
// once; reconciliation after downtime. Jira Data Center: the same create and close over REST v2.
// Usage: e2e_jira path/to/hindsight
#include <boost/asio.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bot/common/signing.hpp"
#include "support/fake_jira.hpp"
#include "support/tracker_e2e.hpp"

namespace asio = boost::asio;
using namespace std::chrono;
namespace testing = hindsight::testing;
using nlohmann::json;
using testing::fake_jira;
using testing::fake_mattermost;

namespace {

testing::checklist check;

constexpr const char* webhook_secret = "jira-secret";
constexpr const char* alice_account = "5b10ac8d82e05b22cc7d4ef5";

struct harness : testing::tracker_harness {
    fake_jira& jira;
    std::string late_echo = {};  // the webhook of hindsight's own `done A-1`, delivered after a newer reopen

    std::string webhook(const std::string& identifier, const std::string& body,
                        const std::string& signature) {
        return post_json("/trackers/jira",
                         "X-Atlassian-Webhook-Identifier: " + identifier + "\r\nX-Hub-Signature: " +
                             signature + "\r\nX-Atlassian-Webhook-Flow: Primary\r\n",
                         body);
    }
    std::string signed_webhook(const std::string& identifier, const std::string& body) {
        return webhook(identifier, body,
                       "sha256=" + hindsight::common::hmac_sha256_hex(webhook_secret, body));
    }
    std::int64_t links(const std::string& where) {
        return count("SELECT COUNT(*) FROM tracker_links WHERE tracker = 'jira' AND " + where);
    }
    std::string status_of(const std::string& id) {
        auto s = jira.snapshot();
        return s.issues.count(id) ? s.issues.at(id).status + "/" + s.issues.at(id).resolution : std::string();
    }
};

void write_config(const harness& h, const std::string& flavor, const std::string& jira_url) {
    std::ofstream config(h.config_path);
    config << "log_level = \"" << (std::getenv("E2E_LOG") ? std::getenv("E2E_LOG") : "warn")
           << "\"\n[storage]\npath = \"" << h.db_path << "\"\n[http]\nlisten = \"127.0.0.1:" << h.port
           << "\"\n[mattermost]\npacing = false\n[trackers.jira]\nurl = \"" << jira_url << "\"\nflavor = \""
           << flavor << "\"\nproject = \"" << fake_jira::project
           << "\"\n[[trackers.routes]]\ntracker = \"jira\"\n"
           << "[trackers.users]\n\"" << h.alice << "\" = { jira = \""
           << (flavor == "cloud" ? alice_account : "alice") << "\" }\n";
}

void create_once(harness& h) {
    testing::on_io(h.io, [&] {
        h.jira.hold_creates = 1;
        h.jira.search_lag_ms = 3000;  // a new issue shows in JQL only after three seconds
        return 0;
    });
    check(h.slash("action Add a pool size alert due +1w #detection").starts_with("HTTP/1.1 200"),
          "`action` was accepted");
    bool sent = testing::wait_until([&] { return h.jira.snapshot().creates == 1; }, seconds{20});
    kill(h.bot, SIGKILL);
    testing::wait_for_bot(h.bot);
    check(sent && h.links("state = 'creating'") == 1,
          "the create was sent and recorded as in flight, and the bot was killed before its answer");
    h.start();
    bool linked = testing::wait_until([&] { return h.links("state = 'linked' AND issue = '10000'") == 1; },
                                      seconds{40});
    auto state = h.jira.snapshot();
    check(linked && state.creates == 1 && state.issues.size() == 1,
          "after the kill -9 the issue was found by its marker label and adopted: exactly one issue");
    check(state.searches >= 1, "it was looked up by JQL (POST /rest/api/3/search/jql), after the index lag");
    if (state.issues.empty()) return h.print_chat();
    auto issue = state.issues.begin()->second;
    check(issue.labels.size() == 2 && issue.labels[0] == "hindsight" &&
              issue.labels[1].starts_with("hindsight-") && issue.assignee == alice_account &&
              !issue.due.empty(),
          "the issue carries the label, the marker label, the mapped accountId and the due date");
    check(issue.summary.find("[INC-1 A-1]") != std::string::npos &&
              json::parse(issue.description).value("type", "") == "doc",
          "its summary names the incident and the action; its description is an ADF document");
    testing::wait_until([&] { return h.posts_saying("A-1 is tracked in OPS-1: ") == 1; }, seconds{10});
    check(h.posts_saying("A-1 is tracked in OPS-1: ") == 1, "the channel was told once where A-1 is tracked");

    testing::on_io(h.io, [&] {
        h.jira.fail_create_replies = 1;
        h.jira.search_lag_ms = 0;
        return 0;
    });
    h.slash("action Write the failover runbook #playbook");
    linked = testing::wait_until([&] { return h.links("state = 'linked'") == 2; }, seconds{40});
    check(linked && h.jira.snapshot().creates == 2,
          "a create answered 502 after it made the issue was found, not made twice");
}

void both_ways(harness& h) {
    h.slash("done A-1 shipped");
    bool closed = testing::wait_until([&] { return h.status_of("10000") == "Done/Done"; }, seconds{20});
    check(closed,
          "`done A-1` moved its issue to Done (the transition to the done category) with resolution Done");
    h.late_echo = h.jira.webhook_body("10000", {"status", "resolution"}, fake_jira::account);
    auto before = h.posts_saying("its issue");
    check(h.signed_webhook("echo-1", h.jira.webhook_body("10000", {"status", "resolution"}))
              .starts_with("HTTP/1.1 202"),
          "the webhook of hindsight's own transition was accepted");

    testing::on_io(h.io, [&] {
        h.jira.set_status("10001", "Done", "Won't Do");
        return 0;
    });
    auto body = h.jira.webhook_body("10001", {"status", "resolution"});
    check(h.signed_webhook("delivery-1", body).starts_with("HTTP/1.1 202"),
          "a signed webhook is accepted (202)");
    bool wontdo = testing::wait_until([&] { return h.action_status(2) == "wontdo"; }, seconds{20});
    check(wontdo && h.action_field(2, "resolution") == "Won't Do",
          "resolving A-2's issue as Won't Do closed A-2 as won't do, with the resolution as the reason");
    testing::wait_until([&] { return h.posts_saying("A-2 won't be done") >= 1; }, seconds{10});
    check(h.posts_saying("A-2 won't be done") == 1, "and the incident channel was told");
    check(h.signed_webhook("delivery-1", body).starts_with("HTTP/1.1 202"), "Jira's retry is answered 202");
    std::this_thread::sleep_for(milliseconds{500});
    check(h.posts_saying("A-2 won't be done") == 1 &&
              h.count("SELECT COUNT(*) FROM inbox WHERE dedup_key LIKE 'jira:delivery-1%'") == 1,
          "the retry was recognised by its X-Atlassian-Webhook-Identifier and not handled twice");
    check(h.posts_saying("A-1 done: its issue") == 0 && h.posts_saying("its issue") == before + 1,
          "hindsight's own transition coming back was not announced");
    check(h.webhook("delivery-2", body, "sha256=" + std::string(64, '0')).starts_with("HTTP/1.1 401"),
          "a bad signature is refused with 401");
    check(h.metrics().find(
              "hindsight_tracker_webhooks_total{tracker=\"jira\",outcome=\"refused\",status=\"401\"} 1") !=
              std::string::npos,
          "and counted in /metrics");
}

void limits_and_problems(harness& h) {
    testing::on_io(h.io, [&] {
        h.jira.transition_answers = {{429,
                                      {{"Retry-After", "1"}, {"RateLimit-Reason", "jira-burst-based"}},
                                      R"({"errorMessages":["Rate limit exceeded."],"errors":{}})"}};
        return 0;
    });
    auto transitions = h.jira.snapshot().transitions;
    h.slash("reopen A-1");
    bool reopened = testing::wait_until([&] { return h.status_of("10000") == "To Do/"; }, seconds{30});
    check(reopened && h.jira.snapshot().transitions == transitions + 2,
          "`reopen A-1` reached its issue after a 429 with Retry-After was waited out");
    testing::wait_until(  // the reopen is recorded as what the issue says before the late retry comes
        [&] {
            return h.links(
                       "remote_status = 'open' AND synced_seq = change_seq AND action_id = "
                       "(SELECT id FROM actions WHERE number = 1)") == 1;
        },
        seconds{10});
    check(h.signed_webhook("late-echo", h.late_echo).starts_with("HTTP/1.1 202"),
          "Jira's late retry of hindsight's own `done` transition was accepted");
    std::this_thread::sleep_for(milliseconds{800});
    check(h.action_status(1) == "open" && h.posts_saying("A-1 done: its issue") == 0,
          "and did not close A-1 again: hindsight's own change is recognised by its account, however late");

    testing::on_io(h.io, [&] { return h.jira.due_on_screens = false; });
    h.slash("due A-1 +2w");
    bool said = testing::wait_until([&] { return h.posts_saying("duedate") == 1; }, seconds{20});
    bool synced = testing::wait_until([&] { return h.links("synced_seq = change_seq") == 2; }, seconds{20});
    check(said && synced,
          "a due date Jira's screens refuse was said once in the channel, and the rest went through");
    check(h.metrics().find("hindsight_tracker_problems_total{tracker=\"jira\"}") != std::string::npos,
          "and counted in /metrics");

    h.slash("wontdo A-1 not worth it after the redesign");
    bool wontdo = testing::wait_until([&] { return h.status_of("10000") == "Done/Won't Do"; }, seconds{20});
    std::this_thread::sleep_for(milliseconds{500});
    check(wontdo && h.action_status(1) == "wontdo" && h.posts_saying("A-1 done: its issue") == 0,
          "`wontdo A-1` resolved its issue as Won't Do (a resolution its Done screen offers); A-1 stays "
          "won't do");
    h.slash("reopen A-1");
    testing::wait_until([&] { return h.status_of("10000") == "To Do/"; }, seconds{20});
    testing::on_io(h.io, [&] { return h.jira.resolution_on_done_screen = false; });
    h.slash("wontdo A-1 still not worth it");
    bool refused =
        testing::wait_until([&] { return h.posts_saying("has no Resolution field") == 1; }, seconds{20});
    check(refused && h.status_of("10000") == "To Do/",
          "on a workflow whose Done screen has no Resolution, `wontdo` is said once as a problem instead of "
          "closing the issue as done");
    testing::on_io(h.io, [&] { return h.jira.resolution_on_done_screen = true; });
}

void reconcile(harness& h) {
    check(h.stop() == 0, "the bot stopped cleanly");
    testing::on_io(h.io, [&] {
        h.jira.set_status("10000", "Done", "Done");  // resolved in Jira while the bot was down: no webhook
        return 0;
    });
    h.start();
    bool done = testing::wait_until([&] { return h.action_status(1) == "done"; }, seconds{20});
    check(done, "after downtime the bot read the open linked issues back and A-1 follows its resolved issue");
    testing::wait_until([&] { return h.posts_saying("A-1 done: its issue OPS-1 was closed on Jira") == 1; },
                        seconds{10});
    check(h.posts_saying("A-1 done: its issue OPS-1 was closed on Jira") == 1, "and the channel was told");
    check(h.stop() == 0, "the bot stopped cleanly again");
}

// Jira Data Center: REST v2, a personal access token, wiki markup, users by name.
void data_center(const std::string& binary, const std::filesystem::path& dir) {
    asio::io_context io;
    fake_mattermost chat(io);
    chat.add_channel(testing::tracker_harness::channel, "O");
    fake_jira jira(io, false);
    testing::io_runner runner(io);
    harness h{
        {binary, (dir / "dc.db").string(), (dir / "dc.toml").string(), {}, testing::free_port(), io, chat},
        jira};
    write_config(h, "datacenter", jira.url());
    h.environment = {{"MATTERMOST_URL", chat.url()},
                     {"MATTERMOST_TOKEN", fake_mattermost::token},
                     {"MATTERMOST_COMMAND_TOKEN", "cmd-token"},
                     {"JIRA_PAT", fake_jira::pat},
                     {"JIRA_WEBHOOK_SECRET", webhook_secret}};
    h.start();
    h.slash("start Checkout is down");
    h.slash("action Add a [~everyone] pool size alert due +1w #detection");
    bool linked = testing::wait_until([&] { return h.links("state = 'linked'") == 1; }, seconds{20});
    auto state = jira.snapshot();
    bool wiki =
        !state.issues.empty() && json::parse(state.issues.begin()->second.description).is_string() &&
        json::parse(state.issues.begin()->second.description).get<std::string>().find("\\[\\~everyone\\]") !=
            std::string::npos;
    check(linked && state.creates == 1 && wiki && state.issues.begin()->second.assignee == "alice",
          "Data Center: the issue was created over REST v2 with a PAT, a wiki-markup description (user text "
          "escaped) and the user by name");
    h.slash("done A-1");
    check(testing::wait_until([&] { return h.status_of("10000") == "Done/Done"; }, seconds{20}),
          "Data Center: `done A-1` resolved it");
    check(h.stop() == 0, "Data Center: the bot stopped cleanly");
    testing::on_io(io, [&] {
        jira.stop();
        chat.stop();
        return 0;
    });
    runner.stop();
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IONBF, 0);  // the checklist shows as it goes, even when a step hangs
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s path/to/hindsight\n", argv[0]);
        return 2;
    }
    auto dir = std::filesystem::temp_directory_path() / ("hindsight-jira-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        asio::io_context io;
        fake_mattermost chat(io);
        chat.add_channel(testing::tracker_harness::channel, "O");
        fake_jira jira(io, true);
        testing::io_runner runner(io);
        harness h{{argv[1],
                   (dir / "jira.db").string(),
                   (dir / "jira.toml").string(),
                   {},
                   testing::free_port(),
                   io,
                   chat},
                  jira};
        write_config(h, "cloud", jira.url());
        h.environment = {{"MATTERMOST_URL", chat.url()},
                         {"MATTERMOST_TOKEN", fake_mattermost::token},
                         {"MATTERMOST_COMMAND_TOKEN", "cmd-token"},
                         {"JIRA_EMAIL", fake_jira::email},
                         {"JIRA_API_TOKEN", fake_jira::api_token},
                         {"JIRA_WEBHOOK_SECRET", webhook_secret}};
        h.start();
        check(h.slash("start Checkout is down").starts_with("HTTP/1.1 200"), "the incident was declared");
        testing::wait_until([&] { return chat.snapshot().posts_created >= 1; }, seconds{20});
        create_once(h);
        both_ways(h);
        limits_and_problems(h);
        reconcile(h);
        auto calls = jira.snapshot().calls;
        check(std::none_of(calls.begin(), calls.end(),
                           [](const testing::jira_call& c) {
                               return c.target.find("/rest/api/3/search?") != std::string::npos ||
                                      c.target.ends_with("/rest/api/3/search");
                           }),
              "the removed /rest/api/3/search was never called");
        testing::on_io(io, [&] {
            jira.stop();
            chat.stop();
            return 0;
        });
        runner.stop();
    }
    data_center(argv[1], dir);
    std::filesystem::remove_all(dir);
    std::printf("%s\n", check.failures ? "FAILED" : "passed");
    return check.failures ? 1 : 0;
}
