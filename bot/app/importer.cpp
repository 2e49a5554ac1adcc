// `import` in the shell: each step is one history request to the platform, paced to its documented rate,
// whose events are recorded through the inbox like live ones (persist first, then move the cursor), so a
// crash repeats at most one request and the inbox drops what it already has.
#include <spdlog/spdlog.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bot/app/app.hpp"

namespace hindsight::bot {

namespace asio = boost::asio;

namespace {

// Failures other than a 429 in a row before an import gives up: with the backoff below, two minutes and more
// of an unreachable server.
constexpr int failures_before_giving_up = 6;
// A bound on a platform that never stops saying "more": at Slack's pace, well over an hour of reading.
constexpr int most_requests = 5000;

std::chrono::milliseconds backoff(int failures_so_far) {
    return std::chrono::seconds{std::min(60, 5 << std::min(failures_so_far, 4))};
}

// Keys of their own: a message seen live reaches the handler again, which knows it and counts it as known
// (the message store is what makes it once); a page read twice after a crash is dropped by the inbox.
void tag_with_import(std::vector<chat::inbound>& events, std::int64_t import_id, bool channel_is_private) {
    // A post read back already carries its latest text; its edit and deletion events were for the live path
    // (which also takes an edited review reply as an answer) and are not handled again.
    std::erase_if(events, [](const chat::inbound& in) {
        return !std::holds_alternative<chat::message_posted>(in.payload) &&
               !std::holds_alternative<chat::reaction_changed>(in.payload);
    });
    for (auto& in : events) {
        in.dedup_key = "import:" + std::to_string(import_id) + ":" +
                       (in.dedup_key.empty() ? commands::identity_key(in.payload) : in.dedup_key);
        std::visit(
            [&](auto& ev) {
                using T = std::decay_t<decltype(ev)>;
                if constexpr (std::is_same_v<T, chat::message_posted> ||
                              std::is_same_v<T, chat::reaction_changed>)
                    ev.import_id = import_id;
                if constexpr (!std::is_same_v<T, chat::alert_received>)
                    ev.channel.is_private = ev.channel.is_private || channel_is_private;
            },
            in.payload);
    }
}

}  // namespace

asio::awaitable<void> app::wait_for_pace(chat::platform& p) {
    auto pace = p.history_pace();
    auto last = last_history_read_.find(&p);
    if (pace.count() <= 0 || last == last_history_read_.end()) co_return;
    auto ready_at = last->second + pace;
    if (std::chrono::steady_clock::now() >= ready_at) co_return;
    import_wait_.expires_at(ready_at);
    boost::system::error_code ignored;
    co_await import_wait_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

asio::awaitable<bool> app::import_step() {
    auto job = engine_.store().imports.next_due(clock_.now());
    if (!job) co_return false;
    auto* p = platform_for(job->workspace);
    if (!p || !p->connected()) {
        // Its platform is not up: this import waits without holding back the others.
        db_.transact(
            [&] { engine_.store().imports.wait_until(job->id, clock_.now() + std::chrono::seconds{5}); });
        co_return false;
    }
    if (job->requests >= most_requests) {
        co_await stop_import(*job, "it took more than " + std::to_string(most_requests) + " requests");
        co_return true;
    }
    co_await wait_for_pace(*p);
    chat::history_request request{job->channel, job->since, job->cursor};
    auto page = co_await p->read_history(job->workspace, request);
    last_history_read_[p] = std::chrono::steady_clock::now();
    metrics_.add("hindsight_history_requests_total", std::string("outcome=\"") +
                                                         (page.problem.ok()   ? "ok"
                                                          : page.rate_limited ? "rate_limited"
                                                                              : "failed") +
                                                         "\"");
    if (!page.problem.ok()) {
        import_failed(*job, page);
        if (page.problem.status == chat::call_result::outcome::rejected ||
            page.problem.status == chat::call_result::outcome::not_supported ||
            (!page.rate_limited && job->failures + 1 >= failures_before_giving_up))
            co_await stop_import(*job, page.problem.error);
        co_return true;
    }
    co_await record_page(*job, std::move(page));
    co_return true;
}

void app::import_failed(const storage::history_import& job, const chat::history_page& page) {
    auto now = clock_.now();
    auto wait = page.rate_limited
                    ? std::max<std::chrono::milliseconds>(page.problem.retry_after, std::chrono::seconds{1})
                    : std::max(page.problem.retry_after, backoff(job.failures));
    spdlog::warn("reading the history of {} failed ({}); again in {} ms", job.channel, page.problem.error,
                 wait.count());
    db_.transact([&] {
        engine_.store().imports.postponed(job.id, now + wait, page.rate_limited, page.problem.error);
    });
}

asio::awaitable<void> app::record_page(const storage::history_import& job, chat::history_page page) {
    auto inc = engine_.store().incidents.find_by_id(job.incident_id);
    tag_with_import(page.events, job.id, inc && inc->private_channel);
    auto read = static_cast<std::int64_t>(page.events.size());
    metrics_.add("hindsight_history_events_total", {}, page.events.size());
    if (page.next_cursor.empty()) {
        co_await stop_import(job, {}, std::move(page.events));
        co_return;
    }
    if (!page.events.empty()) {
        auto recorder = sink();  // named: g++ 12 destroys temporaries in a co_await expression twice
        co_await recorder.accept(std::move(page.events));
    }
    db_.transact([&] { engine_.store().imports.advanced(job.id, page.next_cursor, read, clock_.now()); });
}

// The report goes through the inbox behind the last page, so it is handled after everything read, and once.
asio::awaitable<void> app::stop_import(const storage::history_import& job, std::string problem,
                                       std::vector<chat::inbound> events) {
    auto read = static_cast<std::int64_t>(events.size());
    auto inc = engine_.store().incidents.find_by_id(job.incident_id);
    chat::history_read done{{job.channel, inc && inc->private_channel, false}, job.id, problem, clock_.now()};
    events.push_back({job.workspace, "history:" + std::to_string(job.id), std::move(done)});
    auto recorder = sink();  // named: g++ 12 destroys temporaries in a co_await expression twice
    co_await recorder.accept(std::move(events));
    db_.transact([&] {
        if (read > 0) engine_.store().imports.advanced(job.id, job.cursor, read, clock_.now());
        engine_.store().imports.finishing(job.id, problem);
    });
}

asio::awaitable<void> app::run_imports() {
    asio::steady_timer idle(io_);
    while (!stopping_) {
        bool worked = false;
        try {
            worked = co_await import_step();
        } catch (const std::exception& failure) {
            // A full disk fails this step; the cursor did not move, so the next one repeats it.
            spdlog::error("import step failed: {}", failure.what());
        }
        if (worked) continue;
        // New imports are rows written by a command: a look every second costs one indexed query.
        idle.expires_after(std::chrono::seconds{1});
        boost::system::error_code ignored;
        co_await idle.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
}

}  // namespace hindsight::bot
