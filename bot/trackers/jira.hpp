#pragma once
// Jira's REST API and webhooks as values (SPEC §10, protocols/alerts-and-trackers.md §6): Cloud (REST v3,
// e-mail + API token, descriptions in the Atlassian Document Format, users by accountId, JQL by
// /search/jql) and Data Center (REST v2, a personal access token, wiki markup, users by name, /search).
// The requests hindsight sends for an action's issue, reading Jira's answers, choosing a workflow transition
// by status category, judging failures and rate limits, and a webhook delivery as inbound events. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/trackers/tracker_http.hpp"
#include "chat/event.hpp"
#include "config/config.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"

namespace hindsight::trackers {

// Every request: JSON, English names (transition and status names are localised per account), and the
// credentials of the flavor (Cloud: Basic e-mail:API token; Data Center: Bearer PAT).
header_pairs jira_headers(const config::jira_tracker_settings& jira, const config::secrets& secret);
// "rest/api/3/" (Cloud) or "rest/api/2/" (Data Center).
std::string jira_api(const config::jira_tracker_settings& jira);
// <url>browse/<key>: the issue's page.
std::string jira_browse_url(const config::jira_tracker_settings& jira, std::string_view key);
// The label that carries an action's identity on its issue (labels are what JQL finds an issue by).
std::string jira_marker_label(std::string_view marker);

// What an action's issue should say.
struct jira_content {
    std::string summary;      // one line, at most 255 characters
    std::string description;  // JSON: an ADF document (Cloud) or a wiki-markup string (Data Center)
    std::vector<std::string> labels;
    std::string assignee;  // accountId (Cloud) or user name (Data Center); "" unassigned
    std::string due;       // YYYY-MM-DD
};
struct jira_facts {
    const domain::action_item& action;
    const domain::incident& incident;
    std::string owner_name;  // the owner's display name in chat
    std::string assignee;    // their Jira user, "" when [trackers.users] does not say
    std::string marker;
};
jira_content jira_issue_for(const config::jira_tracker_settings& jira, const jira_facts& facts);
// POST issue. with_due: whether to set duedate (false once Jira said the field is not on its screens).
std::string jira_create_json(const config::jira_tracker_settings& jira, const jira_content& issue,
                             bool with_due);
// PUT issue/{id}: the assignee always; summary, description and due date only for an issue hindsight wrote.
std::string jira_update_json(const config::jira_tracker_settings& jira, const jira_content& issue, bool ours,
                             bool with_due);
// POST search/jql (Cloud) or search (Data Center): the issue carrying this marker label, newest first.
std::string jira_lookup_json(const config::jira_tracker_settings& jira, std::string_view marker);
// The fields hindsight reads (GET issue/{id}?fields=…).
inline constexpr std::string_view jira_read_fields = "status,assignee,resolution,labels,updated";

// What Jira says an issue is.
struct jira_issue {
    std::string id;
    std::string key;
    std::string status;           // the status's name
    std::string status_category;  // new, indeterminate, done
    std::string resolution;       // its name, "" for none
    std::string assignee;         // accountId (Cloud) or name (Data Center)
    std::vector<std::string> labels;
    std::string updated;
};
result<jira_issue> read_jira_issue(std::string_view json_text);
// {"id","key","self"} after a create.
result<jira_issue> read_jira_created(std::string_view json_text);
// The issues of a search answer (either flavor).
result<std::vector<jira_issue>> read_jira_search(std::string_view json_text);
// GET myself → the account hindsight acts as (accountId, or name on Data Center).
result<std::string> read_jira_myself(std::string_view json_text);
// open; done, or wontdo when the resolution is one of the configured wontdo_resolutions.
std::string jira_action_state(const config::jira_tracker_settings& jira, const jira_issue& issue);

// The transition that takes an issue to an action's state, chosen by the target's status category (names
// are per workflow and localised), and the resolution to set when the transition's screen has that field.
struct jira_transition {
    std::string id;
    std::string resolution;  // "" for none
};
result<jira_transition> choose_jira_transition(const config::jira_tracker_settings& jira,
                                               std::string_view transitions_json, std::string_view status);
std::string jira_transition_json(const jira_transition& transition);

// status 0 = no HTTP answer. attempts: tries in a row so far. about_issue: the request named one issue.
tracker_verdict judge_jira(const config::jira_tracker_settings& jira, int status, const header_pairs& headers,
                           std::string_view body, std::int64_t now_epoch, int attempts, bool about_issue);
// A 400 that refuses only the due date (not on the project's screens): the create goes again without it.
bool jira_refused_only_due(int status, std::string_view body);

// A webhook delivery (POST /trackers/jira), already verified.
struct jira_issue_event {
    chat::tracker_issue_changed change;  // issue = the id
    std::string key;                     // for an issue linked by `track` (known by its key)
    std::string actor_id;                // who made the change: accountId (Cloud) or name
};
struct jira_webhook_events {
    std::vector<jira_issue_event> issues;
    std::string ignored;  // why nothing came of it
};
// Status and assignee are taken only when the changelog says they changed (a late retry of an unrelated
// edit must not undo a newer change).
result<jira_webhook_events> read_jira_webhook(const config::jira_tracker_settings& jira,
                                              std::string_view body, domain::timestamp received_at);

}  // namespace hindsight::trackers
