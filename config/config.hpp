#pragma once
// Typed configuration. The TOML loader (config/loader.cpp) is the only place toml++ is seen; secrets come
// from the environment (or *_FILE variables) and never from the file, so the file can live in a repository.
#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace hindsight::config {

struct capture_settings {
    std::vector<std::string> emojis{"pushpin", "round_pushpin"};  // names without colons
    std::vector<std::string> prefixes{"!tl", "tl:"};
    std::string confirm_emoji{"white_check_mark"};
    bool operator==(const capture_settings&) const = default;
};
struct incidents_settings {
    bool create_channel = false;
    std::string command = "incident";  // the trigger word, without the slash
    std::string default_severity = "sev3";
    bool operator==(const incidents_settings&) const = default;
};
struct review_settings {
    int max_whys = 5;
    std::string timebox = "45m";  // the length of `review start` without one; "" means it must be said
    std::array<int, 4> due_business_days{3, 5, 10, 10};  // index 0 = sev1
    bool operator==(const review_settings&) const = default;
};
struct actions_settings {
    std::array<int, 4> default_due_days{7, 14, 30, 30};  // index 0 = sev1
    int max_snooze_days = 30;                            // how far ahead `snooze` may push reminders
    bool operator==(const actions_settings&) const = default;
};
struct reminders_settings {
    std::string weekly = "mon 09:00";  // "ddd HH:MM", ddd in mon..sun
    std::string digest_channel;        // empty: no channel summary
    int escalate_after_days = 7;
    bool status_updates = false;
    std::array<int, 4> status_update_minutes{30, 60, 120, 240};  // index 0 = sev1
    bool operator==(const reminders_settings&) const = default;
};
struct http_settings {
    std::string listen = "127.0.0.1:8080";  // host:port ("[::1]:8080" for IPv6)
    std::string tls_cert;                   // both or neither of tls_cert / tls_key
    std::string tls_key;
    std::size_t max_body_bytes = 1 << 20;
    bool operator==(const http_settings&) const = default;
};
struct tls_settings {
    std::string ca_file;  // an extra CA for verifying remote peers
    bool operator==(const tls_settings&) const = default;
};
struct storage_settings {
    std::string path = "hindsight.db";
    bool operator==(const storage_settings&) const = default;
};
// enabled: unset → connect when the platform's secrets are set; false → never; true → required (starting
// without its secrets is an error that names them).
// How Slack's events arrive: Socket Mode (a WebSocket the bot opens, no public URL) or the Events API
// (signed requests to the bot's HTTPS listener).
enum class slack_mode { socket, http };
std::string_view to_string(slack_mode mode);

struct slack_settings {
    std::optional<bool> enabled;
    std::string api_url = "https://slack.com/api/";  // always ends with '/'
    slack_mode mode = slack_mode::socket;
    bool pacing = true;  // about one post per second per channel; off only against a test double
    bool operator==(const slack_settings&) const = default;
};
struct mattermost_settings {
    std::optional<bool> enabled;  // as for Slack
    std::string team;
    bool pacing = true;       // about ten posts per second per channel; off only against a test double
    std::string actions_url;  // where Mattermost reaches POST /mattermost/actions; "" = no buttons
    bool operator==(const mattermost_settings&) const = default;
};
// Where an alert goes: the first route whose matchers all match the alert's labels.
struct alert_route {
    std::vector<std::string> matchers;  // Alertmanager's syntax, one or more per string; empty matches all
    std::string channel;                // the channel id
    std::string workspace;              // needed when more than one workspace is configured
    bool declare = false;               // a firing alert with no incident open there declares one
    // Whether the channel is private, so a declared incident is too. hindsight cannot ask the platform when
    // it routes, so it assumes the careful answer: `private = false` says the channel is public.
    bool private_channel = true;
    std::vector<std::pair<std::string, std::string>>
        severity_labels;  // severity label value → "sev1".."sev4"
    bool operator==(const alert_route&) const = default;
};
struct alerts_settings {
    std::vector<alert_route> routes;
    std::string unrouted_channel;  // a one-line note per unrouted alert; "" = only the metric
    std::string unrouted_workspace;
    std::string alertmanager_url;          // read silences from here; "" = no silences
    std::string silence_lookback = "30d";  // how far back a silence still counts (a duration)
    // Grafana's hmacConfig: the header carrying the signature, and the timestamp header when one is set
    // there.
    std::string grafana_signature_header = "X-Grafana-Alerting-Signature";
    std::string grafana_timestamp_header;
    // /alerts/* bodies may be this large (an Alertmanager group of thousands of alerts); http.max_body_bytes
    // applies everywhere else.
    std::size_t max_body_bytes = 16 << 20;
    bool operator==(const alerts_settings&) const = default;
};
// Action items as issues in the team's tracker (SPEC §10): GitHub Issues and/or a Jira project.
struct github_tracker_settings {
    std::string repo;                                 // owner/name; empty: no GitHub tracker
    std::string api_url = "https://api.github.com/";  // always ends with '/'
    std::vector<std::string> labels{"hindsight"};     // put on every issue hindsight opens
    // The workspace whose incidents merged pull requests and deployments of this repository mention; needed
    // only when more than one workspace is connected.
    std::string workspace;
    bool operator==(const github_tracker_settings&) const = default;
};
struct jira_tracker_settings {
    std::string url;      // the site or server, always ending with '/'; empty: no Jira tracker
    bool cloud = true;    // flavor "cloud" (REST v3, e-mail + API token) or "datacenter" (REST v2, PAT)
    std::string project;  // the project key issues are created in
    std::string issue_type = "Task";
    std::vector<std::string> labels{"hindsight"};  // put on every issue hindsight opens (no spaces)
    // Resolutions that mean "won't do" when an issue is closed with them; the first is set by `wontdo`.
    std::vector<std::string> wontdo_resolutions{"Won't Do", "Won't Fix"};
    bool operator==(const jira_tracker_settings&) const = default;
};
// The first route whose every condition holds gives an action item its tracker when it is created.
struct tracker_route {
    std::string tracker = "github";
    std::vector<std::string> types;     // action types; empty = any
    std::vector<std::string> services;  // incident services; empty = any
    bool allow_private = false;         // whether a private incident's actions may use this route
    bool operator==(const tracker_route&) const = default;
};
struct tracker_user {
    std::string chat_user;  // the chat user id
    std::string github;     // the GitHub login
    std::string jira;       // the Jira accountId (Cloud) or user name (Data Center)
    bool operator==(const tracker_user&) const = default;
};
struct trackers_settings {
    github_tracker_settings github;
    jira_tracker_settings jira;
    std::vector<tracker_route> routes;
    std::vector<tracker_user> users;
    bool close_issues = true;  // `done` / `wontdo` in chat close the issue (reopen always reopens it)
    bool operator==(const trackers_settings&) const = default;
};
// From the environment only. mattermost_url also comes from the file's mattermost.url (MATTERMOST_URL wins);
// it is stored without a trailing '/'.
struct secrets {
    std::string slack_bot_token, slack_app_token, slack_signing_secret, mattermost_url, mattermost_token,
        mattermost_command_token;
    std::string alerts_token, grafana_webhook_secret, pagerduty_webhook_secret, alerts_webhook_secret,
        alertmanager_token;
    std::string github_token, github_webhook_secret;
    std::string jira_email, jira_api_token, jira_pat, jira_webhook_secret;
    bool operator==(const secrets&) const = default;
};
struct settings {
    std::string time_zone = "UTC";   // default IANA zone for display
    std::string log_level = "info";  // trace, debug, info, warn, warning, error, critical, off
    capture_settings capture;
    incidents_settings incidents;
    review_settings review;
    actions_settings actions;
    reminders_settings reminders;
    http_settings http;
    tls_settings tls;
    storage_settings storage;
    slack_settings slack;
    mattermost_settings mattermost;
    alerts_settings alerts;
    trackers_settings trackers;
    secrets secret;
    bool operator==(const settings&) const = default;
};

using environment_lookup = std::function<std::optional<std::string>(const std::string&)>;
// Reads the process environment (getenv).
environment_lookup process_environment();

// Parse + validate + secrets. Errors (errc::config_invalid) read "<source>:<line>: <key> <problem>", one per
// line when there are several, sorted by line; a syntax error reads "<source>:<line>:<column>:
// <description>". Secret values never appear in an error.
result<settings> load_config_file(const std::string& path, const environment_lookup& env);
result<settings> load_config_text(std::string_view toml_text, std::string_view source_name,
                                  const environment_lookup& env);
// No file: the defaults, plus secrets from the environment. Secrets that cannot be read (an unreadable
// *_FILE, an unusable MATTERMOST_URL) are left empty here; load_config_text("", ...) reports them.
settings default_settings(const environment_lookup& env);

// A workspace is configured: Slack = bot token and (app token in socket mode | signing secret in http mode);
// Mattermost = server URL and token.
// enabled = false wins over secrets.
bool has_slack(const settings& cfg);
bool has_mattermost(const settings& cfg);
// A platform with enabled = true whose secrets are missing: what to set. Empty when every enabled platform
// can connect.
std::string missing_platform_secrets(const settings& cfg);
// One line for the log; secrets appear only as "set" or "unset".
std::string describe_for_log(const settings& cfg);

}  // namespace hindsight::config
