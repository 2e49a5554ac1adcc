#include "bot/trackers/jira.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "bot/alerts/verify.hpp"
#include "domain/text.hpp"
#include "domain/time.hpp"

namespace hindsight::trackers {
namespace {

using nlohmann::json;
using kind = tracker_verdict::kind;

constexpr std::size_t summary_limit = 255;
constexpr std::size_t description_limit = 32000;

std::string text_at(const json& j, const char* key) {
    auto found = j.find(key);
    if (found == j.end() || !found->is_string()) return {};
    return domain::sanitize_utf8(found->get<std::string>());
}

const json* object_at(const json& j, const char* key) {
    auto found = j.find(key);
    return found != j.end() && found->is_object() ? &*found : nullptr;
}

// A user object: accountId on Cloud, name on Data Center.
std::string user_of(const json* person) {
    if (!person) return {};
    auto id = text_at(*person, "accountId");
    return id.empty() ? text_at(*person, "name") : id;
}

jira_issue issue_from(const json& j) {
    jira_issue issue;
    issue.id = text_at(j, "id");
    issue.key = text_at(j, "key");
    const json* fields = object_at(j, "fields");
    if (!fields) return issue;
    if (const json* status = object_at(*fields, "status")) {
        issue.status = text_at(*status, "name");
        if (const json* category = object_at(*status, "statusCategory"))
            issue.status_category = text_at(*category, "key");
    }
    if (const json* resolution = object_at(*fields, "resolution"))
        issue.resolution = text_at(*resolution, "name");
    issue.assignee = user_of(object_at(*fields, "assignee"));
    if (auto labels = fields->find("labels"); labels != fields->end() && labels->is_array())
        for (const auto& label : *labels)
            if (label.is_string()) issue.labels.push_back(label.get<std::string>());
    issue.updated = text_at(*fields, "updated");
    return issue;
}

bool same_name(std::string_view a, std::string_view b) {
    return domain::ascii_lower(a) == domain::ascii_lower(b);
}

bool is_wontdo(const config::jira_tracker_settings& jira, std::string_view resolution) {
    return std::any_of(jira.wontdo_resolutions.begin(), jira.wontdo_resolutions.end(),
                       [&](const std::string& name) { return same_name(name, resolution); });
}

// Wiki markup would turn user text into links, macros or [~user] mentions: each special character is
// escaped, so the text shows as typed. At most `limit` code points come out, never half an escape.
std::string wiki_escaped(std::string_view text, std::size_t limit) {
    std::string out;
    std::size_t count = 0;
    for (char ch : domain::sanitize_utf8(text)) {
        bool special = std::string_view("[]{}~|!*_^+?#-\\").find(ch) != std::string_view::npos;
        bool starts_code_point = (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
        if (starts_code_point && count + (special ? 2 : 1) > limit) break;
        if (special) {
            out += '\\';
            ++count;
        }
        if (starts_code_point) ++count;
        out += ch;
    }
    return out;
}

std::string one_line(std::string_view text) {
    std::string out(domain::sanitize_utf8(text));
    std::replace_if(
        out.begin(), out.end(), [](char ch) { return ch == '\n' || ch == '\r' || ch == '\t'; }, ' ');
    return out;
}

// The description's paragraphs, as plain text (ADF text nodes mention nobody and run no macros).
std::vector<std::string> description_lines(const jira_facts& facts) {
    const auto& a = facts.action;
    const auto& inc = facts.incident;
    return {"Action item " + a.label() + " from the post-incident review of " + inc.label() + ": " +
                domain::truncate_utf8(inc.title, 300) + ".",
            "Owner: " + facts.owner_name + ". Due: " + domain::format_date(a.due) +
                ". Type: " + std::string(domain::to_string(a.type)) + ".",
            a.text,
            "The postmortem: /incident postmortem " + inc.label() +
                " in the incident's channel, or hindsight export " + inc.label() + ".",
            "Resolving this issue closes " + a.label() + " in chat (with a won't-do resolution: won't do); " +
                "reopening it reopens " + a.label() + "."};
}

json adf_document(const std::vector<std::string>& lines) {
    json content = json::array();
    for (const auto& line : lines)
        content.push_back(
            {{"type", "paragraph"}, {"content", json::array({{{"type", "text"}, {"text", line}}})}});
    return {{"type", "doc"}, {"version", 1}, {"content", content}};
}

json user_json(const config::jira_tracker_settings& jira, const std::string& user) {
    if (user.empty()) return nullptr;
    return jira.cloud ? json{{"accountId", user}} : json{{"name", user}};
}

// Jira's own words about a refusal: its errorMessages and field errors, short and safe to show.
std::string jira_message(std::string_view body) {
    auto j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return {};
    std::string said;
    if (auto messages = j.find("errorMessages"); messages != j.end() && messages->is_array())
        for (const auto& message : *messages)
            if (message.is_string()) said += (said.empty() ? "" : "; ") + message.get<std::string>();
    if (auto errors = j.find("errors"); errors != j.end() && errors->is_object())
        for (const auto& [field, message] : errors->items())
            if (message.is_string())
                said += (said.empty() ? "" : "; ") + field + ": " + message.get<std::string>();
    return domain::truncate_utf8(domain::sanitize_utf8(said), 300);
}

// X-RateLimit-Reset: "yyyy-MM-ddTHH:mmZ".
std::optional<std::int64_t> reset_epoch(const header_pairs& headers) {
    auto text = header_value(headers, "x-ratelimit-reset");
    if (text.size() == 17 && text.back() == 'Z') text = text.substr(0, 16) + ":00Z";
    auto at = domain::parse_iso(text);
    if (!at) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::seconds>(at->time_since_epoch()).count();
}

std::string credentials_hint(const config::jira_tracker_settings& jira) {
    return jira.cloud ? "set a valid JIRA_EMAIL and JIRA_API_TOKEN (Cloud API tokens expire within a year)"
                      : "set a valid JIRA_PAT";
}

}  // namespace

header_pairs jira_headers(const config::jira_tracker_settings& jira, const config::secrets& secret) {
    auto authorization =
        jira.cloud ? "Basic " + alerts::base64_encode(secret.jira_email + ":" + secret.jira_api_token)
                   : "Bearer " + secret.jira_pat;
    return {{"Accept", "application/json"},
            {"Accept-Language", "en"},
            {"Authorization", std::move(authorization)},
            {"User-Agent", "hindsight-incident-bot"}};
}

std::string jira_api(const config::jira_tracker_settings& jira) {
    return jira.cloud ? "rest/api/3/" : "rest/api/2/";
}

std::string jira_browse_url(const config::jira_tracker_settings& jira, std::string_view key) {
    return jira.url + "browse/" + std::string(key);
}

std::string jira_marker_label(std::string_view marker) {
    return "hindsight-" + std::string(marker);
}

jira_content jira_issue_for(const config::jira_tracker_settings& jira, const jira_facts& facts) {
    const auto& a = facts.action;
    jira_content issue;
    auto tag = " [" + facts.incident.label() + " " + a.label() + "]";
    issue.summary = domain::truncate_utf8(one_line(a.text), summary_limit - tag.size() - 3) + tag;
    auto lines = description_lines(facts);
    // Each paragraph's share of Jira's limit, counted after escaping (which can double a paragraph).
    auto share = description_limit / lines.size();
    if (jira.cloud) {
        for (auto& line : lines) line = domain::truncate_utf8(line, share);
        issue.description = adf_document(lines).dump();
    } else {
        std::string wiki;
        for (const auto& line : lines) {
            wiki += wiki_escaped(line, share) + "\n\n";
        }
        issue.description = json(wiki).dump();
    }
    issue.labels = jira.labels;
    issue.labels.push_back(jira_marker_label(facts.marker));
    issue.assignee = facts.assignee;
    issue.due = domain::format_date(a.due);
    return issue;
}

std::string jira_create_json(const config::jira_tracker_settings& jira, const jira_content& issue,
                             bool with_due) {
    json fields{{"project", {{"key", jira.project}}},
                {"issuetype", {{"name", jira.issue_type}}},
                {"summary", issue.summary},
                {"description", json::parse(issue.description)},
                {"labels", issue.labels}};
    if (!issue.assignee.empty()) fields["assignee"] = user_json(jira, issue.assignee);
    if (with_due) fields["duedate"] = issue.due;
    return json{{"fields", fields}}.dump();
}

std::string jira_update_json(const config::jira_tracker_settings& jira, const jira_content& issue, bool ours,
                             bool with_due) {
    json fields{{"assignee", user_json(jira, issue.assignee)}};
    if (ours) {
        fields["summary"] = issue.summary;
        fields["description"] = json::parse(issue.description);
        if (with_due) fields["duedate"] = issue.due;
    }
    return json{{"fields", fields}}.dump();
}

std::string jira_lookup_json(const config::jira_tracker_settings& jira, std::string_view marker) {
    auto jql = "project = \"" + jira.project + "\" AND labels = \"" + jira_marker_label(marker) +
               "\" ORDER BY created DESC";
    return json{{"jql", jql},
                {"fields", json::array({"status", "assignee", "resolution", "labels", "updated"})},
                {"maxResults", 10}}
        .dump();
}

result<jira_issue> read_jira_issue(std::string_view json_text) {
    auto j = json::parse(json_text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return make_error(errc::bad_input, "Jira's answer is not a JSON object");
    auto issue = issue_from(j);
    if (issue.id.empty() || issue.key.empty())
        return make_error(errc::bad_input, "Jira's answer has no issue id and key");
    return issue;
}

result<jira_issue> read_jira_created(std::string_view json_text) {
    return read_jira_issue(json_text);
}

result<std::vector<jira_issue>> read_jira_search(std::string_view json_text) {
    auto j = json::parse(json_text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("issues") || !j["issues"].is_array())
        return make_error(errc::bad_input, "Jira's search answer has no issues list");
    std::vector<jira_issue> issues;
    for (const auto& item : j["issues"])
        if (item.is_object()) issues.push_back(issue_from(item));
    return issues;
}

result<std::string> read_jira_myself(std::string_view json_text) {
    auto j = json::parse(json_text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return make_error(errc::bad_input, "Jira's answer is not a JSON object");
    auto who = user_of(&j);
    if (who.empty()) return make_error(errc::bad_input, "Jira's GET myself answer names no account");
    return who;
}

std::string jira_action_state(const config::jira_tracker_settings& jira, const jira_issue& issue) {
    if (issue.status_category != "done") return "open";
    return is_wontdo(jira, issue.resolution) ? "wontdo" : "done";
}

namespace {

struct offered_transition {
    std::string id, name, to_name = {}, category = {};
    bool has_resolution = false;
    std::vector<std::string> resolutions = {};  // allowed values, as Jira spells them
};

std::vector<offered_transition> offered_transitions(const json& j) {
    std::vector<offered_transition> out;
    auto list = j.find("transitions");
    if (list == j.end() || !list->is_array()) return out;
    for (const auto& item : *list) {
        if (!item.is_object()) continue;
        offered_transition t{text_at(item, "id"), text_at(item, "name")};
        if (const json* to = object_at(item, "to")) {
            t.to_name = text_at(*to, "name");
            if (const json* category = object_at(*to, "statusCategory"))
                t.category = text_at(*category, "key");
        }
        if (const json* fields = object_at(item, "fields"))
            if (const json* resolution = object_at(*fields, "resolution")) {
                t.has_resolution = true;
                if (auto allowed = resolution->find("allowedValues");
                    allowed != resolution->end() && allowed->is_array())
                    for (const auto& value : *allowed)
                        if (value.is_object()) t.resolutions.push_back(text_at(value, "name"));
            }
        if (!t.id.empty()) out.push_back(std::move(t));
    }
    return out;
}

// The resolution a closing transition sets, or why none will do.
result<std::string> resolution_for(const config::jira_tracker_settings& jira, const offered_transition& t,
                                   std::string_view status) {
    if (!t.has_resolution) {
        // Without a resolution the issue would read back as done: won't do needs one.
        if (status == "wontdo")
            return make_error(errc::conflict,
                              "the \"" + t.name +
                                  "\" transition's screen has no Resolution field, so Jira cannot "
                                  "record won't do: add Resolution to that screen.");
        return std::string();
    }
    auto offered = [&](std::string_view name) -> std::optional<std::string> {
        for (const auto& value : t.resolutions)
            if (same_name(value, name)) return value;
        return std::nullopt;
    };
    if (status == "wontdo") {
        for (const auto& name : jira.wontdo_resolutions)
            if (auto value = t.resolutions.empty() ? std::optional<std::string>(name) : offered(name))
                return *value;
        return make_error(errc::conflict, "none of trackers.jira.wontdo_resolutions is a resolution the \"" +
                                              t.name + "\" transition offers: add one to the list.");
    }
    for (const char* name : {"Done", "Fixed"})
        if (auto value = offered(name)) return *value;
    for (const auto& value : t.resolutions)
        if (!is_wontdo(jira, value)) return value;
    return std::string();
}

}  // namespace

result<jira_transition> choose_jira_transition(const config::jira_tracker_settings& jira,
                                               std::string_view transitions_json, std::string_view status) {
    auto j = json::parse(transitions_json, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return make_error(errc::bad_input, "Jira's transitions are not a JSON object");
    auto offered = offered_transitions(j);
    std::vector<std::string> categories = status == "open" ? std::vector<std::string>{"new", "indeterminate"}
                                                           : std::vector<std::string>{"done"};
    auto preferred = [&](const offered_transition& t) {
        if (status == "wontdo")
            return is_wontdo(jira, t.to_name) || is_wontdo(jira, t.name) || same_name(t.to_name, "Won't Do");
        if (status == "done") return same_name(t.to_name, "Done") || same_name(t.name, "Done");
        return same_name(t.to_name, "To Do") || same_name(t.name, "Reopen");
    };
    for (const auto& category : categories) {
        std::vector<const offered_transition*> candidates;
        for (const auto& t : offered)
            if (t.category == category) candidates.push_back(&t);
        std::stable_partition(candidates.begin(), candidates.end(),
                              [&](const offered_transition* t) { return preferred(*t); });
        std::optional<error> refusal;
        for (const auto* t : candidates) {
            auto resolution = resolution_for(jira, *t, status);
            if (resolution) return jira_transition{t->id, *resolution};
            if (!refusal) refusal = resolution.failure();
        }
        if (refusal) return *refusal;
    }
    std::string names;
    for (const auto& t : offered) names += (names.empty() ? "" : ", ") + t.name;
    return make_error(errc::conflict,
                      std::string("the workflow offers this account no transition to ") +
                          (status == "open" ? "an open" : "a done") +
                          " status from here (it offers: " + (names.empty() ? "none" : names) +
                          "): give it the \"Transition issues\" permission in " + jira.project +
                          ", or add one.");
}

std::string jira_transition_json(const jira_transition& transition) {
    json j{{"transition", {{"id", transition.id}}}};
    if (!transition.resolution.empty()) j["fields"] = {{"resolution", {{"name", transition.resolution}}}};
    return j.dump();
}

tracker_verdict judge_jira(const config::jira_tracker_settings& jira, int status, const header_pairs& headers,
                           std::string_view body, std::int64_t now_epoch, int attempts, bool about_issue) {
    if (status >= 200 && status < 300) return {kind::ok};
    if (status == 429) {
        if (auto after = header_number(headers, "retry-after"))
            return {kind::wait, std::chrono::seconds{std::max<std::int64_t>(*after, 1)}};
        if (auto reset = reset_epoch(headers))
            return {kind::wait,
                    std::chrono::seconds{std::clamp<std::int64_t>(*reset - now_epoch + 1, 1, 3600)}};
        return {kind::wait, std::min(std::chrono::seconds{5} * (1 << std::clamp(attempts, 0, 6)),
                                     std::chrono::seconds{300})};
    }
    if (status == 0 || status >= 500 || status == 408) return {kind::unknown, retry_wait(headers, attempts)};
    auto said = jira_message(body);
    auto quoted = said.empty() ? std::string() : " (Jira said: " + said + ")";
    if (about_issue && status == 404) return {kind::issue_not_found, {}, "the issue is gone" + quoted};
    std::string problem;
    if (status == 401)
        problem = "Jira refused the credentials (401)" + quoted + ": " + credentials_hint(jira) +
                  " and restart hindsight.";
    else if (status == 403)
        problem = "Jira refused the request (403)" + quoted +
                  ": the account needs Browse, Create, Edit, Assign and " + "Transition issues in " +
                  jira.project + ".";
    else if (status == 404)
        problem = "Jira does not show the project or the resource (404)" + quoted +
                  ": check trackers.jira.url, trackers.jira.project and trackers.jira.flavor.";
    else if (status == 400)
        problem =
            "Jira refused a field (400)" + quoted +
            ": check trackers.jira.issue_type, the jira ids in [trackers.users], and any field the project "
            "requires on its create screen.";
    else if (status == 410)
        problem = "Jira removed this API (410)" + quoted + ": hindsight needs updating.";
    else
        problem = "Jira answered " + std::to_string(status) + quoted + ".";
    return {kind::needs_human, std::chrono::hours{1}, problem};
}

bool jira_refused_only_due(int status, std::string_view body) {
    if (status != 400) return false;
    auto j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return false;
    auto errors = j.find("errors");
    return errors != j.end() && errors->is_object() && errors->size() == 1 && errors->contains("duedate");
}

namespace {

// Which fields the changelog says changed.
struct changed_fields {
    bool status = false;
    bool assignee = false;
};

changed_fields changes_in(const json& payload) {
    changed_fields out;
    const json* changelog = object_at(payload, "changelog");
    if (!changelog) return out;
    auto items = changelog->find("items");
    if (items == changelog->end() || !items->is_array()) return out;
    for (const auto& item : *items) {
        if (!item.is_object()) continue;
        auto field = domain::ascii_lower(text_at(item, "fieldId").empty() ? text_at(item, "field")
                                                                          : text_at(item, "fieldId"));
        if (field == "status" || field == "resolution") out.status = true;
        if (field == "assignee") out.assignee = true;
    }
    return out;
}

}  // namespace

result<jira_webhook_events> read_jira_webhook(const config::jira_tracker_settings& jira,
                                              std::string_view body, domain::timestamp received_at) {
    auto payload = json::parse(body, nullptr, false);
    if (payload.is_discarded() || !payload.is_object())
        return make_error(errc::bad_input, "the body is not a JSON object");
    jira_webhook_events out;
    auto event = text_at(payload, "webhookEvent");
    if (event.empty()) return make_error(errc::bad_input, "the payload has no webhookEvent");
    const json* issue = object_at(payload, "issue");
    if (!issue || (event != "jira:issue_updated" && event != "jira:issue_deleted")) {
        out.ignored = event;
        return out;
    }
    auto read = issue_from(*issue);
    if (read.id.empty()) return make_error(errc::bad_input, "the payload's issue has no id");
    jira_issue_event ev;
    ev.key = read.key;
    ev.change.tracker = "jira";
    ev.change.issue = read.id;
    ev.change.url = read.key.empty() ? std::string() : jira_browse_url(jira, read.key);
    if (const json* user = object_at(payload, "user")) {
        ev.change.actor = text_at(*user, "displayName");
        ev.actor_id = user_of(user);
    }
    ev.change.at = received_at;
    if (event == "jira:issue_deleted") {
        ev.change.state = "deleted";
    } else {
        auto changed = changes_in(payload);
        if (changed.status) {
            ev.change.state = jira_action_state(jira, read);
            if (ev.change.state == "wontdo") ev.change.reason = read.resolution;
        }
        if (changed.assignee) {
            ev.change.assignee_known = true;
            ev.change.assignee = read.assignee;
        }
        if (!changed.status && !changed.assignee) {
            out.ignored = "an edit hindsight does not follow";
            return out;
        }
    }
    out.issues.push_back(std::move(ev));
    return out;
}

}  // namespace hindsight::trackers
