#pragma once
// The composition root at run time: platforms in, the engine in the middle, the outbox worker out.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bot/app/clock.hpp"
#include "bot/app/metrics.hpp"
#include "chat/platform.hpp"
#include "commands/delivery_policy.hpp"
#include "commands/engine.hpp"

namespace hindsight::bot {

// Spawns a coroutine whose failure is logged instead of vanishing (never asio::detached).
void spawn_logged(boost::asio::io_context& io, boost::asio::awaitable<void> task, std::string name);

class app {
public:
    app(boost::asio::io_context& io, storage::database& db, const config::settings& cfg, clock& time,
        std::string platform_name);

    // A platform that is configured but not up yet (unreachable at start-up): until it is added, outbox rows
    // for workspaces no platform serves wait instead of being given up.
    void expect_platform();
    void add_platform(chat::platform& p);
    chat::event_sink sink();

    // Handles everything pending and delivers every due outbox message; returns when there is nothing to do
    // now.
    boost::asio::awaitable<void> pump();
    // Keeps pumping in the background: woken by new events and by the next retry time.
    boost::asio::awaitable<void> run_worker();
    void stop();
    // Something was queued outside the inbox (a tracker's notice): deliver it soon.
    void wake();

    // `import`: one request of the history reading due first, and the events it read recorded; false when
    // none is due (or its platform is not up yet). run_imports keeps at it in the background; the console
    // has its imports run inside pump instead, so their reports come in order with everything else.
    boost::asio::awaitable<bool> import_step();
    boost::asio::awaitable<void> run_imports();
    void run_imports_inline() { imports_inline_ = true; }

    // Every workspace a connected platform serves.
    std::vector<std::string> workspaces() const;
    commands::engine& engine() { return engine_; }
    metrics& stats() { return metrics_; }
    bool ready();
    // The worker has finished its last round after stop(): nothing is in flight any more.
    bool worker_done() const { return worker_done_; }

    chat::platform* platform_for(const std::string& workspace);

private:
    boost::asio::awaitable<void> wait_for_pace(chat::platform& p);
    boost::asio::awaitable<void> record_page(const storage::history_import& job, chat::history_page page);
    boost::asio::awaitable<void> stop_import(const storage::history_import& job, std::string problem,
                                             std::vector<chat::inbound> events = {});
    void import_failed(const storage::history_import& job, const chat::history_page& page);
    boost::asio::awaitable<void> accept_events(std::vector<chat::inbound> batch);
    std::vector<chat::resume_point> resume_points(const std::string& workspace);
    boost::asio::awaitable<void> deliver_due();
    boost::asio::awaitable<void> learn_new_users();
    boost::asio::awaitable<void> deliver_row(const storage::outbox_row& row);
    commands::delivery_lookups lookups_for(const std::string& workspace);
    void give_up_row(const storage::outbox_row& row, const chat::outgoing& message, const std::string& why);
    void record_delivery(const storage::outbox_row& row, const chat::outgoing& message,
                         const chat::call_result& result);
    void flush_delivered_reactions();
    void adapt_round_limit(std::chrono::steady_clock::duration took, std::size_t handled);

    boost::asio::io_context& io_;
    storage::database& db_;
    const config::settings& cfg_;
    clock& clock_;
    commands::engine engine_;
    metrics metrics_;
    std::vector<chat::platform*> platforms_;
    int platforms_coming_ = 0;
    std::map<chat::platform*, chat::pacer> pacers_;
    boost::asio::steady_timer wake_timer_;
    bool pumping_ = false;
    bool stopping_ = false;
    bool work_waiting_ = false;
    int consecutive_failures_ = 0;
    bool worker_done_ = false;
    std::optional<domain::timestamp> next_reminder_check_;
    std::optional<domain::timestamp> last_reminder_plan_;
    std::optional<domain::timestamp> last_prune_;
    std::size_t round_limit_ = 512;  // inbox rows per round of handling (see adapt_round_limit)
    // However slow events are to handle (a machine short of CPU), a round stops after this long.
    static constexpr auto longest_round = std::chrono::milliseconds{20};
    std::vector<std::int64_t> delivered_reactions_;  // sent, to be marked so in one commit
    bool imports_inline_ = false;
    boost::asio::steady_timer import_wait_;
    std::map<chat::platform*, std::chrono::steady_clock::time_point> last_history_read_;
};

}  // namespace hindsight::bot
