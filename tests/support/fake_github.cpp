#include "fake_github.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace hindsight::testing {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

json load_examples() {
    std::ifstream in(std::string(HINDSIGHT_SOURCE_DIR) + "/tests/fixtures/github/rest_examples.json");
    if (!in) throw std::runtime_error("tests/fixtures/github/rest_examples.json is missing");
    return json::parse(in);
}

std::string iso_of(std::int64_t ms) {
    std::time_t seconds = ms / 1000;
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&seconds));
    return buffer;
}

std::int64_t ms_of_iso(const std::string& text) {
    std::tm parts{};
    std::istringstream in(text);
    in >> std::get_time(&parts, "%Y-%m-%dT%H:%M:%S");
    if (in.fail()) return 0;
    return static_cast<std::int64_t>(timegm(&parts)) * 1000;
}

std::string query_value(const std::string& target, const std::string& name) {
    auto query = target.find('?');
    if (query == std::string::npos) return {};
    std::string rest = target.substr(query + 1);
    std::istringstream parts(rest);
    std::string pair;
    while (std::getline(parts, pair, '&')) {
        auto eq = pair.find('=');
        if (eq != std::string::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    }
    return {};
}

bot::http_response json_response(int status, std::string body) {
    return {status, "application/json; charset=utf-8", std::move(body)};
}

// The first scripted answer, taken off the list.
bot::http_response take_canned(std::vector<github_answer>& answers) {
    auto answer = answers.front();
    answers.erase(answers.begin());
    auto response = json_response(answer.status, answer.body);
    response.headers = answer.headers;
    return response;
}

}  // namespace

fake_github::fake_github(asio::io_context& io) : io_(io) {
    auto examples = load_examples();
    issue_example_ = examples.at("create_issue_201").dump();
    user_example_ = examples.at("get_user_200").dump();
    clock_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    server_ = std::make_unique<bot::http_server>(io, "127.0.0.1:0", bot::http_limits{});
    server_->route("GET", "/*", [this](const bot::http_request& r) { return handle(r); });
    server_->route("POST", "/*", [this](const bot::http_request& r) { return handle(r); });
    server_->route("PATCH", "/*", [this](const bot::http_request& r) { return handle(r); });
    asio::co_spawn(io, server_->run(), asio::detached);
}

fake_github::~fake_github() = default;

std::string fake_github::api_url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/";
}

void fake_github::stop() {
    for (auto& timer : held_) timer->cancel();
    server_->stop();
}

void fake_github::set_state(int number, const std::string& state, const std::string& reason) {
    std::lock_guard guard(lock_);
    auto& issue = state_.issues.at(number);
    issue.state = state;
    issue.state_reason = reason;
    issue.updated_ms = ++clock_ms_;
}

void fake_github::set_assignees(int number, std::vector<std::string> logins) {
    std::lock_guard guard(lock_);
    auto& issue = state_.issues.at(number);
    issue.assignees = std::move(logins);
    issue.updated_ms = ++clock_ms_;
}

void fake_github::remove(int number) {
    std::lock_guard guard(lock_);
    state_.issues.erase(number);
}

fake_github_state fake_github::snapshot() {
    std::lock_guard guard(lock_);
    return state_;
}

std::string fake_github::issue_json(int number) {
    const auto& issue = state_.issues.at(number);
    auto j = json::parse(issue_example_);
    auto base = std::string("https://api.github.com/repos/") + repo + "/issues/" + std::to_string(number);
    j["id"] = 1000 + number;
    j["number"] = number;
    j["url"] = base;
    j["html_url"] = std::string("https://github.com/") + repo + "/issues/" + std::to_string(number);
    j["title"] = issue.title;
    j["body"] = issue.body;
    j["state"] = issue.state;
    j["state_reason"] = issue.state_reason.empty() ? json(nullptr) : json(issue.state_reason);
    j["closed_at"] = issue.state == "closed" ? json(iso_of(issue.updated_ms)) : json(nullptr);
    j["created_at"] = iso_of(issue.created_ms);
    j["updated_at"] = iso_of(issue.updated_ms);
    json labels = json::array();
    for (const auto& name : issue.labels) labels.push_back({{"id", 1}, {"name", name}, {"color", "f29513"}});
    j["labels"] = labels;
    json people = json::array();
    auto person = j.at("user");
    for (const auto& who : issue.assignees) {
        person["login"] = who;
        people.push_back(person);
    }
    j["assignees"] = people;
    j["assignee"] = people.empty() ? json(nullptr) : people.front();
    j["user"]["login"] = issue.creator;
    j.erase("pull_request");
    return j.dump();
}

void fake_github::log(const bot::http_request& request) {
    github_call call{request.method,
                     request.target,
                     request.body,
                     request.header("authorization"),
                     request.header("user-agent"),
                     request.header("x-github-api-version")};
    state_.calls.push_back(call);
    if (const char* path = std::getenv("HINDSIGHT_FAKE_GITHUB_LOG")) {
        std::ofstream out(path, std::ios::app);
        out << json{{"method", call.method},
                    {"target", call.target},
                    {"body", call.body},
                    {"user_agent", call.user_agent},
                    {"api_version", call.api_version}}
                   .dump()
            << "\n";
    }
}

asio::awaitable<bot::http_response> fake_github::handle(const bot::http_request& request) {
    std::unique_lock guard(lock_);
    log(request);
    if (request.header("authorization") != std::string("Bearer ") + token)
        co_return json_response(
            401, R"({"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"})");
    if (request.header("user-agent").empty())
        co_return json_response(403, R"({"message":"Request forbidden by administrative rules."})");
    auto path = request.path();
    auto issues = std::string("/repos/") + repo + "/issues";
    if (request.method == "GET" && path == "/user") {
        auto j = json::parse(user_example_);
        j["login"] = login;
        co_return json_response(200, j.dump());
    }
    if (path == issues && request.method == "GET") co_return list(request);
    if (path == issues && request.method == "POST") {
        bool hold = hold_creates > 0;
        if (hold) --hold_creates;
        auto answer = create(request);
        if (!hold) co_return answer;
        // The issue exists; its answer never comes (a reply lost with a dying connection, a kill -9).
        auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::minutes{10});
        held_.push_back(timer);
        guard.unlock();
        boost::system::error_code ignored;
        co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        co_return json_response(502, R"({"message":"Server Error"})");
    }
    if (path.starts_with(issues + "/")) {
        auto number = std::atoi(path.substr(issues.size() + 1).c_str());
        if (!state_.issues.count(number)) co_return json_response(404, R"({"message":"Not Found"})");
        if (request.method == "GET") co_return json_response(200, issue_json(number));
        if (request.method == "PATCH") co_return update(number, request);
    }
    co_return json_response(404, R"({"message":"Not Found"})");
}

bot::http_response fake_github::create(const bot::http_request& request) {
    if (!create_answers.empty()) return take_canned(create_answers);
    auto body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.contains("title"))
        return json_response(422, R"({"message":"Validation Failed"})");
    github_issue_state issue;
    issue.number = state_.creates + 1;  // numbers are never reused, even after a delete
    issue.title = body["title"].get<std::string>();
    issue.body = body.value("body", "");
    issue.labels = body.value("labels", std::vector<std::string>{});
    issue.assignees = body.value("assignees", std::vector<std::string>{});
    issue.creator = login;
    issue.created_ms = issue.updated_ms = ++clock_ms_;
    ++state_.creates;
    state_.issues[issue.number] = issue;
    if (fail_create_replies > 0) {
        --fail_create_replies;
        return json_response(502, R"({"message":"Server Error"})");
    }
    return json_response(201, issue_json(issue.number));
}

bot::http_response fake_github::update(int number, const bot::http_request& request) {
    ++state_.patches;
    if (!patch_answers.empty()) return take_canned(patch_answers);
    auto body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) return json_response(400, R"({"message":"Problems parsing JSON"})");
    auto& issue = state_.issues.at(number);
    if (body.contains("title")) issue.title = body["title"].get<std::string>();
    if (body.contains("body")) issue.body = body["body"].get<std::string>();
    if (body.contains("assignees")) issue.assignees = body["assignees"].get<std::vector<std::string>>();
    if (body.contains("state")) {
        issue.state = body["state"].get<std::string>();
        issue.state_reason = body.value("state_reason", "");
    }
    issue.updated_ms = ++clock_ms_;
    return json_response(200, issue_json(number));
}

bot::http_response fake_github::list(const bot::http_request& request) {
    ++state_.lists;
    auto creator = query_value(request.target, "creator");
    auto since = ms_of_iso(query_value(request.target, "since"));
    auto per_page = std::max(1, std::atoi(query_value(request.target, "per_page").c_str()));
    auto page = std::max(1, std::atoi(query_value(request.target, "page").c_str()));
    std::vector<int> matching;
    for (auto it = state_.issues.rbegin(); it != state_.issues.rend(); ++it)  // newest first
        if ((creator.empty() || it->second.creator == creator) && it->second.updated_ms >= since)
            matching.push_back(it->first);
    json out = json::array();
    for (std::size_t i = static_cast<std::size_t>((page - 1) * per_page);
         i < matching.size() && i < static_cast<std::size_t>(page * per_page); ++i)
        out.push_back(json::parse(issue_json(matching[i])));
    return json_response(200, out.dump());
}

}  // namespace hindsight::testing
