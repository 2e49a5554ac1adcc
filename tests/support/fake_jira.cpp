#include "fake_jira.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "bot/alerts/verify.hpp"

namespace hindsight::testing {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

json load_fixture(const std::string& name) {
    std::ifstream in(std::string(HINDSIGHT_SOURCE_DIR) + "/tests/fixtures/jira/" + name);
    if (!in) throw std::runtime_error("tests/fixtures/jira/" + name + " is missing");
    return json::parse(in);
}

bot::http_response json_response(int status, std::string body) {
    return {status, "application/json;charset=UTF-8", std::move(body)};
}

bot::http_response no_content() {
    return {204, "", ""};
}

bot::http_response field_error(const std::string& field, const std::string& message) {
    return json_response(400, json{{"errorMessages", json::array()}, {"errors", {{field, message}}}}.dump());
}

bot::http_response message_error(int status, const std::string& message) {
    return json_response(status, json{{"errorMessages", {message}}, {"errors", json::object()}}.dump());
}

bot::http_response take_canned(std::vector<jira_answer>& answers) {
    auto answer = answers.front();
    answers.erase(answers.begin());
    auto response = json_response(answer.status, answer.body);
    response.headers = answer.headers;
    return response;
}

struct status_info {
    const char* id;
    const char* category;
};

status_info status_of(const std::string& name) {
    if (name == "In Progress") return {"3", "indeterminate"};
    if (name == "Done") return {"10001", "done"};
    return {"10000", "new"};
}

// The small workflow: which transitions each status offers (id, name, target status).
std::vector<std::array<const char*, 3>> offered_from(const std::string& status) {
    if (status == "To Do") return {{"21", "Start Progress", "In Progress"}, {"31", "Done", "Done"}};
    if (status == "In Progress") return {{"11", "Stop Progress", "To Do"}, {"31", "Done", "Done"}};
    return {{"41", "Reopen", "To Do"}};
}

bool is_adf_document(const json& j) {
    return j.is_object() && j.value("type", "") == "doc" && j.value("version", 0) == 1 &&
           j.contains("content") && j["content"].is_array();
}

}  // namespace

fake_jira::fake_jira(asio::io_context& io, bool cloud) : io_(io), cloud_(cloud) {
    issue_example_ = load_fixture("issue.json").dump();
    transition_example_ = load_fixture("transitions.json").at("transitions").at(0).dump();
    webhook_example_ = load_fixture("webhook_issue_updated.json").dump();
    server_ = std::make_unique<bot::http_server>(io, "127.0.0.1:0", bot::http_limits{});
    for (const char* method : {"GET", "POST", "PUT"})
        server_->route(method, "/*", [this](const bot::http_request& r) { return handle(r); });
    asio::co_spawn(io, server_->run(), asio::detached);
}

fake_jira::~fake_jira() = default;

std::string fake_jira::url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/";
}

void fake_jira::stop() {
    for (auto& timer : held_) timer->cancel();
    server_->stop();
}

std::int64_t fake_jira::now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void fake_jira::set_status(const std::string& id, const std::string& status, const std::string& resolution) {
    std::lock_guard guard(lock_);
    auto& issue = state_.issues.at(id);
    issue.status = status;
    issue.resolution = resolution;
    issue.updated_ms = now_ms();
}

void fake_jira::set_assignee(const std::string& id, const std::string& who) {
    std::lock_guard guard(lock_);
    auto& issue = state_.issues.at(id);
    issue.assignee = who;
    issue.updated_ms = now_ms();
}

void fake_jira::remove(const std::string& id) {
    std::lock_guard guard(lock_);
    state_.issues.erase(id);
}

fake_jira_state fake_jira::snapshot() {
    std::lock_guard guard(lock_);
    return state_;
}

std::string fake_jira::issue_json(const std::string& id) {
    const auto& issue = state_.issues.at(id);
    auto j = json::parse(issue_example_);
    auto api = std::string(cloud_ ? "rest/api/3/" : "rest/api/2/");
    j["id"] = issue.id;
    j["key"] = issue.key;
    j["self"] = url() + api + "issue/" + issue.id;
    auto& fields = j["fields"];
    fields["summary"] = issue.summary;
    fields["labels"] = issue.labels;
    fields["duedate"] = issue.due.empty() ? json(nullptr) : json(issue.due);
    std::time_t seconds = issue.updated_ms / 1000;
    char updated[40];
    std::strftime(updated, sizeof updated, "%Y-%m-%dT%H:%M:%S", std::gmtime(&seconds));
    fields["updated"] =
        std::string(updated) + "." + std::to_string(1000 + issue.updated_ms % 1000).substr(1) + "+0000";
    auto info = status_of(issue.status);
    fields["status"]["name"] = issue.status;
    fields["status"]["id"] = info.id;
    fields["status"]["statusCategory"]["key"] = info.category;
    fields["resolution"] =
        issue.resolution.empty() ? json(nullptr) : json{{"name", issue.resolution}, {"id", "10000"}};
    if (issue.assignee.empty()) {
        fields["assignee"] = nullptr;
    } else {
        json person = {{"displayName", "Someone"}, {"active", true}};
        person[user_field()] = issue.assignee;
        fields["assignee"] = person;
    }
    return j.dump();
}

std::string fake_jira::issue_json(const std::string& id, const std::vector<std::string>& fields) {
    auto whole = json::parse(issue_json(id));
    json kept = json::object();
    for (const auto& field : fields)
        if (whole["fields"].contains(field)) kept[field] = whole["fields"][field];
    whole["fields"] = kept;
    return whole.dump();
}

std::string fake_jira::webhook_body(const std::string& id, const std::vector<std::string>& changed_fields,
                                    const std::string& actor) {
    std::lock_guard guard(lock_);
    auto j = json::parse(webhook_example_);
    if (!actor.empty()) {
        j["user"].erase("accountId");
        j["user"][user_field()] = actor;
        j["user"]["displayName"] = actor == account ? "hindsight" : actor;
    }
    j["timestamp"] = now_ms();
    j["issue"] = json::parse(issue_json(id));
    json items = json::array();
    for (const auto& field : changed_fields)
        items.push_back({{"field", field},
                         {"fieldtype", "jira"},
                         {"fieldId", field},
                         {"from", nullptr},
                         {"fromString", nullptr},
                         {"to", nullptr},
                         {"toString", nullptr}});
    j["changelog"]["items"] = items;
    j["changelog"]["id"] = std::to_string(now_ms() % 100000);
    return j.dump();
}

std::string fake_jira::find_id(const std::string& id_or_key) {
    if (state_.issues.count(id_or_key)) return id_or_key;
    for (const auto& [id, issue] : state_.issues)
        if (issue.key == id_or_key) return id;
    return {};
}

asio::awaitable<bot::http_response> fake_jira::handle(const bot::http_request& request) {
    std::unique_lock guard(lock_);
    state_.calls.push_back({request.method, request.target, request.body});
    auto expected = cloud_ ? "Basic " + alerts::base64_encode(std::string(email) + ":" + api_token)
                           : std::string("Bearer ") + pat;
    if (request.header("authorization") != expected)
        co_return message_error(401, "Client must be authenticated to access this resource.");
    auto api = std::string(cloud_ ? "/rest/api/3/" : "/rest/api/2/");
    auto path = request.path();
    if (!path.starts_with(api)) co_return message_error(404, "null for uri: " + path);
    path = path.substr(api.size());
    if (request.method == "POST" && path == "issue" && hold_creates > 0) {
        --hold_creates;
        create(request);
        // The issue exists; its answer never comes (a reply lost with a dying connection, a kill -9).
        auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::minutes{10});
        held_.push_back(timer);
        guard.unlock();
        boost::system::error_code ignored;
        co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        co_return message_error(502, "Bad Gateway");
    }
    co_return route(request, path);
}

bot::http_response fake_jira::route(const bot::http_request& request, const std::string& path) {
    if (request.method == "GET" && path == "myself") {
        json me{{"displayName", "hindsight"}, {"active", true}};
        me[user_field()] = account;
        return json_response(200, me.dump());
    }
    if (request.method == "POST" && path == "issue") return create(request);
    if (path == "search" && cloud_)  // CHANGE-2046: removed on Cloud
        return message_error(
            410, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.");
    if (request.method == "POST" && path == (cloud_ ? "search/jql" : "search")) return search(request);
    std::smatch parts;
    static const std::regex issue_path("issue/([^/?]+)(/transitions)?");
    if (!std::regex_match(path, parts, issue_path)) return message_error(404, "null for uri: " + path);
    auto id = find_id(parts[1]);
    if (id.empty())
        return message_error(404, "Issue does not exist or you do not have permission to see it.");
    bool transitions = parts[2].matched;
    if (request.method == "GET" && !transitions) return json_response(200, issue_json(id));
    if (request.method == "PUT" && !transitions) return edit(id, request);
    if (request.method == "GET")
        return transitions_of(id, request.target.find("expand=transitions.fields") != std::string::npos);
    if (request.method == "POST") return transition(id, request);
    return message_error(405, "Method not allowed");
}

// What Jira checks of a create or an edit's fields, with its own error shapes.
namespace {

std::optional<bot::http_response> check_fields(const json& fields, bool cloud, bool creating,
                                               bool due_on_screens) {
    static const std::vector<std::string> known{"project", "issuetype", "summary", "description",
                                                "labels",  "assignee",  "duedate"};
    for (const auto& [name, value] : fields.items())
        if (std::find(known.begin(), known.end(), name) == known.end())
            return field_error(
                name, "Field '" + name + "' cannot be set. It is not on the appropriate screen, or unknown.");
    if (creating) {
        if (fields.value("/project/key"_json_pointer, std::string()) != fake_jira::project)
            return field_error("project", "valid project is required");
        if (fields.value("/issuetype/name"_json_pointer, std::string()) != "Task")
            return field_error("issuetype", "The issue type selected is invalid.");
        if (!fields.contains("summary"))
            return field_error("summary", "You must specify a summary of the issue.");
    }
    if (fields.contains("summary")) {
        const auto& summary = fields["summary"];
        if (!summary.is_string() || summary.get<std::string>().empty() ||
            summary.get<std::string>().size() > 255 ||
            summary.get<std::string>().find('\n') != std::string::npos)
            return field_error("summary", "Summary must be less than 255 characters and one line.");
    }
    if (fields.contains("description")) {
        const auto& d = fields["description"];
        if (cloud && !is_adf_document(d))
            return field_error("description",
                               "Operation value must be an Atlassian Document (see the Atlassian "
                               "Document Format)");
        if (!cloud && !d.is_string()) return field_error("description", "Operation value must be a string");
    }
    if (fields.contains("labels")) {
        if (!fields["labels"].is_array()) return field_error("labels", "Labels must be a list");
        for (const auto& label : fields["labels"])
            if (!label.is_string() || label.get<std::string>().find(' ') != std::string::npos)
                return field_error("labels",
                                   "The label '" + label.dump() + "' contains spaces which is invalid.");
    }
    if (fields.contains("assignee") && !fields["assignee"].is_null()) {
        const auto& a = fields["assignee"];
        auto field = cloud ? "accountId" : "name";
        if (!a.is_object() || !a.contains(field) || !a[field].is_string())
            return field_error("assignee",
                               cloud ? "Specify the user by accountId" : "Specify the user by name");
    }
    if (fields.contains("duedate")) {
        if (!due_on_screens)
            return field_error(
                "duedate", "Field 'duedate' cannot be set. It is not on the appropriate screen, or unknown.");
        static const std::regex date("\\d{4}-\\d{2}-\\d{2}");
        if (!fields["duedate"].is_string() || !std::regex_match(fields["duedate"].get<std::string>(), date))
            return field_error("duedate", "Error parsing date string: " + fields["duedate"].dump());
    }
    return std::nullopt;
}

void apply_fields(jira_issue_state& issue, const json& fields, bool cloud) {
    if (fields.contains("summary")) issue.summary = fields["summary"].get<std::string>();
    if (fields.contains("description")) issue.description = fields["description"].dump();
    if (fields.contains("labels")) issue.labels = fields["labels"].get<std::vector<std::string>>();
    if (fields.contains("duedate")) issue.due = fields["duedate"].get<std::string>();
    if (fields.contains("assignee"))
        issue.assignee = fields["assignee"].is_null()
                             ? ""
                             : fields["assignee"][cloud ? "accountId" : "name"].get<std::string>();
}

}  // namespace

bot::http_response fake_jira::create(const bot::http_request& request) {
    auto body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.contains("fields") || !body["fields"].is_object())
        return message_error(400, "Can not deserialize the request body");
    if (auto refused = check_fields(body["fields"], cloud_, true, due_on_screens)) return *refused;
    jira_issue_state issue;
    issue.id = std::to_string(10000 + state_.creates);
    issue.key = std::string(project) + "-" + std::to_string(state_.creates + 1);
    issue.created_ms = issue.updated_ms = now_ms();
    apply_fields(issue, body["fields"], cloud_);
    ++state_.creates;
    state_.issues[issue.id] = issue;
    if (fail_create_replies > 0) {
        --fail_create_replies;
        return message_error(502, "Bad Gateway");
    }
    auto created = load_fixture("created.json");
    created["id"] = issue.id;
    created["key"] = issue.key;
    created["self"] = url() + (cloud_ ? "rest/api/3/issue/" : "rest/api/2/issue/") + issue.id;
    return json_response(201, created.dump());
}

bot::http_response fake_jira::edit(const std::string& id, const bot::http_request& request) {
    ++state_.edits;
    if (!edit_answers.empty()) return take_canned(edit_answers);
    auto body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.contains("fields") || !body["fields"].is_object())
        return message_error(400, "Can not deserialize the request body");
    if (auto refused = check_fields(body["fields"], cloud_, false, due_on_screens)) return *refused;
    auto& issue = state_.issues.at(id);
    apply_fields(issue, body["fields"], cloud_);
    issue.updated_ms = now_ms();
    return no_content();
}

bot::http_response fake_jira::transitions_of(const std::string& id, bool with_fields) {
    json list = json::array();
    for (const auto& [tid, name, to] : offered_from(state_.issues.at(id).status)) {
        auto t = json::parse(transition_example_);
        auto info = status_of(to);
        t["id"] = tid;
        t["name"] = name;
        t["to"]["name"] = to;
        t["to"]["id"] = info.id;
        t["to"]["statusCategory"]["key"] = info.category;
        if (std::string(to) == "Done" && resolution_on_done_screen)
            t["fields"]["resolution"]["allowedValues"] =
                json::array({{{"name", "Done"}, {"id", "10000"}},
                             {{"name", "Won't Do"}, {"id", "10001"}},
                             {{"name", "Duplicate"}, {"id", "10002"}}});
        else
            t.erase("fields");
        if (!with_fields) t.erase("fields");  // only with ?expand=transitions.fields
        list.push_back(t);
    }
    return json_response(200, json{{"expand", "transitions"}, {"transitions", list}}.dump());
}

bot::http_response fake_jira::transition(const std::string& id, const bot::http_request& request) {
    ++state_.transitions;
    if (!transition_answers.empty()) return take_canned(transition_answers);
    auto body = json::parse(request.body, nullptr, false);
    auto wanted =
        body.is_discarded() ? std::string() : body.value("/transition/id"_json_pointer, std::string());
    auto& issue = state_.issues.at(id);
    for (const auto& [tid, name, to] : offered_from(issue.status)) {
        if (wanted != tid) continue;
        auto resolution = body.value("/fields/resolution/name"_json_pointer, std::string());
        bool screen = std::string(to) == "Done" && resolution_on_done_screen;
        if (screen && resolution.empty()) return field_error("resolution", "Resolution is required.");
        if (!screen && !resolution.empty())
            return field_error(
                "resolution",
                "Field 'resolution' cannot be set. It is not on the appropriate screen, or unknown.");
        if (screen && resolution != "Done" && resolution != "Won't Do" && resolution != "Duplicate")
            return field_error("resolution", "Could not find valid 'id' or 'name' in resolution object.");
        issue.status = to;
        issue.resolution = resolution;
        issue.updated_ms = now_ms();
        return no_content();
    }
    return message_error(400, "Transition id '" + wanted + "' is not valid for this issue.");
}

// JQL as hindsight writes it: project = "OPS" AND labels = "…" ORDER BY created DESC.
bot::http_response fake_jira::search(const bot::http_request& request) {
    ++state_.searches;
    auto body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.contains("jql")) return message_error(400, "jql is required");
    std::smatch parts;
    static const std::regex jql("project = \"([A-Z]+)\" AND labels = \"([^\"]+)\" ORDER BY created DESC");
    auto text = body["jql"].get<std::string>();
    if (!std::regex_match(text, parts, jql)) return message_error(400, "Error in the JQL Query: " + text);
    json found = json::array();
    auto visible_before = now_ms() - search_lag_ms;
    for (auto it = state_.issues.rbegin(); it != state_.issues.rend(); ++it) {
        const auto& issue = it->second;
        bool labelled =
            std::find(issue.labels.begin(), issue.labels.end(), parts[2].str()) != issue.labels.end();
        if (labelled && parts[1] == project && issue.created_ms <= visible_before)
            found.push_back(
                json::parse(issue_json(it->first, body.value("fields", std::vector<std::string>{}))));
    }
    if (!cloud_)
        return json_response(
            200, json{{"startAt", 0}, {"maxResults", 10}, {"total", found.size()}, {"issues", found}}.dump());
    auto page = load_fixture("search_jql.json");
    page["issues"] = found;
    return json_response(200, page.dump());
}

}  // namespace hindsight::testing
