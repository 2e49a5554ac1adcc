#include "bot/app/app.hpp"
#include "bot/app/insight_gauges.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "commands/delivery_policy.hpp"
#include "storage/codec.hpp"
#include "storage/incident_store.hpp"
#include "storage/timeline_store.hpp"

namespace hindsight::bot {

namespace asio = boost::asio;

void spawn_logged(asio::io_context& io, asio::awaitable<void> task, std::string name) {
    asio::co_spawn(io, std::move(task), [name = std::move(name)](std::exception_ptr failure) {
        if (!failure) return;
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            spdlog::error("task {} failed: {}", name, e.what());
        }
    });
}

}  // namespace hindsight::bot

namespace hindsight::chat {

boost::asio::awaitable<bool> record_one(const event_sink& sink, inbound& event) {
    std::vector<inbound> batch;  // not a braced list inside co_await: g++ 12 rejects that
    batch.push_back(std::move(event));
    try {
        co_await sink.accept(std::move(batch));
    } catch (const std::exception&) {
        co_return false;
    }
    co_return true;
}

boost::asio::awaitable<result<void>> platform::connect() {
    co_return result<void>{};
}

boost::asio::awaitable<call_result> platform::send(const sending&, const message_edit&) {
    co_return call_result::unsupported(name() + " cannot edit messages");
}

boost::asio::awaitable<call_result> platform::send(const sending&, const channel_request&) {
    co_return call_result::unsupported(name() + " cannot create channels");
}

boost::asio::awaitable<history_page> platform::read_history(const std::string&, const history_request&) {
    history_page page;
    page.problem = call_result::unsupported(name() + " has no history to read back");
    co_return page;
}

boost::asio::awaitable<call_result> deliver(platform& p, const sending& to, const outgoing& message) {
    // The awaitable is named: g++ 12 destroys temporaries in a co_await expression twice.
    auto call = std::visit([&p, &to](const auto& kind) { return p.send(to, kind); }, message);
    co_return co_await std::move(call);
}

}  // namespace hindsight::chat

namespace hindsight::bot {

app::app(asio::io_context& io, storage::database& db, const config::settings& cfg, clock& time,
         std::string platform_name)
    : io_(io),
      db_(db),
      cfg_(cfg),
      clock_(time),
      engine_(db, cfg, std::move(platform_name)),
      wake_timer_(io),
      import_wait_(io) {
    metrics_.describe("hindsight_events_received_total", "Inbound events received from platforms");
    metrics_.describe("hindsight_events_deduplicated_total", "Inbound events dropped as replays");
    metrics_.describe("hindsight_events_handled_total", "Inbound events handled");
    metrics_.describe("hindsight_events_failed_total", "Inbound events that could not be handled");
    metrics_.describe("hindsight_outbox_sent_total", "Outgoing messages delivered");
    metrics_.describe("hindsight_outbox_retries_total", "Outgoing deliveries retried");
    metrics_.describe("hindsight_outbox_given_up_total",
                      "Outgoing messages given up after repeated failures");
    metrics_.describe("hindsight_message_fetches_total", "Messages fetched from a platform for a mark");
    metrics_.describe("hindsight_worker_failures_total",
                      "Rounds of handling or delivery that failed and were retried");
    metrics_.describe("hindsight_outbox_paced_total",
                      "Outgoing messages held back to stay under platform limits");
    metrics_.describe("hindsight_reminders_queued_total", "Reminders (digests, escalations, nudges) queued");
    metrics_.describe("hindsight_history_requests_total", "History reads for `import`, by outcome");
    metrics_.describe("hindsight_history_events_total", "Events read back from channel histories");
    metrics_.gauge("hindsight_outbox_depth", "Outgoing messages waiting for delivery",
                   [this] { return static_cast<double>(engine_.queue().outbox_depth()); });
    metrics_.gauge("hindsight_alerts_unrouted", "Alert facts (firing or resolved) that no route took, kept",
                   [this] { return static_cast<double>(engine_.store().alerts.count_unrouted()); });
    metrics_.gauge("hindsight_inbox_depth", "Inbound events waiting to be handled",
                   [this] { return static_cast<double>(engine_.queue().inbox_depth()); });
    register_insight_gauges(metrics_, engine_, cfg_, clock_);
}

void app::expect_platform() {
    ++platforms_coming_;
}

void app::add_platform(chat::platform& p) {
    if (platforms_coming_ > 0) --platforms_coming_;
    platforms_.push_back(&p);
    for (const auto& [workspace, bot_user] : p.workspaces()) {
        engine_.set_bot_user(workspace, bot_user);
        engine_.set_platform(workspace, p.name());
    }
}

std::vector<std::string> app::workspaces() const {
    std::vector<std::string> out;
    for (const auto* p : platforms_)
        for (const auto& [workspace, bot_user] : p->workspaces()) out.push_back(workspace);
    return out;
}

chat::platform* app::platform_for(const std::string& workspace) {
    for (auto* p : platforms_)
        for (const auto& [ws, bot_user] : p->workspaces())
            if (ws == workspace) return p;
    return nullptr;
}

bool app::ready() {
    if (consecutive_failures_ >= 3) return false;
    for (auto* p : platforms_)
        if (!p->connected()) return false;
    try {
        // A write that is rolled back: a read-only file or a held lock fails here, and nothing reaches the
        // disk.
        db_.execute("BEGIN IMMEDIATE");
        try {
            db_.execute("UPDATE inbox_cursor SET handled_up_to = handled_up_to");
        } catch (...) {
            db_.execute("ROLLBACK");
            throw;
        }
        db_.execute("ROLLBACK");
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

void app::wake() {
    work_waiting_ = true;
    wake_timer_.cancel();
}

void app::stop() {
    stopping_ = true;
    wake();
}

chat::event_sink app::sink() {
    // Plain lambdas that return the member coroutines' awaitables: a coroutine lambda's captures would die
    // with the std::function that holds it.
    chat::event_sink sink;
    sink.accept = [this](std::vector<chat::inbound> batch) { return accept_events(std::move(batch)); };
    sink.settle = [this] { return pump(); };
    sink.resume_points = [this](const std::string& workspace) { return resume_points(workspace); };
    return sink;
}

std::vector<chat::resume_point> app::resume_points(const std::string& workspace) {
    storage::incident_store incidents(db_);
    storage::timeline_store timeline(db_);
    std::vector<chat::resume_point> points;
    for (const auto& incident : incidents.list(workspace, storage::incident_filter::open, 200)) {
        auto newest = timeline.newest_message_at(workspace, incident.channel);
        // Five minutes before the newest recorded message (or the start): what raced the loss comes again.
        auto since = std::max(newest.value_or(incident.started_at), incident.started_at);
        points.push_back({incident.channel, since - std::chrono::minutes{5}});
    }
    return points;
}

asio::awaitable<void> app::accept_events(std::vector<chat::inbound> batch) {
    metrics_.add("hindsight_events_received_total", {}, batch.size());
    std::vector<bool> fresh;
    std::exception_ptr failure;
    std::string reason;
    try {
        fresh = engine_.accept(batch, clock_.now());
    } catch (const storage::storage_error& e) {
        failure = std::current_exception();
        reason = e.what();
    }
    if (failure) {
        spdlog::error("could not record {} incoming event(s): {}", batch.size(), reason);
        for (const auto& notice : commands::unrecorded_notices(batch, reason))
            if (auto* p = platform_for(notice.workspace)) {
                chat::sending to{notice.workspace};  // named: g++ 12 destroys co_await temporaries twice
                co_await chat::deliver(*p, to, notice.notice);
            }
        std::rethrow_exception(failure);
    }
    for (bool is_new : fresh)
        if (!is_new) metrics_.add("hindsight_events_deduplicated_total");
    wake();
}

asio::awaitable<void> app::pump() {
    if (pumping_) co_return;  // the running pump picks up whatever arrived meanwhile
    pumping_ = true;
    struct reset_flag {
        bool& flag;
        ~reset_flag() { flag = false; }
    } guard{pumping_};
    asio::steady_timer yield(io_);
    for (int round = 0; round < 10000; ++round) {
        co_await learn_new_users();
        auto began = std::chrono::steady_clock::now();
        auto report = engine_.process_pending(clock_.now(), round_limit_, began + longest_round);
        adapt_round_limit(std::chrono::steady_clock::now() - began, report.handled);
        metrics_.add("hindsight_events_handled_total", {}, report.handled);
        for (const auto& failure : report.failures) {
            metrics_.add("hindsight_events_failed_total");
            spdlog::error("event failed: {}", failure.reason);
            auto* p = platform_for(failure.workspace);
            if (p && !chat::text_of(failure.notice).empty()) {
                chat::sending to{failure.workspace};  // named: g++ 12 destroys co_await temporaries twice
                co_await chat::deliver(*p, to, failure.notice);
            }
        }
        if (report.needs_message) {
            const auto& [workspace, missing] = *report.needs_message;
            auto* p = platform_for(workspace);
            std::optional<chat::message_posted> fetched;
            if (p) fetched = co_await p->fetch_message(workspace, missing.channel, missing.message_id);
            metrics_.add("hindsight_message_fetches_total");
            if (fetched)
                engine_.remember(workspace,
                                 {workspace, fetched->channel.id, fetched->message_id, fetched->thread_root,
                                  fetched->user, fetched->text, fetched->at, fetched->permalink, false});
            else
                engine_.give_up_waiting(report.waiting_inbox_id, "the marked message could not be fetched");
            continue;
        }
        // Planning reads every open action: do it when something can have fallen due, not for every event.
        auto now = clock_.now();
        if (!last_reminder_plan_ || now - *last_reminder_plan_ >= std::chrono::minutes{1} ||
            (next_reminder_check_ && now >= *next_reminder_check_)) {
            if (!last_prune_ || now - *last_prune_ >= std::chrono::hours{1}) {
                engine_.prune_inbox(now);
                for (auto& [platform, pacer] : pacers_)
                    pacer.forget_idle(now);  // one bucket per channel adds up
                last_prune_ = now;
            }
            auto reminders = engine_.send_due_reminders(now);
            last_reminder_plan_ = now;
            next_reminder_check_ = reminders.next_check;
            if (reminders.queued > 0) metrics_.add("hindsight_reminders_queued_total", {}, reminders.queued);
        }
        co_await deliver_due();
        if (imports_inline_) {
            auto imported = co_await import_step();
            if (imported) continue;
        }
        if (!report.progressed) break;
        // A pause of a millisecond between rounds of a backlog: timers fire and the acks waiting for their
        // commit go out, so chat stays responsive while thousands of alerts from a storm are handled.
        yield.expires_after(std::chrono::milliseconds{1});
        boost::system::error_code ignored;
        co_await yield.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
}

// Rounds of about ten milliseconds (and never much longer than longest_round): a chat burst (microseconds an
// event) keeps its big rounds, one commit for hundreds of events; a storm of alerts (a tenth of a millisecond
// each) is sliced finer.
void app::adapt_round_limit(std::chrono::steady_clock::duration took, std::size_t handled) {
    constexpr std::size_t smallest = 32, largest = 512;
    if (handled < round_limit_) return;  // the inbox ran dry: says nothing about the cost of a full round
    if (took > std::chrono::milliseconds{20}) round_limit_ = std::max(smallest, round_limit_ / 2);
    if (took < std::chrono::milliseconds{5}) round_limit_ = std::min(largest, round_limit_ * 2);
}

// Names and time zones first, so the replies to people new to the bot already say who they are.
asio::awaitable<void> app::learn_new_users() {
    auto unknown = engine_.unknown_users(20);
    for (std::size_t i = 0; i < unknown.size(); ++i) {
        auto* p = platform_for(unknown[i].first);
        if (!p) continue;
        auto info = co_await p->lookup_user(unknown[i].first, unknown[i].second);
        if (info)
            engine_.learn_user(unknown[i].first, {unknown[i].second, info->display_name, info->time_zone});
    }
}

asio::awaitable<void> app::deliver_due() {
    for (int round = 0; round < 1000; ++round) {
        auto rows = engine_.queue().outbox_due(clock_.now(), 64);
        if (rows.empty()) co_return;
        for (const auto& row : rows) co_await deliver_row(row);
        flush_delivered_reactions();
    }
}

void app::flush_delivered_reactions() {
    if (delivered_reactions_.empty()) return;
    db_.transact([&] {
        for (auto id : delivered_reactions_) engine_.queue().outbox_sent(id);
    });
    metrics_.add("hindsight_outbox_sent_total", {}, delivered_reactions_.size());
    delivered_reactions_.clear();
}

commands::delivery_lookups app::lookups_for(const std::string& workspace) {
    auto& queue = engine_.queue();
    auto name = [&queue, workspace](const std::string& key, bool is_channel) {
        if (auto found = queue.thread_root(workspace, key))
            return commands::named{commands::named::state::ready, *found};
        bool waiting =
            is_channel ? queue.channel_pending(workspace, key) : queue.thread_root_pending(workspace, key);
        return commands::named{waiting ? commands::named::state::waiting : commands::named::state::gone};
    };
    commands::delivery_lookups lookups;
    lookups.channel = [name](const std::string& placeholder) { return name(placeholder, true); };
    lookups.thread = [name](const std::string& key) { return name(key, false); };
    return lookups;
}

asio::awaitable<void> app::deliver_row(const storage::outbox_row& row) {
    auto* p = platform_for(row.workspace);
    auto lookups = lookups_for(row.workspace);
    lookups.newer_edit = [this, &row](const std::string& key) {
        return engine_.queue().newer_edit_exists(row.workspace, row.id, key);
    };
    auto plan = commands::plan_delivery(row, storage::decode_outgoing(row.payload), p != nullptr,
                                        platforms_coming_ > 0, clock_.now(), lookups);
    switch (plan.what) {
        case commands::delivery_plan::kind::wait:
            engine_.queue().outbox_defer(row.id, plan.at);
            co_return;
        case commands::delivery_plan::kind::done:
            engine_.queue().outbox_sent(row.id);
            co_return;
        case commands::delivery_plan::kind::give_up:
            give_up_row(row, plan.message, plan.reason);
            co_return;
        case commands::delivery_plan::kind::send:
            break;
    }
    if (auto limits = p->pacing()) {
        auto& pacer = pacers_.try_emplace(p, *limits).first->second;
        auto now = clock_.now();
        auto allowed = pacer.take(commands::pacing_destination(row.workspace, plan.message), now);
        if (allowed > now) {
            engine_.queue().outbox_defer(row.id, allowed);
            metrics_.add("hindsight_outbox_paced_total");
            co_return;
        }
    }
    chat::sending to{row.workspace, commands::idempotency_key(row)};  // named: see deliver's other callers
    auto result = co_await chat::deliver(*p, to, plan.message);
    record_delivery(row, plan.message, result);
}

void app::give_up_row(const storage::outbox_row& row, const chat::outgoing& message, const std::string& why) {
    db_.transact([&] {
        engine_.queue().outbox_give_up(row.id, why);
        if (auto* request = std::get_if<chat::channel_request>(&message))
            engine_.channel_not_created(row.workspace, *request, why, clock_.now());
    });
    metrics_.add("hindsight_outbox_given_up_total");
    spdlog::warn("gave up delivering outbox message {}: {}", row.id, why);
}

void app::record_delivery(const storage::outbox_row& row, const chat::outgoing& message,
                          const chat::call_result& result) {
    auto now = clock_.now();
    auto verdict = commands::judge_delivery(result, row.attempts, now);
    using kind = commands::delivery_verdict::kind;
    if (verdict.what == kind::held) {
        engine_.queue().outbox_defer(row.id, verdict.at);
        metrics_.add("hindsight_outbox_paced_total");
        return;
    }
    if (verdict.what == kind::give_up) return give_up_row(row, message, result.error);
    if (verdict.what == kind::sent && std::holds_alternative<chat::reaction>(message)) {
        // Recorded with the rest of the round, one commit for many: adding a reaction twice after a crash
        // changes nothing (already_reacted counts as done), unlike a post.
        delivered_reactions_.push_back(row.id);
        return;
    }
    db_.transact([&] {
        if (verdict.what == kind::retry) {
            engine_.queue().outbox_retry(row.id, verdict.at, result.error);
            metrics_.add("hindsight_outbox_retries_total");
            return;
        }
        engine_.queue().outbox_sent(row.id);
        if (const auto& key = chat::defined_thread_of(message); !key.empty() && !result.message_id.empty())
            engine_.queue().set_thread_root(row.workspace, key, chat::channel_of(message), result.message_id);
        auto* request = std::get_if<chat::channel_request>(&message);
        if (request && !result.message_id.empty())
            engine_.channel_created(row.workspace, *request, result.message_id, result.created_name,
                                    result.error, now);
        metrics_.add("hindsight_outbox_sent_total");
    });
}

asio::awaitable<void> app::run_worker() {
    while (!stopping_) {
        work_waiting_ = false;
        bool failed = false;
        try {
            co_await pump();
            consecutive_failures_ = 0;
        } catch (const std::exception& failure) {
            // A full disk or a held lock fails one round, not the worker: it tries again in a few seconds,
            // and /readyz says not ready while it keeps failing.
            failed = true;
            ++consecutive_failures_;
            metrics_.add("hindsight_worker_failures_total");
            spdlog::error("handling or delivery failed (attempt {}): {}", consecutive_failures_,
                          failure.what());
        }
        if (failed) {
            wake_timer_.expires_after(std::chrono::seconds{5});
            boost::system::error_code ignored;
            co_await wake_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
            continue;
        }
        if (work_waiting_) continue;  // events arrived while the pump was delivering
        auto next = engine_.queue().outbox_next_due();
        if (next_reminder_check_ && (!next || *next_reminder_check_ < *next)) next = next_reminder_check_;
        auto wait = std::chrono::milliseconds{60000};
        if (next)
            wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*next - clock_.now()),
                              std::chrono::milliseconds{10}, wait);
        wake_timer_.expires_after(wait);
        boost::system::error_code ignored;
        co_await wake_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    worker_done_ = true;
}

}  // namespace hindsight::bot
