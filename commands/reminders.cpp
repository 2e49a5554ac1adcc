#include "commands/reminders.hpp"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "commands/zones.hpp"
#include "domain/insights.hpp"
#include "domain/text.hpp"
#include "domain/tracker_text.hpp"

namespace hindsight::commands {
namespace {

using namespace std::chrono;
using domain::civil_date;

constexpr std::array<std::string_view, 7> weekday_names{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// Local wall time → UTC. A time that does not exist (the spring-forward hour) moves to the first instant
// after the gap; an ambiguous one (the autumn hour) takes the earlier, so a slot is never skipped or doubled.
sys_seconds to_utc(const date::time_zone* tz, date::local_seconds local) {
    if (!tz) return sys_seconds{local.time_since_epoch()};
    auto info = tz->get_info(local);
    switch (info.result) {
        case date::local_info::unique:
            return sys_seconds{local.time_since_epoch()} - info.first.offset;
        case date::local_info::ambiguous:
            return sys_seconds{local.time_since_epoch()} - info.first.offset;
        case date::local_info::nonexistent:
            return info.second.begin;
    }
    return sys_seconds{local.time_since_epoch()};
}

date::local_seconds to_local(const date::time_zone* tz, sys_seconds t) {
    if (!tz) return date::local_seconds{t.time_since_epoch()};
    return tz->to_local(t);
}

struct owner_digest {
    std::vector<const domain::action_item*> items;
};

}  // namespace

civil_date add_business_days(civil_date day, int n) {
    sys_days d{day};
    while (n > 0) {
        d += days{1};
        weekday w{d};
        if (w != Saturday && w != Sunday) --n;
    }
    return civil_date{d};
}

std::optional<weekly_slot> latest_weekly_slot(const std::string& weekly, const std::string& zone,
                                              domain::timestamp now) {
    if (weekly.size() != 9) return std::nullopt;
    auto day_index = std::find(weekday_names.begin(), weekday_names.end(), weekly.substr(0, 3));
    if (day_index == weekday_names.end()) return std::nullopt;
    int hour = std::stoi(weekly.substr(4, 2)), minute = std::stoi(weekly.substr(7, 2));
    weekday wanted{static_cast<unsigned>(day_index - weekday_names.begin())};
    auto* tz = find_zone(zone);
    auto local_now = to_local(tz, floor<seconds>(now));
    auto local_today = floor<days>(local_now);
    // Walk back at most a week (plus a day for the slot later today) to the latest slot not in the future.
    for (int back = 0; back <= 8; ++back) {
        auto day = local_today - days{back};
        if (weekday{sys_days{day.time_since_epoch()}} != wanted) continue;
        auto at = to_utc(tz, day + hours{hour} + minutes{minute});
        if (at > floor<seconds>(now)) continue;
        return weekly_slot{time_point_cast<milliseconds>(at), civil_date{sys_days{day.time_since_epoch()}}};
    }
    return std::nullopt;
}

namespace {

// What one planning pass shares between the reminder kinds: the clock, the plan being filled and the
// look-ups each kind repeats for many actions.
class planner {
public:
    planner(const config::settings& cfg, stores& store, const std::string& workspace, domain::timestamp now,
            reminder_plan& plan)
        : cfg(cfg), store(store), workspace(workspace), now(now), plan(plan) {
        // People are read once, in bulk: a workspace can have thousands of owners.
        for (auto& person : store.incidents.users(workspace)) people_.emplace(person.id, std::move(person));
    }

    void consider_next(domain::timestamp t) {
        if (t > now && (!plan.next_check || t < *plan.next_check)) plan.next_check = t;
    }

    const std::optional<domain::incident>& incident_of(std::int64_t id) {
        auto found = incidents_.find(id);
        if (found == incidents_.end()) found = incidents_.emplace(id, store.incidents.find_by_id(id)).first;
        return found->second;
    }

    const std::string& zone_of(const std::string& user) {
        auto found = people_.find(user);
        if (found == people_.end() || found->second.time_zone.empty()) return cfg.time_zone;
        const auto& zone = found->second.time_zone;
        auto known = known_zones_.find(zone);
        if (known == known_zones_.end()) known = known_zones_.emplace(zone, is_known_zone(zone)).first;
        return known->second ? zone : cfg.time_zone;
    }

    const std::string& name(const std::string& user) {
        auto cached = names_.find(user);
        if (cached != names_.end()) return cached->second;
        auto found = people_.find(user);
        auto display = found == people_.end() ? user : found->second.display_name;
        return names_.emplace(user, domain::defuse_crowd_mentions("@" + display)).first->second;
    }

    civil_date today_in(const std::string& zone) {
        auto found = todays_.find(zone);
        if (found != todays_.end()) return found->second;
        return todays_.emplace(zone, local_date(now, zone)).first->second;
    }

    const config::settings& cfg;
    stores& store;
    const std::string& workspace;
    const domain::timestamp now;
    reminder_plan& plan;

private:
    std::map<std::int64_t, std::optional<domain::incident>> incidents_;
    std::map<std::string, storage::user_profile> people_;
    std::map<std::string, bool> known_zones_;
    std::map<std::string, std::string> names_;
    std::map<std::string, civil_date> todays_;  // zone → local date now
};

bool snoozed(const domain::action_item& a, civil_date today) {
    return a.snoozed_until && sys_days{*a.snoozed_until} > sys_days{today};
}

struct weekly_digests {
    std::map<std::string, owner_digest> by_owner;
    std::map<std::string, weekly_slot> slots;  // zone → this week's slot there
};

// Weekly digest per owner, at reminders.weekly in the owner's zone; it lists the actions open at the
// slot.
weekly_digests collect_weekly_digests(planner& p, const std::vector<domain::action_item>& open_actions) {
    weekly_digests digests;
    for (const auto& a : open_actions) {
        const auto& zone = p.zone_of(a.owner);
        auto slot_key = zone;
        auto found = digests.slots.find(slot_key);
        if (found == digests.slots.end()) {
            auto slot = latest_weekly_slot(p.cfg.reminders.weekly, zone, p.now);
            if (!slot) continue;
            found = digests.slots.emplace(slot_key, *slot).first;
            p.consider_next(found->second.at + days{7});
        }
        const auto& slot = found->second;
        if (a.created_at > slot.at) continue;  // not yet open at this week's slot: next week's digest has it
        if (snoozed(a, slot.local_day)) continue;
        digests.by_owner[a.owner].items.push_back(&a);
    }
    return digests;
}

// Sorts digest.items in place: the channel summary lists them in the same order.
chat::outgoing owner_digest_message(planner& p, const std::string& owner, owner_digest& digest) {
    auto today = p.today_in(p.zone_of(owner));
    std::stable_sort(digest.items.begin(), digest.items.end(),
                     [](const auto* a, const auto* b) { return a->due < b->due; });  // overdue first
    std::size_t overdue = 0;
    std::string text;
    for (const auto* a : digest.items) {
        bool late = sys_days{a->due} < sys_days{today};
        overdue += late ? 1 : 0;
        const auto& inc = p.incident_of(a->incident_id);
        text += "• " + a->label() + " " + domain::defuse_crowd_mentions(domain::truncate_utf8(a->text, 200)) +
                " — due " + domain::format_date(a->due) + (late ? " (*overdue*)" : "") +
                (inc ? " · " + inc->label() : "") + domain::issue_suffix(a->issue_url) + "\n";
    }
    chat::direct_message dm;
    dm.user = owner;
    dm.text = "🗓️ Your weekly action items: " + domain::plural(digest.items.size(), "open item") +
              (overdue ? ", " + std::to_string(overdue) + " overdue" : "") + ".\n" + text +
              "Close one with `/" + p.cfg.incidents.command + " done A-n`, or push it back with `/" +
              p.cfg.incidents.command + " snooze A-n [date]`.";
    // "Done" buttons for the first few (the most overdue); the text says how to close any of them.
    for (std::size_t i = 0; i < digest.items.size() && i < 5; ++i)
        dm.buttons.push_back({"Done " + digest.items[i]->label(), "done " + digest.items[i]->label()});
    return dm;
}

void plan_owner_digests(planner& p, weekly_digests& digests) {
    for (auto& [owner, digest] : digests.by_owner) {
        const auto& slot = digests.slots.at(p.zone_of(owner));
        auto dm = owner_digest_message(p, owner, digest);
        p.plan.due.push_back({"digest", owner, domain::format_date(slot.local_day), std::move(dm)});
    }
}

std::string channel_summary_line(planner& p, const std::string& owner, const owner_digest& digest,
                                 civil_date today) {
    std::size_t overdue = 0, hidden = 0;
    std::string listed;
    for (const auto* a : digest.items) {
        overdue += sys_days{a->due} < sys_days{today} ? 1 : 0;
        const auto& inc = p.incident_of(a->incident_id);
        if (inc && inc->private_channel)
            ++hidden;
        else
            listed += (listed.empty() ? "" : ", ") + a->label();
    }
    return "• " + p.name(owner) + ": " + domain::plural(digest.items.size(), "open item") +
           (overdue ? " (" + std::to_string(overdue) + " overdue)" : "") +
           (listed.empty() ? "" : " — " + listed) +
           (hidden ? " · " + std::to_string(hidden) + " from private incidents" : "") + "\n";
}

// The week's action health under the summary (SPEC §11): what was opened and closed since the last slot,
// how long closing took, and what is overdue now. Counts only, so private incidents' actions are in it.
std::string action_health(planner& p, const std::vector<domain::action_item>& open_actions,
                          domain::timestamp since, domain::timestamp until, civil_date today) {
    auto closed = p.store.learning.closed_between(p.workspace, since, until);
    std::size_t opened = 0, done = 0, wontdo = 0, overdue = 0;
    std::vector<milliseconds> to_close;
    for (const auto& a : open_actions) {
        opened += a.created_at >= since && a.created_at < until ? 1 : 0;
        overdue += sys_days{a.due} < sys_days{today} ? 1 : 0;
    }
    for (const auto& c : closed) {
        opened += c.created_at >= since ? 1 : 0;
        if (c.status == domain::action_status::wontdo) {
            ++wontdo;
            continue;
        }
        ++done;
        to_close.push_back(c.closed_at - c.created_at);
    }
    auto median = domain::nearest_rank(to_close, 50);
    return "📈 Action health this week: " + std::to_string(opened) + " opened, " + std::to_string(done) +
           " done" + (median ? " (median " + domain::format_duration(*median) + " to close)" : "") + ", " +
           std::to_string(wontdo) + " won't do; " + std::to_string(open_actions.size()) + " open, " +
           std::to_string(overdue) + " overdue. `/" + p.cfg.incidents.command +
           " insights` and `hindsight report` say more.\n";
}

// The optional channel summary, by owner; private incidents' actions appear only as counts.
void plan_channel_summary(planner& p, const weekly_digests& digests,
                          const std::vector<domain::action_item>& open_actions) {
    const auto& cfg = p.cfg;
    if (cfg.reminders.digest_channel.empty() || digests.by_owner.empty()) return;
    auto slot = latest_weekly_slot(cfg.reminders.weekly, cfg.time_zone, p.now);
    if (!slot) return;
    auto today = local_date(p.now, cfg.time_zone);
    std::string text = "🗓️ Open action items by owner:\n";
    for (const auto& [owner, digest] : digests.by_owner)
        text += channel_summary_line(p, owner, digest, today);
    text += action_health(p, open_actions, slot->at - days{7}, slot->at, today);
    p.plan.due.push_back({"digest-channel", cfg.reminders.digest_channel,
                          domain::format_date(slot->local_day),
                          chat::channel_post{cfg.reminders.digest_channel, std::move(text)}});
}

chat::outgoing escalation_message(planner& p, const domain::action_item& a, const domain::incident& inc,
                                  std::int64_t overdue_days) {
    std::string text = "⏰ " + a.label() + " (" + inc.label() + ", owner " + p.name(a.owner) + ") is " +
                       domain::plural(static_cast<std::size_t>(overdue_days), "day") +
                       " overdue: " + domain::defuse_crowd_mentions(domain::truncate_utf8(a.text, 200)) +
                       domain::issue_suffix(a.issue_url) + "\nAs commander of " + inc.label() +
                       ", could you help unblock it, reassign it (`/" + p.cfg.incidents.command + " assign " +
                       a.label() + " @someone`), or close it?";
    std::vector<chat::button> buttons{
        {"Reassign " + a.label(), "assign " + a.label(), "Who should own it? (@name)"},
        {"Won't do " + a.label(), "wontdo " + a.label(), "Why will it not be done?"}};
    // A private incident's content stays in its channel.
    if (inc.private_channel)
        return chat::channel_post{inc.channel, p.name(inc.commander) + " " + text, std::move(buttons)};
    return chat::direct_message{inc.commander, std::move(text), std::move(buttons)};
}

// Overdue escalation to the commander, once a week at most per action. A snooze quiets the owner's
// digest, not the escalation: an overdue item is the commander's business whatever its owner chose.
void plan_escalations(planner& p, const std::vector<domain::action_item>& open_actions, civil_date today) {
    const auto& cfg = p.cfg;
    for (const auto& a : open_actions) {
        auto overdue_days = (sys_days{today} - sys_days{a.due}).count();
        if (overdue_days < cfg.reminders.escalate_after_days) continue;
        const auto& inc = p.incident_of(a.incident_id);
        if (!inc || inc->commander.empty() || inc->commander == a.owner) continue;
        auto week = (overdue_days - cfg.reminders.escalate_after_days) / 7;
        auto message = escalation_message(p, a, *inc, overdue_days);
        p.plan.due.push_back(
            {"escalation", inc->commander, a.label() + ":w" + std::to_string(week), std::move(message)});
    }
    p.consider_next(
        time_point_cast<milliseconds>(sys_days{today} + days{1}));  // the next day can make one overdue
}

// Review due: a resolved incident not reviewed after the business days of its severity; then weekly.
void plan_review_due(planner& p, civil_date today) {
    const auto& cfg = p.cfg;
    for (const auto& inc : p.store.incidents.list(p.workspace, storage::incident_filter::all, 10000)) {
        if (inc.status != domain::incident_status::resolved || !inc.resolved_at) continue;
        auto resolved_day = local_date(*inc.resolved_at, cfg.time_zone);
        auto business_days =
            cfg.review.due_business_days[static_cast<std::size_t>(static_cast<int>(inc.sev) - 1)];
        auto due_day = add_business_days(resolved_day, business_days);
        // Due by the end of due_day: the reminder comes the day after, then weekly.
        auto late = (sys_days{today} - sys_days{due_day}).count() - 1;
        if (late < 0) continue;
        chat::channel_post post;
        post.channel = inc.channel;
        post.text = "📋 " + p.name(inc.commander) + ", the review of " + inc.label() + " was due " +
                    domain::format_date(due_day) + " and is not finished yet. `/" + cfg.incidents.command +
                    " review` picks it up where it stopped.";
        p.plan.due.push_back(
            {"review-due", inc.commander, inc.label() + ":w" + std::to_string(late / 7), std::move(post)});
    }
}

// Status-update nudges during an incident, every N minutes by severity (off by default).
void plan_status_updates(planner& p) {
    if (!p.cfg.reminders.status_updates) return;
    for (const auto& inc : p.store.incidents.list(p.workspace, storage::incident_filter::open, 10000)) {
        if (inc.status != domain::incident_status::active) continue;
        auto every = minutes{
            p.cfg.reminders.status_update_minutes[static_cast<std::size_t>(static_cast<int>(inc.sev) - 1)]};
        auto slot = (p.now - inc.started_at) / every;
        p.consider_next(inc.started_at + every * (slot + 1));
        if (slot < 1) continue;
        chat::ephemeral_note nudge;
        nudge.channel = inc.channel;
        nudge.user = inc.commander;
        nudge.text = "📣 It has been " + domain::format_duration(duration_cast<milliseconds>(every)) +
                     " since the last scheduled update on " + inc.label() +
                     ": a short status for the channel (what we know, what we are doing, next update) helps "
                     "everyone following along.";
        p.plan.due.push_back(
            {"status-update", inc.commander, inc.label() + ":s" + std::to_string(slot), std::move(nudge)});
    }
}

}  // namespace

reminder_plan plan_reminders(const config::settings& cfg, stores& store, const std::string& workspace,
                             domain::timestamp now) {
    reminder_plan plan;
    auto open_actions = store.actions.list({workspace, std::nullopt, std::nullopt, true});
    planner p(cfg, store, workspace, now, plan);
    auto digests = collect_weekly_digests(p, open_actions);
    plan_owner_digests(p, digests);
    plan_channel_summary(p, digests, open_actions);
    auto today = local_date(now, cfg.time_zone);
    plan_escalations(p, open_actions, today);
    plan_review_due(p, today);
    plan_status_updates(p);
    plan_review_timeboxes(cfg, store, workspace, now, plan);
    return plan;
}

}  // namespace hindsight::commands
