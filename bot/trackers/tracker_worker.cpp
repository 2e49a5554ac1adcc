#include "bot/trackers/tracker_worker.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "commands/handlers.hpp"
#include "domain/text.hpp"
#include "domain/tracker_text.hpp"

namespace hindsight::trackers {

namespace asio = boost::asio;
using bot::http_response;
using storage::link_state;
using storage::tracker_link;
using kind = tracker_verdict::kind;

namespace {

constexpr auto reconcile_every = std::chrono::hours{6};
constexpr std::size_t most_reconciled = 5000;

http_response text_response(int status, std::string text) {
    return {status, "text/plain; charset=utf-8", std::move(text) + "\n"};
}

storage::issue_mirror mirror_of(const tracked_issue& issue, const std::string& owner,
                                const std::string& due) {
    return {issue.issue, issue.url,
            issue.state, issue.assignees.empty() ? std::string() : issue.assignees.front(),
            owner,       due};
}

const char* outcome_of(kind what) {
    switch (what) {
        case kind::ok:
            return "ok";
        case kind::wait:
            return "rate_limited";
        case kind::unknown:
            return "unknown";
        case kind::needs_human:
            return "refused";
        case kind::issue_not_found:
            return "not_found";
    }
    return "unknown";
}

}  // namespace

tracker_worker::tracker_worker(asio::io_context& io, const config::settings& cfg, bot::clock& time,
                               bot::metrics& stats, commands::engine& engine, chat::event_sink sink,
                               workspace_list workspaces, std::function<void()> wake_outbox, identity who)
    : io_(io),
      cfg_(cfg),
      clock_(time),
      metrics_(stats),
      engine_(engine),
      who_(std::move(who)),
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
    // Every tracker's waiting rows in one gauge (each worker registers the same reading).
    metrics_.gauge("hindsight_tracker_links_waiting", "Action items whose issue is not created yet", [this] {
        auto& links = engine_.store().trackers;
        double waiting = 0;
        for (const char* tracker : {"github", "jira"})
            waiting += static_cast<double>(links.count(tracker, link_state::queued) +
                                           links.count(tracker, link_state::creating));
        return waiting;
    });
}

void tracker_worker::stop() {
    stopping_ = true;
    wait_.cancel();
}

void tracker_worker::wake() {
    wait_.cancel();
}

std::int64_t tracker_worker::now_epoch() {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
}

asio::awaitable<void> tracker_worker::pause(std::chrono::milliseconds how_long) {
    wait_.expires_after(how_long);
    boost::system::error_code ignored;
    co_await wait_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

void tracker_worker::postpone(const tracker_link& link, std::chrono::seconds after) {
    engine_.store().db.transact(
        [&] { engine_.store().trackers.postpone(link.action_id, clock_.now() + after); });
}

asio::awaitable<bot::web_response> tracker_worker::call(std::string method, std::string path,
                                                        std::string body, bool mutation) {
    // One writer: every request waits out a rate limit; mutations keep their distance.
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
    request.url = base_url() + path;
    request.headers = request_headers();
    if (!body.empty()) request.content_type = "application/json";
    request.body = std::move(body);
    auto response = co_await client_.send(std::move(request));
    auto now = std::chrono::steady_clock::now();
    if (mutation) next_mutation_ = now + who_.between_mutations;
    held_until_ = std::max(held_until_, now + who_.between_reads);
    if (auto quota = quota_pause(response.headers); quota.count() > 0)
        held_until_ = std::max(held_until_, now + quota);
    co_return response;
}

tracker_verdict tracker_worker::judge(const bot::web_response& response, const tracker_link& link,
                                      bool about_issue) {
    auto verdict = judge_answer(response, link.attempts, about_issue);
    metrics_.add("hindsight_tracker_requests_total",
                 "tracker=\"" + who_.name + "\",outcome=\"" + outcome_of(verdict.what) + "\"");
    if (verdict.what == kind::wait) {
        held_until_ = std::max(held_until_, std::chrono::steady_clock::now() + verdict.after);
        spdlog::warn("{} rate limit: holding requests for {} s", who_.display, verdict.after.count());
    }
    if (verdict.what == kind::unknown)
        spdlog::warn("{} request for action {} got no usable answer: {}", who_.display, link.action_id,
                     response.status == 0 ? response.error : "HTTP " + std::to_string(response.status));
    if (verdict.what == kind::needs_human) {
        count_problem();
        spdlog::error("{}: {}", who_.display, verdict.problem);
        say_problem(link, verdict.problem);
    }
    return verdict;
}

void tracker_worker::count_problem() {
    metrics_.add("hindsight_tracker_problems_total", "tracker=\"" + who_.name + "\"");
}

// Said once in the incident's channel (the same problem again stays quiet until it was solved).
void tracker_worker::say_problem(const tracker_link& link, const std::string& problem) {
    auto& store = engine_.store();
    if (link.problem == problem || link.action_id == 0) return;
    auto action = store.actions.find_by_id(link.action_id);
    auto inc = action ? store.incidents.find_by_id(action->incident_id) : std::nullopt;
    store.db.transact([&] {
        store.trackers.set_problem(link.action_id, problem);
        if (inc)
            store.queue.outbox_add(link.workspace,
                                   chat::channel_post{inc->channel, "⚠️ " + action->label() + " and " +
                                                                        who_.display + ": " + problem},
                                   clock_.now());
    });
    if (wake_outbox_) wake_outbox_();
}

// "🔗 A-3 is tracked in acme/reliability#12 …" in the incident's channel, in the transaction that records
// the link.
void tracker_worker::announce_issue(const tracker_link& link, const domain::action_item& a,
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
void tracker_worker::postpone_orphan(const tracker_link& link) {
    spdlog::warn("{} worker: action {} or its incident is gone; its issue is left as it is", who_.display,
                 link.action_id);
    postpone(link, std::chrono::hours{1});
}

// Asked until the tracker answers (a refusal is counted and logged, and asked again after a pause): the
// credentials work, and who they are.
asio::awaitable<std::optional<std::string>> tracker_worker::who_am_i(
    std::string path, std::function<result<std::string>(std::string_view)> read) {
    for (int attempt = 0; attempt < 1000000 && !stopping_; ++attempt) {
        auto response = co_await call("GET", path, "", false);
        auto verdict = judge_answer(response, std::min(attempt, 6), false);
        if (verdict.what == kind::ok)
            if (auto who = read(response.body)) co_return *who;
        if (verdict.what == kind::needs_human) {
            count_problem();
            spdlog::error("{}: {} Trying again in an hour.", who_.display, verdict.problem);
        } else {
            spdlog::warn("{}: GET {} failed ({}); trying again", who_.display, path, response.status);
        }
        co_await pause(std::chrono::duration_cast<std::chrono::milliseconds>(
            std::max(verdict.after, std::chrono::seconds{5})));
    }
    co_return std::nullopt;
}

asio::awaitable<void> tracker_worker::run() {
    if (!co_await sign_in()) co_return;
    auto& links = engine_.store().trackers;
    for (int round = 0; !stopping_; ++round) {
        auto now = clock_.now();
        if (!next_reconcile_ || now >= *next_reconcile_) {
            co_await reconcile();
            next_reconcile_ = clock_.now() + reconcile_every;
            continue;
        }
        std::optional<tracker_link> due;
        std::optional<domain::timestamp> next;
        try {
            due = links.next_due(who_.name, now);
            if (!due) next = links.next_due_at(who_.name);
        } catch (const std::exception& failure) {
            spdlog::error("{} worker: reading its work failed: {}", who_.display, failure.what());
        }
        if (due) {
            co_await step(*due);
            continue;
        }
        auto wait = std::chrono::milliseconds{2000};
        if (next)
            wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*next - now),
                              std::chrono::milliseconds{10}, wait);
        co_await pause(wait);
    }
}

asio::awaitable<void> tracker_worker::step(const tracker_link& link) {
    bool failed = false;
    try {
        if (link.state == link_state::queued || link.state == link_state::creating)
            co_await create(link);
        else
            co_await push(link);
    } catch (const std::exception& failure) {
        // A full disk or a held lock: the row stays due and is tried again shortly.
        spdlog::error("{} worker: action {}: {}", who_.display, link.action_id, failure.what());
        failed = true;
    }
    if (failed) co_await pause(std::chrono::seconds{5});
}

// Create once: the row says `creating` durably before the create is sent, so whatever happens next (a lost
// answer, a kill -9) the next try first looks for the issue by its marker, and creates only when it is not
// there.
asio::awaitable<void> tracker_worker::create(tracker_link link) {
    auto& store = engine_.store();
    auto action = store.actions.find_by_id(link.action_id);
    if (!action) co_return;  // removed meanwhile (its review reply was deleted); remove took the row too
    if (!store.incidents.find_by_id(action->incident_id)) co_return postpone_orphan(link);
    if (link.state == link_state::creating) {
        auto looked = co_await find_created(link);
        if (looked.found) {
            store.db.transact([&] {
                store.trackers.linked(link.action_id, mirror_of(*looked.found, "", ""), 0);  // pushed again
                announce_issue(link, *action, looked.found->url);
            });
            metrics_.add("hindsight_tracker_issues_adopted_total");
            spdlog::info("{}: A-{} already had issue {} (a create whose answer was lost)", who_.display,
                         action->number, looked.found->url);
            co_return;
        }
        if (!looked.complete) co_return postpone(link, looked.retry_after);
        if (auto wait = hold_repeated_creates(link); wait.count() > 0) co_return postpone(link, wait);
        store.db.transact([&] { store.trackers.mark_queued(link.action_id); });
    }
    store.db.transact([&] { store.trackers.mark_creating(link.action_id, clock_.now()); });
    auto outcome = co_await send_create(link, *action);
    const auto& verdict = outcome.verdict;
    if (verdict.what == kind::ok && outcome.issue) {
        auto seq = action->status == domain::action_status::open ? link.change_seq : 0;  // closed: push that
        store.db.transact([&] {
            store.trackers.linked(link.action_id,
                                  mirror_of(*outcome.issue, action->owner, domain::format_date(action->due)),
                                  seq);
            announce_issue(link, *action, outcome.issue->url);
        });
        metrics_.add("hindsight_tracker_issues_created_total");
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

// Creates that keep getting no answer while nothing shows up for them: said once, then one more an hour
// (a tracker that creates and then fails to answer would otherwise get an issue per try).
std::chrono::seconds tracker_worker::hold_repeated_creates(const tracker_link& link) {
    constexpr int most_unanswered = 3;
    constexpr auto between = std::chrono::hours{1};
    if (link.sends < most_unanswered || !link.last_sent_at) return std::chrono::seconds{0};
    auto since = clock_.now() - *link.last_sent_at;
    if (since >= between) return std::chrono::seconds{0};
    say_problem(link, std::to_string(link.sends) +
                          " creates went unanswered and no issue for it shows up in " + who_.display +
                          ": one more is sent each hour. If one was made, link it with `track " +
                          "A-n <issue URL>`.");
    return std::chrono::duration_cast<std::chrono::seconds>(between - since) + std::chrono::seconds{1};
}

// The action's changes. Nothing is sent when the issue already says it all (a change that came from the
// issue itself).
asio::awaitable<void> tracker_worker::push(const tracker_link& link) {
    auto& store = engine_.store();
    if (!link.ours && link.synced_seq == 0) co_return co_await read_linked(link, who_.name + "-linked:");
    auto action = store.actions.find_by_id(link.action_id);
    if (!action || !store.incidents.find_by_id(action->incident_id)) co_return postpone_orphan(link);
    update_plan plan;
    plan.status = std::string(domain::to_string(action->status));
    if (!cfg_.trackers.close_issues && plan.status != "open") plan.status = link.remote_status;
    plan.state_changed = plan.status != link.remote_status;
    // An owner with no tracker user leaves the issue's assignee as it is: unassigning it would undo a
    // person's choice there.
    plan.assignee = commands::tracker_login_for(cfg_, who_.name, action->owner);
    if (plan.assignee.empty()) plan.assignee = link.remote_assignee;
    plan.assignee_changed = domain::ascii_lower(plan.assignee) != domain::ascii_lower(link.remote_assignee);
    auto due = domain::format_date(action->due);
    plan.body_changed = link.ours && (action->owner != link.pushed_owner || due != link.pushed_due);
    if (!plan.state_changed && !plan.assignee_changed && !plan.body_changed) {
        storage::issue_mirror same{link.issue, link.url, plan.status, plan.assignee, action->owner, due};
        store.db.transact([&] { store.trackers.synced(link.action_id, same, link.change_seq); });
        co_return;
    }
    auto verdict = co_await send_update(link, *action, plan);
    storage::issue_mirror after{link.issue, link.url, plan.status, plan.assignee, action->owner, due};
    auto now = clock_.now();
    store.db.transact([&] {
        if (verdict.what == kind::ok)
            store.trackers.synced(link.action_id, after, link.change_seq);
        else if (verdict.what == kind::issue_not_found)
            store.trackers.gone(link.action_id);
        else
            store.trackers.postpone(link.action_id, now + verdict.after);  // an update is safe to send again
    });
}

// One linked issue read back: what it says goes through the inbox like a webhook would, so the action follows
// it and the channel hears of it in order with everything else.
asio::awaitable<void> tracker_worker::read_linked(const tracker_link& link, const std::string& key_prefix) {
    auto read = co_await fetch(link);
    chat::tracker_issue_changed change;
    change.tracker = who_.name;
    change.issue = link.issue;
    change.url = link.url;
    change.at = clock_.now();
    std::string version;
    if (read.verdict.what == kind::issue_not_found) {
        change.state = "deleted";
    } else if (read.verdict.what == kind::ok && read.issue) {
        change.state = read.issue->state;
        change.reason = read.issue->reason;
        change.assignee_known = true;
        const auto& people = read.issue->assignees;
        bool still = std::any_of(people.begin(), people.end(), [&](const std::string& p) {
            return domain::ascii_lower(p) == domain::ascii_lower(link.remote_assignee);
        });
        change.assignee = still ? link.remote_assignee : people.empty() ? std::string() : people.front();
        version = read.issue->version;
    } else {
        co_return postpone(link, std::max(read.verdict.after, std::chrono::seconds{5}));
    }
    chat::inbound in{link.workspace,
                     key_prefix + link.issue + ":" + change.state + ":" + change.assignee + ":" + version,
                     change};
    co_await chat::record_one(sink_, in);
    if (read.issue && !read.issue->issue.empty() && read.issue->issue != link.issue)
        engine_.store().db.transact(  // a Jira issue `track`ed by its key: known by its id from now on
            [&] { engine_.store().trackers.set_issue(link.action_id, read.issue->issue); });
    if (!link.ours && link.synced_seq == 0)
        engine_.store().db.transact([&] {
            engine_.store().trackers.synced(
                link.action_id, {link.issue, link.url, link.remote_status, link.remote_assignee, "", ""},
                link.change_seq);
        });
    if (sink_.settle) co_await sink_.settle();
}

// After downtime (every start) and every few hours: a webhook delivery that failed is not sent again on its
// own (GitHub never; Jira only for a while).
asio::awaitable<void> tracker_worker::reconcile() {
    std::vector<tracker_link> links;
    try {
        links = engine_.store().trackers.linked_for_reconciliation(who_.name, most_reconciled);
    } catch (const std::exception& failure) {
        spdlog::error("{} reconciliation could not read its links: {}", who_.display, failure.what());
        co_return;
    }
    for (const auto& link : links) {
        if (stopping_) co_return;
        try {
            co_await read_linked(link, who_.name + "-reconcile:");
        } catch (const std::exception& failure) {
            // A full disk or a held lock: this issue is read again at the next reconciliation.
            spdlog::error("{} reconciliation of {}: {}", who_.display, link.url, failure.what());
        }
    }
    if (!links.empty()) spdlog::info("{}: read back {} linked issue(s)", who_.display, links.size());
    try {
        engine_.store().db.transact(
            [&] { engine_.store().trackers.set_reconciled_at(who_.name, clock_.now()); });
    } catch (const std::exception& failure) {
        spdlog::error("{} reconciliation could not be recorded: {}", who_.display, failure.what());
    }
}

std::string tracker_worker::only_workspace(const std::string& configured) {
    if (!configured.empty()) return configured;
    auto known = workspaces_();
    return known.size() == 1 ? known.front() : std::string();
}

http_response tracker_worker::refuse_webhook(int status, std::string why) {
    metrics_.add(
        "hindsight_tracker_webhooks_total",
        "tracker=\"" + who_.name + "\",outcome=\"refused\",status=\"" + std::to_string(status) + "\"");
    spdlog::warn("/trackers/{}: refused with {}: {}", who_.name, status, why);
    return text_response(status, std::move(why));
}

// Answered only once what the delivery says is durable in the inbox.
asio::awaitable<http_response> tracker_worker::accept_webhook(std::vector<chat::inbound> batch,
                                                              const std::string& ignored) {
    if (batch.empty()) {
        metrics_.add("hindsight_tracker_webhooks_total", "tracker=\"" + who_.name + "\",outcome=\"ignored\"");
        co_return text_response(202, "nothing for hindsight in this delivery" +
                                         (ignored.empty() ? std::string() : " (" + ignored + ")"));
    }
    std::string failed;
    try {
        co_await sink_.accept(std::move(batch));
    } catch (const std::exception& failure) {
        failed = failure.what();
    }
    if (!failed.empty()) co_return refuse_webhook(503, "could not be recorded: " + failed);
    metrics_.add("hindsight_tracker_webhooks_total", "tracker=\"" + who_.name + "\",outcome=\"accepted\"");
    co_return text_response(202, "accepted");
}

}  // namespace hindsight::trackers
