#include "bot/trackers/jira_worker.hpp"

#include <spdlog/spdlog.h>

#include "commands/handlers.hpp"
#include "domain/text.hpp"

namespace hindsight::trackers {

namespace asio = boost::asio;
using bot::http_request;
using bot::http_response;
using storage::tracker_link;
using kind = tracker_verdict::kind;

namespace {

constexpr const char* jira_name = "jira";
// Jira's search index lags a create ("recent updates might not be immediately visible"): a create whose
// answer was lost is looked for only this long after it was sent.
constexpr auto search_lag = std::chrono::seconds{10};

}  // namespace

jira_worker::jira_worker(asio::io_context& io, const config::settings& cfg, bot::clock& time,
                         bot::metrics& stats, commands::engine& engine, chat::event_sink sink,
                         workspace_list workspaces, std::function<void()> wake_outbox)
    : tracker_worker(io, cfg, time, stats, engine, std::move(sink), std::move(workspaces),
                     std::move(wake_outbox),
                     // Jira Cloud's burst limits are per endpoint and per issue written: writes kept apart.
                     {jira_name, "Jira", std::chrono::milliseconds{250}, std::chrono::milliseconds{50}}),
      jira_(cfg.trackers.jira) {}

void jira_worker::add_routes(bot::http_server& server) {
    server.route("POST", "/trackers/jira", [this](const http_request& r) { return on_webhook(r); });
}

header_pairs jira_worker::request_headers() {
    return jira_headers(jira_, cfg_.secret);
}

std::string jira_worker::base_url() {
    return jira_.url + jira_api(jira_);
}

tracker_verdict jira_worker::judge_answer(const bot::web_response& response, int attempts, bool about_issue) {
    return judge_jira(jira_, response.status, response.headers, response.body, now_epoch(), attempts,
                      about_issue);
}

tracked_issue jira_worker::tracked(const jira_issue& issue) const {
    auto state = jira_action_state(jira_, issue);
    std::vector<std::string> assignees;
    if (!issue.assignee.empty()) assignees.push_back(issue.assignee);
    return {issue.id,  jira_browse_url(jira_, issue.key),
            state,     state == "wontdo" ? issue.resolution : std::string(),
            assignees, issue.updated};
}

std::optional<jira_content> jira_worker::content_for(const tracker_link& link, const domain::action_item& a) {
    auto& store = engine_.store();
    auto inc = store.incidents.find_by_id(a.incident_id);
    if (!inc) return std::nullopt;
    jira_facts facts{a, *inc, store.incidents.display_name(a.workspace, a.owner),
                     commands::tracker_login_for(cfg_, jira_name, a.owner), link.marker};
    return jira_issue_for(jira_, facts);
}

// Said once: the issue is created anyway, and the due date stays in chat (where reminders come from).
void jira_worker::due_refused(const tracker_link& link) {
    with_due_ = false;
    count_problem();
    say_problem(link, "the due date field (duedate) is not on the " + jira_.project +
                          " screens, so the issue has none: add the field to the project's create and edit "
                          "screens (hindsight sets it after a restart).");
}

// GET myself: the credentials work (a 401 here is said in the log before any action needs Jira).
asio::awaitable<bool> jira_worker::sign_in() {
    if (jira_.url.empty()) co_return false;
    auto who = co_await who_am_i("myself", [](std::string_view body) { return read_jira_myself(body); });
    if (!who) co_return false;
    account_ = *who;
    spdlog::info("Jira: signed in as {}, following project {} on {}", account_, jira_.project, jira_.url);
    co_return true;
}

// JQL by the marker label, once the index has had time to show the latest create that went through (longer
// after each unanswered one).
asio::awaitable<tracker_worker::lookup> jira_worker::find_created(const tracker_link& link) {
    auto sent = link.last_sent_at.value_or(link.creating_since.value_or(clock_.now()));
    auto lag = search_lag * std::clamp(link.sends, 1, 6);
    if (auto age = clock_.now() - sent; age < lag)
        co_return lookup{
            std::nullopt, false,
            std::chrono::duration_cast<std::chrono::seconds>(lag - age) + std::chrono::seconds{1}};
    auto path = jira_.cloud ? "search/jql" : "search";
    auto response = co_await call("POST", path, jira_lookup_json(jira_, link.marker), false);
    auto verdict = judge(response, link, false);
    auto found = verdict.what == kind::ok ? read_jira_search(response.body)
                                          : result<std::vector<jira_issue>>(error{errc::bad_input, ""});
    if (!found) co_return lookup{std::nullopt, false, std::max(verdict.after, std::chrono::seconds{5})};
    auto label = jira_marker_label(link.marker);
    for (const auto& issue : *found)
        if (std::find(issue.labels.begin(), issue.labels.end(), label) != issue.labels.end())
            co_return lookup{tracked(issue), true};
    co_return lookup{std::nullopt, true};
}

asio::awaitable<tracker_worker::created> jira_worker::send_create(const tracker_link& link,
                                                                  const domain::action_item& a) {
    auto content = content_for(link, a);
    if (!content) co_return created{{kind::needs_human, std::chrono::hours{1}, "its incident is gone"}};
    auto response = co_await call("POST", "issue", jira_create_json(jira_, *content, with_due_), true);
    if (with_due_ && jira_refused_only_due(response.status, response.body)) {
        due_refused(link);  // nothing was created: the same create without the field
        response = co_await call("POST", "issue", jira_create_json(jira_, *content, false), true);
    }
    auto verdict = judge(response, link, false);
    if (verdict.what != kind::ok) co_return created{verdict};
    auto issue = read_jira_created(response.body);
    if (!issue) co_return created{verdict};  // an answer without an issue: looked for before trying again
    auto out = tracked(*issue);
    out.state = "open";
    if (!content->assignee.empty()) out.assignees = {content->assignee};
    co_return created{verdict, out};
}

// The fields (PUT issue), then the workflow transition when the state changes.
asio::awaitable<tracker_verdict> jira_worker::send_update(const tracker_link& link,
                                                          const domain::action_item& a, update_plan& plan) {
    if (plan.assignee_changed || plan.body_changed) {
        auto content = content_for(link, a);
        if (!content)
            co_return tracker_verdict{kind::needs_human, std::chrono::hours{1}, "its incident is gone"};
        content->assignee = plan.assignee;
        auto response = co_await call("PUT", "issue/" + link.issue,
                                      jira_update_json(jira_, *content, link.ours, with_due_), true);
        if (with_due_ && jira_refused_only_due(response.status, response.body)) {
            due_refused(link);
            response = co_await call("PUT", "issue/" + link.issue,
                                     jira_update_json(jira_, *content, link.ours, false), true);
        }
        auto verdict = judge(response, link, true);
        if (verdict.what != kind::ok) co_return verdict;
    }
    if (!plan.state_changed) co_return tracker_verdict{kind::ok};
    co_return co_await send_transition(link, plan.status);
}

// What the issue says now, as an action state ("" when it could not be read).
asio::awaitable<std::string> jira_worker::state_now(const tracker_link& link, tracker_verdict& verdict) {
    auto read = co_await fetch(link);
    verdict = read.verdict;
    co_return read.issue ? read.issue->state : std::string();
}

// The workflow's transition to the wanted category, from the status the issue is in now: read first, so a
// transition whose answer was lost is not sent again from where it led; read again after, so what hindsight
// records is what Jira says.
asio::awaitable<tracker_verdict> jira_worker::send_transition(const tracker_link& link, std::string& status) {
    tracker_verdict verdict;
    auto before = co_await state_now(link, verdict);
    if (verdict.what != kind::ok || before == status) co_return verdict;
    auto offered =
        co_await call("GET", "issue/" + link.issue + "/transitions?expand=transitions.fields", "", false);
    verdict = judge(offered, link, true);
    if (verdict.what != kind::ok) co_return verdict;
    auto chosen = choose_jira_transition(jira_, offered.body, status);
    if (!chosen) {
        tracker_verdict refused{kind::needs_human, std::chrono::hours{1}, chosen.failure().message};
        count_problem();
        spdlog::error("Jira: {}", refused.problem);
        say_problem(link, refused.problem);
        co_return refused;
    }
    auto response =
        co_await call("POST", "issue/" + link.issue + "/transitions", jira_transition_json(*chosen), true);
    verdict = judge(response, link, true);
    if (verdict.what != kind::ok) co_return verdict;
    tracker_verdict reread;
    auto after = co_await state_now(link, reread);
    if (reread.what == kind::ok && after != status) {
        say_problem(link, "after the transition Jira shows the issue as " + after + ", not " + status +
                              ": check the workflow's transitions and trackers.jira.wontdo_resolutions.");
        status = after;  // recorded as it is, so reading it back later is not taken for a change
    }
    co_return verdict;
}

asio::awaitable<tracker_worker::fetched> jira_worker::fetch(const tracker_link& link) {
    auto response =
        co_await call("GET", "issue/" + link.issue + "?fields=" + std::string(jira_read_fields), "", false);
    auto verdict = judge(response, link, true);
    if (verdict.what != kind::ok) co_return fetched{verdict};
    auto issue = read_jira_issue(response.body);
    if (!issue) co_return fetched{{kind::unknown, std::chrono::seconds{30}}};
    co_return fetched{verdict, tracked(*issue)};
}

// POST /trackers/jira: an admin webhook with a secret, signed in X-Hub-Signature over the raw body;
// deduplicated by X-Atlassian-Webhook-Identifier (the same on every retry), or by the signature itself
// (the body's hash) where a server sends no identifier.
asio::awaitable<http_response> jira_worker::on_webhook(const http_request& request) {
    if (cfg_.secret.jira_webhook_secret.empty())
        co_return refuse_webhook(503,
                                 "JIRA_WEBHOOK_SECRET is not set: hindsight cannot check Jira's signature");
    if (!request.header("content-type").starts_with("application/json"))
        co_return refuse_webhook(415, "Jira webhooks send application/json; this is something else");
    auto signature = request.header("x-hub-signature");
    if (!hub_signature_valid(cfg_.secret.jira_webhook_secret, request.body, signature))
        co_return refuse_webhook(401,
                                 "the X-Hub-Signature signature does not match this body (set the "
                                 "webhook's secret to JIRA_WEBHOOK_SECRET)");
    auto delivery = request.header("x-atlassian-webhook-identifier");
    if (delivery.empty()) delivery = "sig-" + domain::ascii_lower(signature.substr(7, 32));
    auto read = read_jira_webhook(jira_, request.body, clock_.now());
    if (!read) co_return refuse_webhook(400, read.failure().message);
    std::vector<chat::inbound> batch;
    auto& links = engine_.store().trackers;
    for (std::size_t i = 0; i < read->issues.size(); ++i) {
        auto change = read->issues[i].change;
        // hindsight's own change, perhaps retried long after a newer one: what it did is recorded already.
        if (!account_.empty() && read->issues[i].actor_id == account_) continue;
        auto link = links.find_by_issue(jira_name, change.issue);
        if (!link && !read->issues[i].key.empty()) link = links.find_by_issue(jira_name, read->issues[i].key);
        if (!link) continue;
        change.issue = link->issue;
        batch.push_back({link->workspace, "jira:" + delivery + "#" + std::to_string(i), change});
    }
    co_return co_await accept_webhook(std::move(batch), read->ignored);
}

}  // namespace hindsight::trackers
