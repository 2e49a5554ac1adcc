#include "bot/trackers/github_worker.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "commands/handlers.hpp"
#include "domain/text.hpp"
#include "domain/tracker_text.hpp"

namespace hindsight::trackers {

namespace asio = boost::asio;
using bot::http_request;
using bot::http_response;
using storage::link_state;
using storage::tracker_link;
using kind = github_verdict::kind;

namespace {

constexpr const char* github = "github";
constexpr auto between_mutations = std::chrono::seconds{1};  // GitHub's advice for mutating requests
constexpr auto between_reads = std::chrono::milliseconds{100};
constexpr auto reconcile_every = std::chrono::hours{6};
constexpr std::size_t most_reconciled = 5000;
constexpr int lookup_pages = 5;  // 500 issues created since the first try: more would be a flood anyway

http_response text_response(int status, std::string text) {
    return {status, "text/plain; charset=utf-8", std::move(text) + "\n"};
}

std::int64_t epoch_seconds(domain::timestamp t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string iso(domain::timestamp t) {
    return domain::format_iso(t);
}

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

storage::issue_mirror mirror_of(const github_issue& issue, const std::string& owner, const std::string& due) {
    return {issue.number, issue.url,
            issue.state,  issue.assignees.empty() ? std::string() : issue.assignees.front(),
            owner,        due};
}

}  // namespace

github_worker::github_worker(asio::io_context& io, const config::settings& cfg, bot::clock& time,
                             bot::metrics& stats, commands::engine& engine, chat::event_sink sink,
                             workspace_list workspaces, std::function<void()> wake_outbox)
    : io_(io),
      cfg_(cfg),
      clock_(time),
      metrics_(stats),
      engine_(engine),
      sink_(std::move(sink)),
      workspaces_(std::move(workspaces)),
      wake_outbox_(std::move(wake_outbox)),
      client_(io, cfg.tls.ca_file, std::chrono::seconds{20}),
      wait_(io) {
    metrics_.describe("hindsight_tracker_requests_total",
                      "Requests to issue trackers, by tracker and outcome");
    metrics_.describe("hindsight_tracker_problems_total",
                      "Tracker failures that need a human (token, access, fields), by tracker");
    metrics_.describe("hindsight_tracker_webhooks_total",
                      "Tracker webhook deliveries, by tracker and outcome");
    metrics_.describe("hindsight_tracker_issues_created_total", "Issues created for action items");
    metrics_.describe("hindsight_tracker_issues_adopted_total",
                      "Issues found by their marker after a create whose answer was lost");
    metrics_.gauge("hindsight_tracker_links_waiting", "Action items whose issue is not created yet", [this] {
        auto& links = engine_.store().trackers;
        return static_cast<double>(links.count(github, link_state::queued) +
                                   links.count(github, link_state::creating));
    });
}

void github_worker::add_routes(bot::http_server& server) {
    server.route("POST", "/trackers/github", [this](const http_request& r) { return on_webhook(r); });
}

void github_worker::stop() {
    stopping_ = true;
    wait_.cancel();
}

void github_worker::wake() {
    wait_.cancel();
}

std::string github_worker::repo_path() const {
    return "repos/" + cfg_.trackers.github.repo;
}

asio::awaitable<void> github_worker::pause(std::chrono::milliseconds how_long) {
    wait_.expires_after(how_long);
    boost::system::error_code ignored;
    co_await wait_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

asio::awaitable<bot::web_response> github_worker::call(std::string method, std::string path, std::string body,
                                                       bool mutation) {
    // One writer: every request waits out a rate limit; mutations keep a second apart.
    for (int round = 0; round < 100000 && !stopping_; ++round) {
        auto now = std::chrono::steady_clock::now();
        auto ready = std::max(held_until_, mutation ? next_mutation_ : now);
        if (ready <= now) break;
        auto timer = asio::steady_timer(io_, ready);
        boost::system::error_code ignored;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    bot::web_request request;
    request.method = std::move(method);
    request.url = cfg_.trackers.github.api_url + path;
    request.headers = github_headers(cfg_.secret.github_token);
    if (!body.empty()) request.content_type = "application/json";
    request.body = std::move(body);
    auto response = co_await client_.send(std::move(request));
    auto now = std::chrono::steady_clock::now();
    if (mutation) next_mutation_ = now + between_mutations;
    held_until_ = std::max(held_until_, now + between_reads);
    if (auto quota = github_quota_pause(response.headers, epoch_seconds(clock_.now())); quota.count() > 0)
        held_until_ = std::max(held_until_, now + quota);
    co_return response;
}

github_verdict github_worker::judge(const bot::web_response& response, const tracker_link& link,
                                    bool about_issue) {
    auto verdict = judge_github(response.status, response.headers, response.body, epoch_seconds(clock_.now()),
                                link.attempts, about_issue);
    const char* outcome = verdict.what == kind::ok            ? "ok"
                          : verdict.what == kind::wait        ? "rate_limited"
                          : verdict.what == kind::unknown     ? "unknown"
                          : verdict.what == kind::needs_human ? "refused"
                                                              : "not_found";
    metrics_.add("hindsight_tracker_requests_total",
                 std::string("tracker=\"github\",outcome=\"") + outcome + "\"");
    if (verdict.what == kind::wait) {
        held_until_ = std::max(held_until_, std::chrono::steady_clock::now() + verdict.after);
        spdlog::warn("GitHub rate limit: holding requests for {} s", verdict.after.count());
    }
    if (verdict.what == kind::unknown)
        spdlog::warn("GitHub request for action {} got no usable answer: {}", link.action_id,
                     response.status == 0 ? response.error : "HTTP " + std::to_string(response.status));
    if (verdict.what == kind::needs_human) {
        metrics_.add("hindsight_tracker_problems_total", "tracker=\"github\"");
        spdlog::error("GitHub: {}", verdict.problem);
        say_problem(link, verdict.problem);
    }
    return verdict;
}

// Said once in the incident's channel (the same problem again stays quiet until it was solved).
void github_worker::say_problem(const tracker_link& link, const std::string& problem) {
    auto& store = engine_.store();
    if (link.problem == problem) return;
    auto action = store.actions.find_by_id(link.action_id);
    auto inc = action ? store.incidents.find_by_id(action->incident_id) : std::nullopt;
    engine_.store().db.transact([&] {
        store.trackers.set_problem(link.action_id, problem);
        if (inc)
            store.queue.outbox_add(
                link.workspace,
                chat::channel_post{inc->channel, "⚠️ " + action->label() + " and GitHub: " + problem},
                clock_.now());
    });
    if (wake_outbox_) wake_outbox_();
}

// "🔗 A-3 is acme/reliability#12 …" in the incident's channel, in the transaction that records the link.
void github_worker::announce_issue(const tracker_link& link, const domain::action_item& a,
                                   const std::string& url) {
    auto& store = engine_.store();
    auto inc = store.incidents.find_by_id(a.incident_id);
    if (!inc || url.empty()) return;
    store.queue.outbox_add(link.workspace,
                           chat::channel_post{inc->channel, "🔗 " + a.label() + " is tracked in " +
                                                                domain::issue_reference(url) + ": " + url},
                           clock_.now());
    if (wake_outbox_) wake_outbox_();
}

// An action or incident that is not there any more (a row left behind): not looked at again for an hour,
// so the worker never spins on it.
void github_worker::postpone_orphan(const tracker_link& link) {
    spdlog::warn("GitHub worker: action {} or its incident is gone; its issue is left as it is",
                 link.action_id);
    engine_.store().db.transact(
        [&] { engine_.store().trackers.postpone(link.action_id, clock_.now() + std::chrono::hours{1}); });
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

asio::awaitable<bool> github_worker::learn_login() {
    tracker_link none;
    for (int attempt = 0; attempt < 1000000 && !stopping_; ++attempt) {
        auto response = co_await call("GET", "user", "", false);
        none.attempts = std::min(attempt, 6);
        auto verdict = judge_github(response.status, response.headers, response.body,
                                    epoch_seconds(clock_.now()), none.attempts, false);
        if (verdict.what == kind::ok)
            if (auto login = read_login(response.body)) {
                login_ = *login;
                spdlog::info("GitHub: signed in as {}, following {}", login_, cfg_.trackers.github.repo);
                co_return true;
            }
        if (verdict.what == kind::needs_human) {
            metrics_.add("hindsight_tracker_problems_total", "tracker=\"github\"");
            spdlog::error("GitHub: {} Trying again in an hour.", verdict.problem);
        } else {
            spdlog::warn("GitHub: GET /user failed ({}); trying again", response.status);
        }
        co_await pause(std::chrono::duration_cast<std::chrono::milliseconds>(
            std::max(verdict.after, std::chrono::seconds{5})));
    }
    co_return false;
}

asio::awaitable<void> github_worker::run() {
    if (cfg_.trackers.github.repo.empty()) co_return;
    if (!co_await learn_login()) co_return;
    for (int round = 0; !stopping_; ++round) {
        auto now = clock_.now();
        if (!next_reconcile_ || now >= *next_reconcile_) {
            co_await reconcile();
            next_reconcile_ = clock_.now() + reconcile_every;
            continue;
        }
        std::optional<tracker_link> due;
        try {
            due = engine_.store().trackers.next_due(github, now);
        } catch (const std::exception& failure) {
            spdlog::error("GitHub worker: reading its work failed: {}", failure.what());
        }
        if (due) {
            co_await step(*due);
            continue;
        }
        std::optional<domain::timestamp> next;
        try {
            next = engine_.store().trackers.next_due_at(github);
        } catch (const std::exception& failure) {
            spdlog::error("GitHub worker: reading its work failed: {}", failure.what());
        }
        auto wait = std::chrono::milliseconds{2000};
        if (next)
            wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*next - now),
                              std::chrono::milliseconds{10}, wait);
        co_await pause(wait);
    }
}

asio::awaitable<void> github_worker::step(const tracker_link& link) {
    bool failed = false;
    try {
        if (link.state == link_state::queued || link.state == link_state::creating)
            co_await create(link);
        else
            co_await push(link);
    } catch (const std::exception& failure) {
        // A full disk or a held lock: the row stays due and is tried again shortly.
        spdlog::error("GitHub worker: action {}: {}", link.action_id, failure.what());
        failed = true;
    }
    if (failed) co_await pause(std::chrono::seconds{5});
}

// Create once: the row says `creating` durably before the POST, so whatever happens next (a lost answer,
// a kill -9) the next try first looks for the issue by its marker, and creates only when it is not there.
asio::awaitable<void> github_worker::create(tracker_link link) {
    auto& store = engine_.store();
    auto action = store.actions.find_by_id(link.action_id);
    if (!action) co_return;  // removed meanwhile (its review reply was deleted); remove took the row too
    if (link.state == link_state::creating) {
        bool complete = false;
        auto found = co_await look_for_created(link, complete);
        if (found) {
            store.db.transact([&] {
                store.trackers.linked(link.action_id, mirror_of(*found, "", ""),
                                      0);  // pushed again: body, state
            });
            metrics_.add("hindsight_tracker_issues_adopted_total");
            spdlog::info("GitHub: A-{} already had issue #{} (a create whose answer was lost)",
                         action->number, found->number);
            co_return;
        }
        if (!complete) co_return;  // could not look: postponed, and no second create on a guess
        store.db.transact([&] { store.trackers.mark_queued(link.action_id); });
    }
    auto content = content_for(link, *action);
    if (!content) co_return postpone_orphan(link);
    store.db.transact([&] { store.trackers.mark_creating(link.action_id, clock_.now()); });
    auto response = co_await call("POST", repo_path() + "/issues", create_issue_json(*content), true);
    auto verdict = judge(response, link, false);
    auto created = verdict.what == kind::ok ? read_issue(response.body)
                                            : result<github_issue>(error{errc::bad_input, ""});
    if (verdict.what == kind::ok && created) {
        auto seq = action->status == domain::action_status::open ? link.change_seq : 0;  // closed: push that
        store.db.transact([&] {
            store.trackers.linked(link.action_id,
                                  mirror_of(*created, action->owner, domain::format_date(action->due)), seq);
        });
        metrics_.add("hindsight_tracker_issues_created_total");
        for (const auto& label : content->labels)
            if (std::find(created->labels.begin(), created->labels.end(), label) == created->labels.end()) {
                say_problem(link, "GitHub dropped the label " + quote_label(label) +
                                      ": the token has no push access to " + cfg_.trackers.github.repo + ".");
                break;
            }
        co_return;
    }
    auto now = clock_.now();
    if (verdict.what == kind::unknown || verdict.what == kind::ok) {
        // It may have been created: stays `creating`, and the next try looks first.
        store.db.transact([&] { store.trackers.postpone(link.action_id, now + verdict.after); });
        co_return;
    }
    store.db.transact([&] {
        store.trackers.mark_queued(link.action_id);  // refused for certain: nothing was created
        store.trackers.postpone(link.action_id, now + verdict.after);
    });
}

// The repository's own issue list (not search, which lags): issues the bot's login opened since the first
// try, newest first. complete is false when the list could not be read to the end.
asio::awaitable<std::optional<github_issue>> github_worker::look_for_created(const tracker_link& link,
                                                                             bool& complete) {
    auto since = link.creating_since.value_or(clock_.now()) - std::chrono::minutes{1};
    for (int page = 1; page <= lookup_pages; ++page) {
        auto path = repo_path() + "/issues?creator=" + query_escaped(login_) +
                    "&state=all&sort=created&direction=desc&since=" + iso(since) +
                    "&per_page=100&page=" + std::to_string(page);
        auto response = co_await call("GET", path, "", false);
        auto verdict = judge(response, link, false);
        auto listed = verdict.what == kind::ok
                          ? read_issue_list(response.body)
                          : result<std::vector<github_issue>>(error{errc::bad_input, ""});
        if (!listed) {
            engine_.store().db.transact([&] {
                engine_.store().trackers.postpone(
                    link.action_id, clock_.now() + std::max(verdict.after, std::chrono::seconds{5}));
            });
            co_return std::nullopt;
        }
        for (const auto& issue : *listed)
            if (!issue.pull_request && domain::body_has_marker(issue.body, link.marker)) co_return issue;
        if (listed->size() < 100) break;
    }
    complete = true;
    co_return std::nullopt;
}

// The action's changes, in one PATCH: state (and why), assignee, and for an issue hindsight wrote, its title
// and body. Nothing is sent when the issue already says it all (a change that came from the issue itself).
asio::awaitable<void> github_worker::push(const tracker_link& link) {
    auto& store = engine_.store();
    if (!link.ours && link.synced_seq == 0) co_return co_await read_linked(link, "github-linked:");
    auto action = store.actions.find_by_id(link.action_id);
    auto content = action ? content_for(link, *action) : std::nullopt;
    if (!content) co_return postpone_orphan(link);
    auto status = content->status;
    if (!cfg_.trackers.close_issues && status != "open") status = link.remote_status;
    bool state_changed = status != link.remote_status;
    content->status = status;
    auto login = content->assignees.empty() ? std::string() : content->assignees.front();
    bool assignee_changed = domain::ascii_lower(login) != domain::ascii_lower(link.remote_assignee);
    auto due = domain::format_date(action->due);
    bool body_changed = link.ours && (action->owner != link.pushed_owner || due != link.pushed_due);
    storage::issue_mirror after{link.issue, link.url, status, login, action->owner, due};
    if (!state_changed && !assignee_changed && !body_changed) {
        store.db.transact([&] { store.trackers.synced(link.action_id, after, link.change_seq); });
        co_return;
    }
    auto response = co_await call("PATCH", repo_path() + "/issues/" + link.issue,
                                  update_issue_json(*content, state_changed, link.ours), true);
    auto verdict = judge(response, link, true);
    auto now = clock_.now();
    store.db.transact([&] {
        if (verdict.what == kind::ok)
            store.trackers.synced(link.action_id, after, link.change_seq);
        else if (verdict.what == kind::issue_not_found)
            store.trackers.gone(link.action_id);
        else
            store.trackers.postpone(link.action_id, now + verdict.after);  // a PATCH is safe to send again
    });
}

// One linked issue read back: what it says goes through the inbox like a webhook would, so the action follows
// it and the channel hears of it in order with everything else.
asio::awaitable<void> github_worker::read_linked(const tracker_link& link, const std::string& key_prefix) {
    auto response = co_await call("GET", repo_path() + "/issues/" + link.issue, "", false);
    auto verdict = judge(response, link, true);
    chat::tracker_issue_changed change;
    change.tracker = github;
    change.issue = link.issue;
    change.url = link.url;
    change.at = clock_.now();
    std::string version;
    if (verdict.what == kind::issue_not_found) {
        change.state = "deleted";
    } else if (auto issue = verdict.what == kind::ok ? read_issue(response.body)
                                                     : result<github_issue>(error{errc::bad_input, ""})) {
        change.state = issue->state;
        if (issue->state == "wontdo")
            change.reason = issue->state_reason == "duplicate" ? "duplicate" : "not planned";
        change.assignee_known = true;
        auto& people = issue->assignees;
        bool still = std::any_of(people.begin(), people.end(), [&](const std::string& p) {
            return domain::ascii_lower(p) == domain::ascii_lower(link.remote_assignee);
        });
        change.assignee = still ? link.remote_assignee : people.empty() ? std::string() : people.front();
        version = issue->updated_at;
    } else {
        engine_.store().db.transact([&] {
            engine_.store().trackers.postpone(
                link.action_id, clock_.now() + std::max(verdict.after, std::chrono::seconds{5}));
        });
        co_return;
    }
    chat::inbound in{link.workspace,
                     key_prefix + link.issue + ":" + change.state + ":" + change.assignee + ":" + version,
                     change};
    co_await chat::record_one(sink_, in);
    if (!link.ours && link.synced_seq == 0)
        engine_.store().db.transact([&] {
            engine_.store().trackers.synced(
                link.action_id, {link.issue, link.url, link.remote_status, link.remote_assignee, "", ""},
                link.change_seq);
        });
    if (sink_.settle) co_await sink_.settle();
}

// After downtime (every start) and every few hours: GitHub never sends a failed delivery again.
asio::awaitable<void> github_worker::reconcile() {
    std::vector<tracker_link> links;
    try {
        links = engine_.store().trackers.linked_for_reconciliation(github, most_reconciled);
    } catch (const std::exception& failure) {
        spdlog::error("GitHub reconciliation could not read its links: {}", failure.what());
        co_return;
    }
    for (const auto& link : links) {
        if (stopping_) co_return;
        try {
            co_await read_linked(link, "github-reconcile:");
        } catch (const std::exception& failure) {
            // A full disk or a held lock: this issue is read again at the next reconciliation.
            spdlog::error("GitHub reconciliation of issue #{}: {}", link.issue, failure.what());
        }
    }
    if (!links.empty()) spdlog::info("GitHub: read back {} linked issue(s)", links.size());
    try {
        engine_.store().db.transact(
            [&] { engine_.store().trackers.set_reconciled_at(github, clock_.now()); });
    } catch (const std::exception& failure) {
        spdlog::error("GitHub reconciliation could not be recorded: {}", failure.what());
    }
}

std::string github_worker::workspace_for_mentions() {
    if (!cfg_.trackers.github.workspace.empty()) return cfg_.trackers.github.workspace;
    auto known = workspaces_();
    return known.size() == 1 ? known.front() : std::string();
}

// POST /trackers/github: signed (X-Hub-Signature-256 over the raw body), deduplicated by X-GitHub-Delivery
// (the same on a redelivery), and answered only once what it says is durable in the inbox.
asio::awaitable<http_response> github_worker::on_webhook(const http_request& request) {
    auto refuse = [this](int status, std::string why) {
        metrics_.add("hindsight_tracker_webhooks_total",
                     "tracker=\"github\",outcome=\"refused\",status=\"" + std::to_string(status) + "\"");
        spdlog::warn("/trackers/github: refused with {}: {}", status, why);
        return text_response(status, std::move(why));
    };
    if (cfg_.secret.github_webhook_secret.empty())
        co_return refuse(503, "GITHUB_WEBHOOK_SECRET is not set: hindsight cannot check GitHub's signature");
    if (!request.header("content-type").starts_with("application/json"))
        co_return refuse(415, "set the webhook's content type to application/json");
    if (!github_signature_valid(cfg_.secret.github_webhook_secret, request.body,
                                request.header("x-hub-signature-256")))
        co_return refuse(401, "the X-Hub-Signature-256 signature does not match this body");
    github_delivery delivery{request.header("x-github-event"), request.header("x-github-delivery"),
                             request.body};
    if (delivery.id.empty() || delivery.event.empty())
        co_return refuse(400, "X-GitHub-Event and X-GitHub-Delivery are required");
    auto read = read_github_webhook(delivery, cfg_.trackers.github.repo, clock_.now());
    if (!read) co_return refuse(400, read.failure().message);
    std::vector<chat::inbound> batch;
    for (std::size_t i = 0; i < read->issues.size(); ++i) {
        auto link = engine_.store().trackers.find_by_issue(github, read->issues[i].issue);
        if (!link) continue;
        batch.push_back(
            {link->workspace, "github:" + delivery.id + "#" + std::to_string(i), read->issues[i]});
    }
    auto workspace = read->mentions.empty() ? std::string() : workspace_for_mentions();
    for (std::size_t i = 0; i < read->mentions.size() && !workspace.empty(); ++i)
        batch.push_back({workspace, "github:" + delivery.id + "#m" + std::to_string(i), read->mentions[i]});
    if (batch.empty()) {
        metrics_.add("hindsight_tracker_webhooks_total", "tracker=\"github\",outcome=\"ignored\"");
        co_return text_response(202,
                                "nothing for hindsight in this delivery" +
                                    (read->ignored.empty() ? std::string() : " (" + read->ignored + ")"));
    }
    try {
        co_await sink_.accept(std::move(batch));
    } catch (const std::exception& failure) {
        co_return refuse(503, std::string("could not be recorded: ") + failure.what());
    }
    metrics_.add("hindsight_tracker_webhooks_total", "tracker=\"github\",outcome=\"accepted\"");
    co_return text_response(202, "accepted");
}

}  // namespace hindsight::trackers
