// A time-boxed review session (SPEC §4 "Time-box"): `review start [45m]` starts the clock, a quarter before
// the end the bot says so, and at the end it posts what was recorded and what is missing. The clock is two
// columns of the incident and the posts are planned like reminders, so a restart neither loses nor repeats
// them.
#include "commands/handlers.hpp"
#include "commands/reminders.hpp"
#include "commands/review_flow.hpp"
#include "commands/zones.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {

using domain::incident;

result<void> start_timebox(context& ctx, incident& inc, arguments& args) {
    auto word = std::string(args.next().value_or(ctx.cfg.review.timebox));
    if (word.empty())
        return make_error(errc::bad_input,
                          "Say how long the session is: `" + ctx.trigger() + " review start 45m`.");
    auto length = domain::parse_duration(word);
    if (!length || *length < std::chrono::minutes{5} || *length > std::chrono::hours{8})
        return make_error(
            errc::bad_input,
            "'" + quote(word) + "' is not a session length between 5m and 8h (like 45m or 1h).");
    if (!args.empty()) return make_error(errc::bad_input, "review start takes only a length, like 45m.");
    if (inc.status == domain::incident_status::reviewed)
        return make_error(errc::conflict, "The review of " + inc.label() + " is complete already.");
    bool opened_now = inc.review_thread.empty();
    if (opened_now) start_review_thread(ctx, inc);  // asks its first question itself
    inc.timebox_started_at = ctx.now;
    inc.timebox_ends_at = ctx.now + *length;
    ctx.store.incidents.update(inc);
    review::say(ctx, inc,
                "⏱️ " + inc.label() + " · This review session has " + domain::format_duration(*length) +
                    ", until " + local_minute(*inc.timebox_ends_at, ctx.user_zone(ctx.user)) +
                    ". I will say when a quarter is left, and sum up at the end.");
    if (!opened_now) review::ask(ctx, inc);
    return {};
}

namespace {

chat::outgoing in_review_thread(const incident& inc, std::string text) {
    chat::thread_reply o;
    o.channel = inc.channel;
    o.thread_key = inc.review_thread;
    o.text = std::move(text);
    return o;
}

}  // namespace

void plan_review_timeboxes(const config::settings& cfg, stores& store, const std::string& workspace,
                           domain::timestamp now, reminder_plan& plan) {
    auto consider_next = [&](domain::timestamp t) {
        if (t > now && (!plan.next_check || t < *plan.next_check)) plan.next_check = t;
    };
    auto who = [&](const std::string& id) {
        return domain::defuse_crowd_mentions("@" + store.incidents.display_name(workspace, id));
    };
    for (const auto& inc : store.incidents.with_timebox(workspace)) {
        if (!inc.timebox_ends_at || !inc.timebox_started_at || inc.review_thread.empty()) continue;
        auto ends = *inc.timebox_ends_at;
        auto warn_at = ends - (ends - *inc.timebox_started_at) / 4;
        auto period = domain::format_iso(ends);
        consider_next(warn_at);
        consider_next(ends);
        if (now >= warn_at && now < ends)
            plan.due.push_back(
                {"review-timebox-warn", inc.channel, period,
                 in_review_thread(inc,
                                  "⏳ " + inc.label() + " · " +
                                      domain::format_duration(
                                          std::chrono::duration_cast<std::chrono::milliseconds>(ends - now)) +
                                      " left in this review session.")});
        if (now >= ends)
            plan.due.push_back(
                {"review-timebox-end", inc.channel, period,
                 in_review_thread(inc, "⏱️ " + inc.label() + " · Time is up for this session. So far:\n" +
                                           review::summary_text(store, cfg, inc, who, true) + "`/" +
                                           cfg.incidents.command +
                                           " review start` resumes where we stopped.")});
    }
}

}  // namespace hindsight::commands
