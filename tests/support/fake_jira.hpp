#pragma once
// An in-process fake of Jira's REST API on 127.0.0.1 (SPEC §10): Cloud (REST v3: Basic e-mail:token, ADF
// descriptions, accountIds, POST /search/jql; the removed /search answers 410) or Data Center (REST v2:
// Bearer PAT, wiki-markup strings, user names, POST /search). GET myself, create, read, edit, the
// transitions a small workflow offers (To Do → In Progress → Done, a resolution on the Done screen) and
// JQL by label, with every answer shaped after tests/fixtures/jira. It refuses what Jira refuses (a
// description of the wrong kind, a label with a space, an unknown field), can lose a create's answer,
// answer 429 with Retry-After, hide new issues from search for a while (its index lags), and keep the due
// date off its screens.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bot/net/http_server.hpp"

namespace hindsight::testing {

struct jira_call {
    std::string method;
    std::string target;
    std::string body;
};

struct jira_issue_state {
    std::string id, key, summary;
    std::string description;  // the JSON sent (ADF object or string)
    std::string status = "To Do", resolution;
    std::vector<std::string> labels;
    std::string assignee, due;
    std::int64_t created_ms = 0, updated_ms = 0;
};

struct fake_jira_state {
    std::vector<jira_call> calls;
    std::map<std::string, jira_issue_state> issues;  // by id
    int creates = 0;
    int edits = 0;
    int transitions = 0;
    int searches = 0;
};

struct jira_answer {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

class fake_jira {
public:
    static constexpr const char* email = "bot@acme.example";
    static constexpr const char* api_token = "jira_fake_api_token";
    static constexpr const char* pat = "jira_fake_personal_access_token";
    static constexpr const char* account = "712020:hindsight-bot";
    static constexpr const char* project = "OPS";

    fake_jira(boost::asio::io_context& io, bool cloud);
    ~fake_jira();
    std::string url() const;  // "http://127.0.0.1:port/"
    void stop();

    // Scripting (io thread).
    int hold_creates = 0;                         // this many creates make the issue and never answer
    int fail_create_replies = 0;                  // this many creates make the issue and answer 502
    std::vector<jira_answer> transition_answers;  // answered instead of the next POST …/transitions
    std::vector<jira_answer> edit_answers;        // answered instead of the next PUT issue
    std::int64_t search_lag_ms = 0;               // issues this new are not found by search yet
    bool due_on_screens = true;                   // false: duedate is refused as not on the screens
    bool resolution_on_done_screen = true;        // false: the Done transition has no Resolution field
    // Someone in Jira moved the issue (no webhook is sent: the test sends one, or not).
    void set_status(const std::string& id, const std::string& status, const std::string& resolution);
    void set_assignee(const std::string& id, const std::string& who);
    void remove(const std::string& id);

    fake_jira_state snapshot();
    std::string issue_json(const std::string& id);
    // The issue with only these fields (a search answers with the fields it was asked for, else none).
    std::string issue_json(const std::string& id, const std::vector<std::string>& fields);
    // A jira:issue_updated delivery for the issue as it is now, whose changelog names these fields.
    // actor: the accountId (or name) of who changed it; "" for the fixture's user.
    std::string webhook_body(const std::string& id, const std::vector<std::string>& changed_fields,
                             const std::string& actor = "");

private:
    boost::asio::awaitable<bot::http_response> handle(const bot::http_request& request);
    bot::http_response route(const bot::http_request& request, const std::string& path);
    bot::http_response create(const bot::http_request& request);
    bot::http_response edit(const std::string& id, const bot::http_request& request);
    bot::http_response transitions_of(const std::string& id, bool with_fields);
    bot::http_response transition(const std::string& id, const bot::http_request& request);
    bot::http_response search(const bot::http_request& request);
    std::string find_id(const std::string& id_or_key);
    std::string user_field() const { return cloud_ ? "accountId" : "name"; }
    std::int64_t now_ms() const;

    boost::asio::io_context& io_;
    bool cloud_;
    std::unique_ptr<bot::http_server> server_;
    std::mutex lock_;
    fake_jira_state state_;
    std::string issue_example_, transition_example_, webhook_example_;
    std::vector<std::shared_ptr<boost::asio::steady_timer>> held_;
};

}  // namespace hindsight::testing
