#include "bot/trackers/github_worker.hpp"

#include <spdlog/spdlog.h>

#include "commands/handlers.hpp"
#include "domain/text.hpp"
#include "domain/tracker_text.hpp"

namespace hindsight::trackers {

namespace asio = boost::asio;
using bot::http_request;
using bot::http_response;
using storage::tracker_link;
using kind = tracker_verdict::kind;

namespace {

constexpr const char* github = "github";
constexpr int lookup_pages = 5;  // 500 issues created since the first try: more would be a flood anyway

// A login in a query string: GitHub Apps sign in as "name[bot]".
std::string query_escaped(const std::string& text) {
    std::string out;
    for (unsigned char ch : text) {
        if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.') {
            out += static_cast<char>(ch);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", ch);
            out += hex;
        }
    }
    return out;
}

std::string quote_label(const std::string& label) {
    return "\"" + domain::truncate_utf8(label, 50) + "\"";
}

tracked_issue tracked(const github_issue& issue) {
    std::string reason;
    if (issue.state == "wontdo") reason = issue.state_reason == "duplicate" ? "duplicate" : "not planned";
    return {issue.number, issue.url, issue.state, reason, issue.assignees, issue.updated_at};
}

}  // namespace

github_worker::github_worker(asio::io_context& io, const config::settings& cfg, bot::clock& time,
                             bot::metrics& stats, commands::engine& engine, chat::event_sink sink,
                             workspace_list workspaces, std::function<void()> wake_outbox)
    : tracker_worker(io, cfg, time, stats, engine, std::move(sink), std::move(workspaces),
                     std::move(wake_outbox),
                     {github, "GitHub", std::chrono::seconds{1},  // GitHub's advice for mutating requests
                      std::chrono::milliseconds{100}}) {}

void github_worker::add_routes(bot::http_server& server) {
    server.route("POST", "/trackers/github", [this](const http_request& r) { return on_webhook(r); });
}

std::string github_worker::repo_path() const {
    return "repos/" + cfg_.trackers.github.repo;
}

header_pairs github_worker::request_headers() {
    return github_headers(cfg_.secret.github_token);
}

std::string github_worker::base_url() {
    return cfg_.trackers.github.api_url;
}

std::chrono::seconds github_worker::quota_pause(const header_pairs& headers) {
    return github_quota_pause(headers, now_epoch());
}

tracker_verdict github_worker::judge_answer(const bot::web_response& response, int attempts,
                                            bool about_issue) {
    return judge_github(response.status, response.headers, response.body, now_epoch(), attempts, about_issue);
}

std::optional<issue_content> github_worker::content_for(const tracker_link& link,
                                                        const domain::action_item& a) {
    auto& store = engine_.store();
    auto inc = store.incidents.find_by_id(a.incident_id);
    if (!inc) return std::nullopt;
    issue_facts facts{a,
                      *inc,
                      store.incidents.display_name(a.workspace, a.owner),
                      commands::tracker_login_for(cfg_, github, a.owner),
                      cfg_.trackers.github.labels,
                      link.marker};
    return github_issue_for(facts);
}

// GET /user: the login every issue hindsight opens is created by (the lookup filters by it).
asio::awaitable<bool> github_worker::sign_in() {
    if (cfg_.trackers.github.repo.empty()) co_return false;
    auto login = co_await who_am_i("user", [](std::string_view body) { return read_login(body); });
    if (!login) co_return false;
    login_ = *login;
    spdlog::info("GitHub: signed in as {}, following {}", login_, cfg_.trackers.github.repo);
    co_return true;
}

// The repository's own issue list (not search, which lags): issues the bot's login opened since the first
// try, newest first.
asio::awaitable<tracker_worker::lookup> github_worker::find_created(const tracker_link& link) {
    auto since = link.creating_since.value_or(clock_.now()) - std::chrono::minutes{1};
    for (int page = 1; page <= lookup_pages; ++page) {
        auto path = repo_path() + "/issues?creator=" + query_escaped(login_) +
                    "&state=all&sort=created&direction=desc&since=" + domain::format_iso(since) +
                    "&per_page=100&page=" + std::to_string(page);
        auto response = co_await call("GET", path, "", false);
        auto verdict = judge(response, link, false);
        auto listed = verdict.what == kind::ok
                          ? read_issue_list(response.body)
                          : result<std::vector<github_issue>>(error{errc::bad_input, ""});
        if (!listed) co_return lookup{std::nullopt, false, std::max(verdict.after, std::chrono::seconds{5})};
        for (const auto& issue : *listed)
            if (!issue.pull_request && domain::body_has_marker(issue.body, link.marker))
                co_return lookup{tracked(issue), true};
        if (listed->size() < 100) break;
    }
    co_return lookup{std::nullopt, true};
}

asio::awaitable<tracker_worker::created> github_worker::send_create(const tracker_link& link,
                                                                    const domain::action_item& a) {
    auto content = content_for(link, a);
    if (!content) co_return created{{kind::needs_human, std::chrono::hours{1}, "its incident is gone"}};
    auto response = co_await call("POST", repo_path() + "/issues", create_issue_json(*content), true);
    auto verdict = judge(response, link, false);
    if (verdict.what != kind::ok) co_return created{verdict};
    auto issue = read_issue(response.body);
    if (!issue) co_return created{verdict};  // an answer without an issue: looked for before trying again
    for (const auto& label : content->labels)
        if (std::find(issue->labels.begin(), issue->labels.end(), label) == issue->labels.end()) {
            say_problem(link, "GitHub dropped the label " + quote_label(label) +
                                  ": the token has no push access to " + cfg_.trackers.github.repo + ".");
            break;
        }
    co_return created{verdict, tracked(*issue)};
}

// One PATCH: state (and why), assignee, and for an issue hindsight wrote, its title and body.
asio::awaitable<tracker_verdict> github_worker::send_update(const tracker_link& link,
                                                            const domain::action_item& a, update_plan& plan) {
    auto content = content_for(link, a);
    if (!content) co_return tracker_verdict{kind::needs_human, std::chrono::hours{1}, "its incident is gone"};
    content->status = plan.status;
    content->assignees.clear();
    if (!plan.assignee.empty()) content->assignees.push_back(plan.assignee);
    auto response = co_await call("PATCH", repo_path() + "/issues/" + link.issue,
                                  update_issue_json(*content, plan.state_changed, link.ours), true);
    co_return judge(response, link, true);
}

asio::awaitable<tracker_worker::fetched> github_worker::fetch(const tracker_link& link) {
    auto response = co_await call("GET", repo_path() + "/issues/" + link.issue, "", false);
    auto verdict = judge(response, link, true);
    if (verdict.what != kind::ok) co_return fetched{verdict};
    auto issue = read_issue(response.body);
    if (!issue) co_return fetched{{kind::unknown, std::chrono::seconds{30}}};
    co_return fetched{verdict, tracked(*issue)};
}

// POST /trackers/github: signed (X-Hub-Signature-256 over the raw body), deduplicated by X-GitHub-Delivery
// (the same on a redelivery).
asio::awaitable<http_response> github_worker::on_webhook(const http_request& request) {
    if (cfg_.secret.github_webhook_secret.empty())
        co_return refuse_webhook(
            503, "GITHUB_WEBHOOK_SECRET is not set: hindsight cannot check GitHub's signature");
    if (!request.header("content-type").starts_with("application/json"))
        co_return refuse_webhook(415, "set the webhook's content type to application/json");
    if (!hub_signature_valid(cfg_.secret.github_webhook_secret, request.body,
                             request.header("x-hub-signature-256")))
        co_return refuse_webhook(401, "the X-Hub-Signature-256 signature does not match this body");
    github_delivery delivery{request.header("x-github-event"), request.header("x-github-delivery"),
                             request.body};
    if (delivery.id.empty() || delivery.event.empty())
        co_return refuse_webhook(400, "X-GitHub-Event and X-GitHub-Delivery are required");
    auto read = read_github_webhook(delivery, cfg_.trackers.github.repo, clock_.now());
    if (!read) co_return refuse_webhook(400, read.failure().message);
    std::vector<chat::inbound> batch;
    for (std::size_t i = 0; i < read->issues.size(); ++i) {
        auto link = engine_.store().trackers.find_by_issue(github, read->issues[i].issue);
        if (!link) continue;
        batch.push_back(
            {link->workspace, "github:" + delivery.id + "#" + std::to_string(i), read->issues[i]});
    }
    auto workspace = read->mentions.empty() ? std::string() : only_workspace(cfg_.trackers.github.workspace);
    for (std::size_t i = 0; i < read->mentions.size() && !workspace.empty(); ++i)
        batch.push_back({workspace, "github:" + delivery.id + "#m" + std::to_string(i), read->mentions[i]});
    co_return co_await accept_webhook(std::move(batch), read->ignored);
}

}  // namespace hindsight::trackers
