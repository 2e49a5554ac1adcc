// End to end: the real `hindsight run` binary with a GitHub tracker (SPEC §10), against the in-process fake
// GitHub (issue objects from GitHub's OpenAPI examples) and the fake Mattermost for chat. Shows: an action's
// issue created exactly once across a kill -9 between the create and its record, and across a lost reply;
// `done` / `reopen` in chat closing and reopening the issue through a secondary rate limit and a 429; a
// signed webhook (from @octokit/webhooks-examples payloads) closing an action, its redelivery ignored, a bad
// signature refused with 401 and counted, the bot's own change not announced again; reconciliation after
// downtime; a merged pull request naming the incident on its timeline.
// Usage: e2e_github path/to/hindsight
#include <boost/asio.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bot/common/signing.hpp"
#include "support/fake_github.hpp"
#include "support/tracker_e2e.hpp"

namespace asio = boost::asio;
using namespace std::chrono;
namespace testing = hindsight::testing;
using nlohmann::json;
using testing::fake_github;
using testing::fake_mattermost;

namespace {

testing::checklist check;

constexpr const char* channel = testing::tracker_harness::channel;
constexpr const char* alice = testing::tracker_harness::alice;
constexpr const char* webhook_secret = "It's a Secret to Everybody";

json fixture(const std::string& name) {
    std::ifstream in(std::string(HINDSIGHT_SOURCE_DIR) + "/tests/fixtures/github/webhooks/" + name + ".json");
    return json::parse(in);
}

struct harness : testing::tracker_harness {
    fake_github& github;

    std::string webhook(const std::string& event, const std::string& delivery, const std::string& body,
                        const std::string& signature) {
        return post_json("/trackers/github",
                         "X-GitHub-Event: " + event + "\r\nX-GitHub-Delivery: " + delivery +
                             "\r\nX-Hub-Signature-256: " + signature + "\r\n",
                         body);
    }
    std::string signed_webhook(const std::string& event, const std::string& delivery,
                               const std::string& body) {
        return webhook(event, delivery, body,
                       "sha256=" + hindsight::common::hmac_sha256_hex(webhook_secret, body));
    }
};

// issues.closed is not among @octokit/webhooks-examples: the reopened example with the closed state.
std::string issue_event(const std::string& action, int number, const std::string& state,
                        const std::string& reason, const std::string& sender) {
    auto payload = fixture("issues.reopened");
    payload["action"] = action;
    payload["issue"]["number"] = number;
    payload["issue"]["html_url"] =
        std::string("https://github.com/") + fake_github::repo + "/issues/" + std::to_string(number);
    payload["issue"]["state"] = state;
    payload["issue"]["state_reason"] = reason.empty() ? json(nullptr) : json(reason);
    payload["repository"]["full_name"] = fake_github::repo;
    payload["sender"]["login"] = sender;
    return payload.dump();
}

void create_once(harness& h) {
    testing::on_io(h.io, [&] { return h.github.hold_creates = 1; });
    auto reply = h.slash("action Add a pool size alert due +1w #detection");
    check(reply.starts_with("HTTP/1.1 200"), "`action` was accepted");
    bool sent = testing::wait_until([&] { return h.github.snapshot().creates == 1; }, seconds{20});
    if (!sent)
        std::printf("     actions %lld, links %lld, inbox %lld, handled %lld\n",
                    (long long)h.count("SELECT COUNT(*) FROM actions"),
                    (long long)h.count("SELECT COUNT(*) FROM tracker_links"),
                    (long long)h.count("SELECT COUNT(*) FROM inbox"),
                    (long long)h.count("SELECT handled_up_to FROM inbox_cursor"));
    kill(h.bot, SIGKILL);
    testing::wait_for_bot(h.bot);
    check(sent && h.count("SELECT COUNT(*) FROM tracker_links WHERE state = 'creating'") == 1,
          "the create was sent and recorded as in flight, and the bot was killed before its answer");
    h.start();
    bool linked = testing::wait_until(
        [&] {
            return h.count("SELECT COUNT(*) FROM tracker_links WHERE state = 'linked' AND issue = '1'") == 1;
        },
        seconds{20});
    auto state = h.github.snapshot();
    check(linked && state.creates == 1 && state.issues.size() == 1,
          "after the kill -9 the issue was found by its marker and adopted: exactly one issue");
    check(state.lists >= 1, "it was looked up in the repository's issue list (not search)");
    if (state.issues.empty()) return h.print_chat();
    auto issue = state.issues.begin()->second;
    check(issue.body.find("<!-- hindsight:action=") != std::string::npos &&
              issue.labels == std::vector<std::string>{"hindsight"} &&
              issue.assignees == std::vector<std::string>{"alice-gh"},
          "the issue carries the hidden marker, the label and the mapped assignee");
    check(issue.title.find("[INC-1 A-1]") != std::string::npos,
          "its title names the incident and the action");
    testing::wait_until([&] { return h.posts_saying("A-1 is tracked in acme/reliability#1: ") == 1; },
                        seconds{10});
    check(h.posts_saying("A-1 is tracked in acme/reliability#1: ") == 1,
          "the incident channel was told once where A-1 is tracked");

    testing::on_io(h.io, [&] { return h.github.fail_create_replies = 1; });
    h.slash("action Write the failover runbook #playbook");
    linked = testing::wait_until(
        [&] { return h.count("SELECT COUNT(*) FROM tracker_links WHERE state = 'linked'") == 2; },
        seconds{30});
    check(linked && h.github.snapshot().creates == 2,
          "a create answered 502 after it made the issue was found, not made twice");
}

void both_ways(harness& h) {
    h.slash("done A-1 shipped");
    bool closed = testing::wait_until(
        [&] {
            auto s = h.github.snapshot();
            return s.issues.count(1) && s.issues.at(1).state == "closed" &&
                   s.issues.at(1).state_reason == "completed";
        },
        seconds{20});
    check(closed, "`done A-1` closed its issue as completed");
    auto before = h.posts_saying("its issue");
    auto echo = h.signed_webhook("issues", "delivery-echo",
                                 issue_event("closed", 1, "closed", "completed", fake_github::login));
    check(echo.starts_with("HTTP/1.1 202"), "the webhook of hindsight's own close was accepted");

    auto body = issue_event("closed", 2, "closed", "not_planned", "bob-gh");
    check(h.signed_webhook("issues", "delivery-1", body).starts_with("HTTP/1.1 202"),
          "a signed webhook is accepted (202)");
    bool wontdo = testing::wait_until([&] { return h.action_status(2) == "wontdo"; }, seconds{20});
    check(wontdo, "closing A-2's issue as not planned closed A-2 as won't do");
    testing::wait_until([&] { return h.posts_saying("A-2 won't be done") >= 1; }, seconds{10});
    check(h.posts_saying("A-2 won't be done") == 1, "and the incident channel was told");
    check(h.signed_webhook("issues", "delivery-1", body).starts_with("HTTP/1.1 202"),
          "a redelivery is answered 202");
    std::this_thread::sleep_for(milliseconds{500});
    check(h.posts_saying("A-2 won't be done") == 1 &&
              h.count("SELECT COUNT(*) FROM inbox WHERE dedup_key LIKE 'github:delivery-1%'") == 1,
          "the redelivery was recognised by its X-GitHub-Delivery and not handled twice");
    check(h.posts_saying("A-1 done: its issue") == 0 && h.posts_saying("its issue") == before + 1,
          "hindsight's own close coming back was not announced");
    auto forged = h.webhook("issues", "delivery-2", body, "sha256=" + std::string(64, '0'));
    check(forged.starts_with("HTTP/1.1 401"), "a bad signature is refused with 401");
    check(h.metrics().find(
              "hindsight_tracker_webhooks_total{tracker=\"github\",outcome=\"refused\",status=\"401\"} 1") !=
              std::string::npos,
          "and counted in /metrics");
}

void rate_limits(harness& h) {
    testing::on_io(h.io, [&] {
        h.github.patch_answers = {
            {403,
             {{"Retry-After", "1"}},
             R"({"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."})"},
            {429, {{"Retry-After", "1"}}, R"({"message":"API rate limit exceeded"})"}};
        return 0;
    });
    auto patches = h.github.snapshot().patches;
    h.slash("reopen A-1");
    bool reopened = testing::wait_until(
        [&] {
            auto s = h.github.snapshot();
            return s.issues.at(1).state == "open" && s.issues.at(1).state_reason == "reopened";
        },
        seconds{30});
    check(reopened && h.github.snapshot().patches == patches + 3,
          "`reopen A-1` reached its issue after a secondary rate limit and a 429 were waited out");
    auto reads = h.github.snapshot().calls.size();
    h.slash("track A-2 https://github.com/acme/reliability/issues/2");
    testing::wait_until([&] { return h.posts_saying("A-2 is tracked in acme/reliability#2 (") == 1; },
                        seconds{10});
    bool read_back = testing::wait_until(
        [&] {
            auto calls = h.github.snapshot().calls;
            return std::any_of(calls.begin() + static_cast<long>(reads), calls.end(),
                               [](const testing::github_call& c) {
                                   return c.method == "GET" && c.target.ends_with("/issues/2");
                               });
        },
        seconds{10});
    check(h.posts_saying("A-2 is tracked in acme/reliability#2 (") == 1 && read_back,
          "`track A-2 <url>` links the issue, says so, and reads the issue before pushing anything to it");
}

void reconcile_and_mentions(harness& h) {
    check(h.stop() == 0, "the bot stopped cleanly");
    testing::on_io(h.io, [&] {
        h.github.set_state(1, "closed", "completed");  // closed on GitHub while the bot was down: no webhook
        return 0;
    });
    h.start();
    bool done = testing::wait_until([&] { return h.action_status(1) == "done"; }, seconds{20});
    check(done, "after downtime the bot read the open linked issues back and A-1 follows its closed issue");
    testing::wait_until(
        [&] { return h.posts_saying("A-1 done: its issue acme/reliability#1 was closed") == 1; },
        seconds{10});
    check(h.posts_saying("A-1 done: its issue acme/reliability#1 was closed") == 1,
          "and the channel was told");

    auto pull = fixture("pull_request.closed");
    pull["pull_request"]["merged"] = true;
    pull["pull_request"]["merged_at"] = "2026-03-02T11:00:00Z";
    pull["pull_request"]["title"] = "Raise the pool size back (INC-1)";
    pull["repository"]["full_name"] = fake_github::repo;
    check(h.signed_webhook("pull_request", "delivery-pr", pull.dump()).starts_with("HTTP/1.1 202"),
          "a merged pull request webhook is accepted");
    bool on_timeline = testing::wait_until(
        [&] { return h.count("SELECT COUNT(*) FROM timeline_entries WHERE platform = 'github'") == 1; },
        seconds{10});
    check(on_timeline, "the merged pull request naming INC-1 is on its timeline");
    check(h.stop() == 0, "the bot stopped cleanly again");
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IONBF, 0);  // the checklist shows as it goes, even when a step hangs
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s path/to/hindsight\n", argv[0]);
        return 2;
    }
    auto dir = std::filesystem::temp_directory_path() / ("hindsight-github-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    asio::io_context io;
    fake_mattermost chat(io);
    chat.add_channel(channel, "O");
    fake_github github(io);
    testing::io_runner runner(io);
    harness h{{argv[1],
               (dir / "github.db").string(),
               (dir / "github.toml").string(),
               {},
               testing::free_port(),
               io,
               chat},
              github};
    {
        std::ofstream config(h.config_path);
        config << "log_level = \"" << (std::getenv("E2E_LOG") ? std::getenv("E2E_LOG") : "warn")
               << "\"\n[storage]\npath = \"" << h.db_path << "\"\n[http]\nlisten = \"127.0.0.1:" << h.port
               << "\"\n[mattermost]\npacing = false\n[trackers.github]\nrepo = \"" << fake_github::repo
               << "\"\napi_url = \"" << github.api_url() << "\"\n[[trackers.routes]]\ntracker = \"github\"\n"
               << "[trackers.users]\n\"" << alice << "\" = { github = \"alice-gh\" }\n";
    }
    h.environment = {{"MATTERMOST_URL", chat.url()},
                     {"MATTERMOST_TOKEN", fake_mattermost::token},
                     {"MATTERMOST_COMMAND_TOKEN", "cmd-token"},
                     {"GITHUB_TOKEN", fake_github::token},
                     {"GITHUB_WEBHOOK_SECRET", webhook_secret}};
    h.start();
    check(h.slash("start Checkout is down").starts_with("HTTP/1.1 200"), "the incident was declared");
    testing::wait_until([&] { return chat.snapshot().posts_created >= 1; }, seconds{20});
    create_once(h);
    both_ways(h);
    rate_limits(h);
    reconcile_and_mentions(h);
    auto calls = github.snapshot().calls;
    bool headers_ok =
        !calls.empty() && std::all_of(calls.begin(), calls.end(), [](const testing::github_call& c) {
            return !c.user_agent.empty() && c.api_version == "2022-11-28";
        });
    check(headers_ok, "every request carried a User-Agent and the pinned X-GitHub-Api-Version");
    testing::on_io(io, [&] {
        github.stop();
        chat.stop();
        return 0;
    });
    runner.stop();
    std::filesystem::remove_all(dir);
    std::printf("%s\n", check.failures ? "FAILED" : "passed");
    return check.failures ? 1 : 0;
}
