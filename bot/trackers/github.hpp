#pragma once
// GitHub's REST API and webhooks as values (SPEC §10, protocols/alerts-and-trackers.md §5): the requests
// hindsight sends for an action's issue, reading GitHub's answers, judging failures and rate limits, and
// turning a webhook delivery into inbound events. Pure: no sockets, no clock.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/trackers/tracker_http.hpp"
#include "chat/event.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"

namespace hindsight::trackers {

// The API version hindsight is written against, sent with every request.
inline constexpr std::string_view github_api_version = "2022-11-28";
// Every request: JSON in and out, the pinned version, a User-Agent (GitHub refuses requests without one).
header_pairs github_headers(const std::string& token);

// What an action's issue should say.
struct issue_content {
    std::string title;
    std::string body;
    std::vector<std::string> labels;
    std::vector<std::string> assignees;  // logins
    std::string status;                  // open, done, wontdo
};
// Everything an action's issue says, from the action and its incident.
struct issue_facts {
    const domain::action_item& action;
    const domain::incident& incident;
    std::string owner_name;   // the owner's display name in chat
    std::string owner_login;  // their GitHub login, "" when [trackers.users] does not say
    std::vector<std::string> labels;
    std::string marker;
};
// Title "<action text> [INC-7 A-3]"; a body that links the incident and the postmortem, names the owner and
// the due date (GitHub has no due-date field) and ends with the hidden marker. User text cannot @-mention
// anyone on GitHub.
issue_content github_issue_for(const issue_facts& facts);
// POST /repos/{owner}/{repo}/issues
std::string create_issue_json(const issue_content& issue);
// PATCH /repos/{owner}/{repo}/issues/{number}: state and state_reason when the state changes, assignees
// always, title and body only for an issue hindsight wrote (ours).
std::string update_issue_json(const issue_content& issue, bool state_changed, bool ours);

// What GitHub says an issue is.
struct github_issue {
    std::string number;
    std::string url;           // html_url
    std::string state;         // open, done, wontdo (from state and state_reason)
    std::string state_reason;  // as GitHub says it
    std::string body;
    std::vector<std::string> assignees;
    std::vector<std::string> labels;
    std::string author;  // user.login
    bool pull_request = false;
    std::string created_at;
    std::string updated_at;
};
result<github_issue> read_issue(std::string_view json_text);
result<std::vector<github_issue>> read_issue_list(std::string_view json_text);
// GET /user → the login (the creator of every issue hindsight opens).
result<std::string> read_login(std::string_view json_text);
// "open", or "done" / "wontdo" for a closed issue by its state_reason.
std::string action_state_of(std::string_view state, std::string_view state_reason);

// status 0 = no HTTP answer. now_epoch: the current Unix time (for x-ratelimit-reset). attempts: tries in
// a row so far (exponential backoff when GitHub names no time). about_issue: the request named one issue.
tracker_verdict judge_github(int status, const header_pairs& headers, std::string_view body,
                             std::int64_t now_epoch, int attempts, bool about_issue);
// After a success: when the primary limit is used up, how long to hold every request (else 0).
std::chrono::seconds github_quota_pause(const header_pairs& headers, std::int64_t now_epoch);

// A webhook delivery (POST /trackers/github), already verified.
struct github_delivery {
    std::string event;  // X-GitHub-Event
    std::string id;     // X-GitHub-Delivery
    std::string body;
};
struct github_webhook_events {
    std::vector<chat::tracker_issue_changed> issues;
    std::vector<chat::tracker_mention> mentions;
    std::string ignored;  // why nothing came of it (a ping, an action hindsight does not follow)
};
// repo: the configured owner/name; deliveries about other repositories are ignored. bot_login: hindsight's
// own GitHub user; its own changes are still reported (the handler recognises them by state).
result<github_webhook_events> read_github_webhook(const github_delivery& delivery, const std::string& repo,
                                                  domain::timestamp received_at);

}  // namespace hindsight::trackers
