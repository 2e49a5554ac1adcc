#include "bot/trackers/github.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "domain/text.hpp"
#include "domain/time.hpp"
#include "domain/tracker_text.hpp"

namespace hindsight::trackers {
namespace {

using nlohmann::json;

std::string text_at(const json& j, const char* key) {
    auto found = j.find(key);
    if (found == j.end() || !found->is_string()) return {};
    return domain::sanitize_utf8(found->get<std::string>());
}

std::string login_of(const json& j, const char* key) {
    auto found = j.find(key);
    if (found == j.end() || !found->is_object()) return {};
    return text_at(*found, "login");
}

// GitHub's own words about a refusal ("Bad credentials"), short and safe to show.
std::string github_message(std::string_view body) {
    auto j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return {};
    return domain::truncate_utf8(text_at(j, "message"), 200);
}

github_issue issue_from(const json& j) {
    github_issue issue;
    if (auto number = j.find("number"); number != j.end() && number->is_number_integer())
        issue.number = std::to_string(number->get<std::int64_t>());
    issue.url = text_at(j, "html_url");
    issue.state_reason = text_at(j, "state_reason");
    issue.state = action_state_of(text_at(j, "state"), issue.state_reason);
    issue.body = text_at(j, "body");
    issue.author = login_of(j, "user");
    issue.pull_request = j.contains("pull_request");
    issue.created_at = text_at(j, "created_at");
    issue.updated_at = text_at(j, "updated_at");
    if (auto list = j.find("assignees"); list != j.end() && list->is_array())
        for (const auto& person : *list)
            if (person.is_object()) issue.assignees.push_back(text_at(person, "login"));
    if (auto list = j.find("labels"); list != j.end() && list->is_array())
        for (const auto& label : *list) {
            if (label.is_string()) issue.labels.push_back(label.get<std::string>());
            if (label.is_object()) issue.labels.push_back(text_at(label, "name"));
        }
    return issue;
}

std::chrono::seconds backoff(int attempts) {
    auto seconds = std::chrono::seconds{60} * (1 << std::clamp(attempts, 0, 4));
    return std::min(seconds, std::chrono::seconds{15 * 60});
}

bool is_rate_limit(int status, const header_pairs& headers, std::string_view body) {
    if (status == 429) return true;
    if (status != 403) return false;
    if (!header_value(headers, "retry-after").empty()) return true;
    if (header_value(headers, "x-ratelimit-remaining") == "0") return true;
    return domain::ascii_lower(github_message(body)).find("rate limit") != std::string::npos;
}

std::chrono::seconds rate_limit_wait(const header_pairs& headers, std::int64_t now_epoch, int attempts) {
    if (auto after = header_number(headers, "retry-after"))
        return std::chrono::seconds{std::max<std::int64_t>(*after, 1)};
    if (header_value(headers, "x-ratelimit-remaining") == "0")
        if (auto reset = header_number(headers, "x-ratelimit-reset"))
            return std::chrono::seconds{std::clamp<std::int64_t>(*reset - now_epoch + 1, 1, 3600)};
    return backoff(attempts);  // a secondary limit that names no time: at least a minute, then longer
}

chat::tracker_issue_changed issue_change(const json& payload, const json& issue, domain::timestamp at) {
    chat::tracker_issue_changed change;
    change.tracker = "github";
    if (auto number = issue.find("number"); number != issue.end() && number->is_number_integer())
        change.issue = std::to_string(number->get<std::int64_t>());
    change.url = text_at(issue, "html_url");
    change.actor = login_of(payload, "sender");
    change.at = at;
    return change;
}

// The `issues` event: what hindsight follows of it, or nullopt for actions it leaves alone.
std::optional<chat::tracker_issue_changed> read_issue_event(const json& payload, domain::timestamp at) {
    const auto& issue = payload.at("issue");
    auto action = text_at(payload, "action");
    auto change = issue_change(payload, issue, at);
    if (action == "closed" || action == "reopened") {
        auto reason = text_at(issue, "state_reason");
        change.state = action == "reopened" ? "open" : action_state_of("closed", reason);
        if (change.state == "wontdo") change.reason = reason == "duplicate" ? "duplicate" : "not planned";
    } else if (action == "deleted" || action == "transferred") {
        change.state = "deleted";
    } else if (action == "assigned" || action == "unassigned") {
        change.assignee_known = true;
        if (action == "assigned") change.assignee = login_of(payload, "assignee");
        if (change.assignee.empty())
            if (auto list = issue.find("assignees");
                list != issue.end() && list->is_array() && !list->empty())
                change.assignee = text_at(list->front(), "login");
    } else {
        return std::nullopt;
    }
    return change;
}

std::optional<chat::tracker_mention> read_merged_pull(const json& payload, const std::string& repo,
                                                      domain::timestamp at) {
    const auto& pull = payload.at("pull_request");
    if (text_at(payload, "action") != "closed" || !pull.value("merged", false)) return std::nullopt;
    chat::tracker_mention mention;
    mention.tracker = "github";
    auto number = pull.contains("number") && pull["number"].is_number_integer()
                      ? std::to_string(pull["number"].get<std::int64_t>())
                      : std::string();
    auto title = text_at(pull, "title");
    mention.what = "Pull request " + repo + "#" + number + " merged: " + title;
    mention.text =
        title + "\n" + text_at(pull, "body") + "\n" + text_at(pull.value("head", json::object()), "ref");
    mention.url = text_at(pull, "html_url");
    mention.actor = login_of(pull, "merged_by");
    if (mention.actor.empty()) mention.actor = login_of(payload, "sender");
    mention.at = domain::parse_iso(text_at(pull, "merged_at")).value_or(at);
    return mention;
}

std::optional<chat::tracker_mention> read_deployment(const json& payload, domain::timestamp at) {
    const auto& status = payload.at("deployment_status");
    const auto& deployment = payload.value("deployment", json::object());
    auto state = text_at(status, "state");
    if (state != "success" && state != "failure" && state != "error") return std::nullopt;
    chat::tracker_mention mention;
    mention.tracker = "github";
    auto environment = text_at(status, "environment");
    if (environment.empty()) environment = text_at(deployment, "environment");
    auto about = text_at(deployment, "description");
    if (about.empty()) about = text_at(deployment, "ref");
    mention.what = "Deployment to " + environment + ": " + state + (about.empty() ? "" : " — " + about);
    mention.text = about + "\n" + text_at(deployment, "ref") + "\n" + text_at(status, "description");
    if (auto extra = deployment.find("payload"); extra != deployment.end() && extra->is_object())
        mention.text += "\n" + extra->dump();
    mention.url = text_at(status, "target_url");
    if (mention.url.empty()) mention.url = text_at(status, "url");
    mention.actor = login_of(payload, "sender");
    mention.at = domain::parse_iso(text_at(status, "created_at")).value_or(at);
    return mention;
}

// An @ in user text would notify whoever has that login on GitHub (or a whole team): a zero-width space
// after it keeps the text readable and pings nobody.
std::string without_mentions(std::string_view text) {
    std::string out;
    for (char ch : domain::sanitize_utf8(text)) {
        out += ch;
        if (ch == '@') out += "\u200b";
    }
    return out;
}

}  // namespace

issue_content github_issue_for(const issue_facts& facts) {
    const auto& a = facts.action;
    const auto& inc = facts.incident;
    issue_content issue;
    issue.title = domain::truncate_utf8(a.text, 200) + " [" + inc.label() + " " + a.label() + "]";
    std::string owner = without_mentions(facts.owner_name);
    if (!facts.owner_login.empty()) owner += " (@" + facts.owner_login + " here)";
    issue.body =
        "Action item **" + a.label() + "** from the post-incident review of **" + inc.label() +
        "**: " + without_mentions(domain::truncate_utf8(inc.title, 300)) + ".\n\n" + "- Owner: " + owner +
        "\n- Due: " + domain::format_date(a.due) +
        " (GitHub issues have no due date: hindsight keeps it here and reminds the owner in chat)\n" +
        "- Type: " + std::string(domain::to_string(a.type)) + "\n\n" + without_mentions(a.text) +
        "\n\nThe postmortem: `/incident postmortem " + inc.label() +
        "` in the incident's channel, or `hindsight export " + inc.label() + "`.\n" +
        "Closing this issue closes " + a.label() + " in chat (closed as not planned: won't do); " +
        "reopening it reopens " + a.label() + ".\n\n" + domain::marker_comment(facts.marker) + "\n";
    issue.labels = facts.labels;
    if (!facts.owner_login.empty()) issue.assignees.push_back(facts.owner_login);
    issue.status = std::string(domain::to_string(a.status));
    return issue;
}

header_pairs github_headers(const std::string& token) {
    return {{"Accept", "application/vnd.github+json"},
            {"Authorization", "Bearer " + token},
            {"X-GitHub-Api-Version", std::string(github_api_version)},
            {"User-Agent", "hindsight-incident-bot"}};
}

std::string create_issue_json(const issue_content& issue) {
    json j{{"title", issue.title}, {"body", issue.body}, {"labels", issue.labels}};
    if (!issue.assignees.empty()) j["assignees"] = issue.assignees;
    return j.dump();
}

std::string update_issue_json(const issue_content& issue, bool state_changed, bool ours) {
    json j{{"assignees", issue.assignees}};
    if (ours) {
        j["title"] = issue.title;
        j["body"] = issue.body;
    }
    if (state_changed) {
        j["state"] = issue.status == "open" ? "open" : "closed";
        j["state_reason"] = issue.status == "open"   ? "reopened"
                            : issue.status == "done" ? "completed"
                                                     : "not_planned";
    }
    return j.dump();
}

std::string action_state_of(std::string_view state, std::string_view state_reason) {
    if (state != "closed") return "open";
    return state_reason == "not_planned" || state_reason == "duplicate" ? "wontdo" : "done";
}

result<github_issue> read_issue(std::string_view json_text) {
    auto j = json::parse(json_text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return make_error(errc::bad_input, "GitHub's answer is not a JSON object");
    auto issue = issue_from(j);
    if (issue.number.empty()) return make_error(errc::bad_input, "GitHub's answer has no issue number");
    return issue;
}

result<std::vector<github_issue>> read_issue_list(std::string_view json_text) {
    auto j = json::parse(json_text, nullptr, false);
    if (j.is_discarded() || !j.is_array())
        return make_error(errc::bad_input, "GitHub's answer is not a JSON array");
    std::vector<github_issue> issues;
    for (const auto& item : j)
        if (item.is_object()) issues.push_back(issue_from(item));
    return issues;
}

result<std::string> read_login(std::string_view json_text) {
    auto j = json::parse(json_text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || text_at(j, "login").empty())
        return make_error(errc::bad_input, "GitHub's GET /user answer has no login");
    return text_at(j, "login");
}

tracker_verdict judge_github(int status, const header_pairs& headers, std::string_view body,
                             std::int64_t now_epoch, int attempts, bool about_issue) {
    using kind = tracker_verdict::kind;
    if (status >= 200 && status < 300) return {kind::ok};
    if (is_rate_limit(status, headers, body))
        return {kind::wait, rate_limit_wait(headers, now_epoch, attempts)};
    if (status == 0 || status >= 500 || status == 408) return {kind::unknown, retry_wait(headers, attempts)};
    auto said = github_message(body);
    auto quoted = said.empty() ? std::string() : " (GitHub said: " + said + ")";
    if (about_issue && (status == 404 || status == 410))
        return {kind::issue_not_found, {}, "the issue is gone" + quoted};
    std::string problem;
    if (status == 401)
        problem =
            "GitHub refused the token (401)" + quoted + ": set a valid GITHUB_TOKEN and restart hindsight.";
    else if (status == 403)
        problem = "GitHub refused the request (403)" + quoted +
                  ": the token needs the repository permission \"Issues: read and write\".";
    else if (status == 404)
        problem = "GitHub does not show the repository (404)" + quoted +
                  ": check trackers.github.repo, and that the token can see it.";
    else if (status == 410)
        problem =
            "Issues are switched off in the repository (410)" + quoted + ": switch them on in its settings.";
    else if (status == 422)
        problem = "GitHub refused a field (422)" + quoted +
                  ": check [trackers.users] logins and trackers.github.labels.";
    else
        problem = "GitHub answered " + std::to_string(status) + quoted + ".";
    return {kind::needs_human, std::chrono::hours{1}, problem};
}

std::chrono::seconds github_quota_pause(const header_pairs& headers, std::int64_t now_epoch) {
    if (header_value(headers, "x-ratelimit-remaining") != "0") return std::chrono::seconds{0};
    auto reset = header_number(headers, "x-ratelimit-reset");
    if (!reset) return std::chrono::seconds{60};
    return std::chrono::seconds{std::clamp<std::int64_t>(*reset - now_epoch + 1, 0, 3600)};
}

result<github_webhook_events> read_github_webhook(const github_delivery& delivery, const std::string& repo,
                                                  domain::timestamp received_at) {
    auto payload = json::parse(delivery.body, nullptr, false);
    if (payload.is_discarded() || !payload.is_object())
        return make_error(errc::bad_input, "the body is not a JSON object");
    github_webhook_events out;
    auto repository = payload.value("repository", json::object());
    auto full_name = repository.is_object() ? text_at(repository, "full_name") : std::string();
    if (delivery.event == "ping") {
        out.ignored = "ping";
        return out;
    }
    if (domain::ascii_lower(full_name) != domain::ascii_lower(repo)) {
        out.ignored = "about another repository";
        return out;
    }
    for (const char* part : {"issue", "pull_request", "deployment_status"})
        if (payload.contains(part) && !payload[part].is_object())
            return make_error(errc::bad_input, std::string("the payload's ") + part + " is not an object");
    try {
        if (delivery.event == "issues" && payload.contains("issue")) {
            if (auto change = read_issue_event(payload, received_at))
                out.issues.push_back(std::move(*change));
        } else if (delivery.event == "pull_request" && payload.contains("pull_request")) {
            if (auto mention = read_merged_pull(payload, full_name, received_at))
                out.mentions.push_back(std::move(*mention));
        } else if (delivery.event == "deployment_status" && payload.contains("deployment_status")) {
            if (auto mention = read_deployment(payload, received_at))
                out.mentions.push_back(std::move(*mention));
        }
    } catch (const json::exception& failure) {
        return make_error(errc::bad_input,
                          std::string("the payload is not shaped as GitHub sends it: ") + failure.what());
    }
    if (out.issues.empty() && out.mentions.empty())
        out.ignored = delivery.event + " " + text_at(payload, "action");
    return out;
}

}  // namespace hindsight::trackers
