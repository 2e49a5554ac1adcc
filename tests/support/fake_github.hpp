#pragma once
// An in-process fake of GitHub's REST API for issues on 127.0.0.1 (SPEC §10): GET /user, create, read,
// update and list a repository's issues (list filtered by creator and `since`, newest first, paged), with
// every issue object built from the response examples of GitHub's own OpenAPI description
// (tests/fixtures/github/rest_examples.json, from @octokit/openapi). It can lose a create's answer (hold it
// forever, or answer 502 after creating), and answer rate limits. Every request is logged (and, with
// HINDSIGHT_FAKE_GITHUB_LOG set, appended there as JSON lines for the schema check).
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bot/net/http_server.hpp"

namespace hindsight::testing {

struct github_call {
    std::string method;
    std::string target;
    std::string body;
    std::string authorization;
    std::string user_agent;
    std::string api_version;
};

struct github_issue_state {
    int number = 0;
    std::string title, body, state = "open", state_reason;
    std::vector<std::string> labels, assignees;
    std::string creator;
    std::int64_t created_ms = 0, updated_ms = 0;
};

struct fake_github_state {
    std::vector<github_call> calls;
    std::map<int, github_issue_state> issues;
    int creates = 0;  // POST …/issues received (each creates an issue)
    int patches = 0;
    int lists = 0;
};

// A canned answer for the next request of a kind: status, headers, body.
struct github_answer {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

class fake_github {
public:
    static constexpr const char* token = "ghp_fake_token_for_tests";
    static constexpr const char* login = "hindsight-bot";
    static constexpr const char* repo = "acme/reliability";

    explicit fake_github(boost::asio::io_context& io);
    ~fake_github();
    std::string api_url() const;  // "http://127.0.0.1:port/"
    void stop();

    // Scripting (io thread).
    int hold_creates = 0;                       // this many creates make the issue and never answer
    int fail_create_replies = 0;                // this many creates make the issue and answer 502
    std::vector<github_answer> patch_answers;   // answered (in order) instead of the next PATCHes
    std::vector<github_answer> create_answers;  // answered instead of the next creates (nothing is created)
    // Someone on GitHub changed the issue (no webhook is sent: the test sends one, or not).
    void set_state(int number, const std::string& state, const std::string& reason);
    void set_assignees(int number, std::vector<std::string> logins);
    void remove(int number);  // deleted

    fake_github_state snapshot();
    // The issue as GitHub's REST API answers it (the OpenAPI example with this issue's values).
    std::string issue_json(int number);

private:
    boost::asio::awaitable<bot::http_response> handle(const bot::http_request& request);
    bot::http_response create(const bot::http_request& request);
    bot::http_response update(int number, const bot::http_request& request);
    bot::http_response list(const bot::http_request& request);
    void log(const bot::http_request& request);

    boost::asio::io_context& io_;
    std::unique_ptr<bot::http_server> server_;
    std::mutex lock_;
    fake_github_state state_;
    std::string issue_example_, user_example_;
    std::vector<std::shared_ptr<boost::asio::steady_timer>> held_;
    std::int64_t clock_ms_ = 0;
};

}  // namespace hindsight::testing
