#include "commands/reminders.hpp"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "commands/zones.hpp"
#include "domain/text.hpp"

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

reminder_plan plan_reminders(const config::settings& cfg, stores& store, const std::string& workspace,
                             domain::timestamp now) {
    reminder_plan plan;
    auto consider_next = [&](domain::timestamp t) {
        if (t > now && (!plan.next_check || t < *plan.next_check)) plan.next_check = t;
    };
    auto open_actions = store.actions.list({workspace, std::nullopt, std::nullopt, true});
    std::map<std::int64_t, std::optional<domain::incident>> incidents;
    auto incident_of = [&](std::int64_t id) -> const std::optional<domain::incident>& {
        auto found = incidents.find(id);
        if (found == incidents.end()) found = incidents.emplace(id, store.incidents.find_by_id(id)).first;
        return found->second;
    };
    // People are read once, in bulk: a workspace can have thousands of owners.
    std::map<std::string, storage::user_profile> people;
    for (auto& person : store.incidents.users(workspace)) people.emplace(person.id, std::move(person));
    std::map<std::string, bool> known_zones;
    auto zone_of = [&](const std::string& user) -> const std::string& {
        auto found = people.find(user);
        if (found == people.end() || found->second.time_zone.empty()) return cfg.time_zone;
        const auto& zone = found->second.time_zone;
        auto known = known_zones.find(zone);
        if (known == known_zones.end()) known = known_zones.emplace(zone, is_known_zone(zone)).first;
        return known->second ? zone : cfg.time_zone;
    };
    std::map<std::string, std::string> names;
    auto name = [&](const std::string& user) -> const std::string& {
        auto cached = names.find(user);
        if (cached != names.end()) return cached->second;
        auto found = people.find(user);
        auto display = found == people.end() ? user : found->second.display_name;
        return names.emplace(user, domain::defuse_crowd_mentions("@" + display)).first->second;
    };
    std::map<std::string, civil_date> todays;  // zone → local date now
    auto today_in = [&](const std::string& zone) {
        auto found = todays.find(zone);
        if (found != todays.end()) return found->second;
        return todays.emplace(zone, local_date(now, zone)).first->second;
    };
    auto snoozed = [&](const domain::action_item& a, civil_date today) {
        return a.snoozed_until && sys_days{*a.snoozed_until} > sys_days{today};
    };

    // Weekly digest per owner, at reminders.weekly in the owner's zone; it lists the actions open at the
    // slot.
    std::map<std::string, owner_digest> digests;
    std::map<std::string, weekly_slot> slots;
    for (const auto& a : open_actions) {
        const auto& zone = zone_of(a.owner);
        auto slot_key = zone;
        auto found = slots.find(slot_key);
        if (found == slots.end()) {
            auto slot = latest_weekly_slot(cfg.reminders.weekly, zone, now);
            if (!slot) continue;
            found = slots.emplace(slot_key, *slot).first;
            consider_next(found->second.at + days{7});
        }
        const auto& slot = found->second;
        if (a.created_at > slot.at) continue;  // not yet open at this week's slot: next week's digest has it
        if (snoozed(a, slot.local_day)) continue;
        digests[a.owner].items.push_back(&a);
    }
    for (auto& [owner, digest] : digests) {
        const auto& slot = slots.at(zone_of(owner));
        auto today = today_in(zone_of(owner));
        std::stable_sort(digest.items.begin(), digest.items.end(),
                         [](const auto* a, const auto* b) { return a->due < b->due; });  // overdue first
        std::size_t overdue = 0;
        std::string text;
        for (const auto* a : digest.items) {
            bool late = sys_days{a->due} < sys_days{today};
            overdue += late ? 1 : 0;
            const auto& inc = incident_of(a->incident_id);
            text += "• " + a->label() + " " +
                    domain::defuse_crowd_mentions(domain::truncate_utf8(a->text, 200)) + " — due " +
                    domain::format_date(a->due) + (late ? " (*overdue*)" : "") +
                    (inc ? " · " + inc->label() : "") + "\n";
        }
        chat::outgoing dm;
        dm.how = chat::delivery::direct;
        dm.user = owner;
        dm.text = "🗓️ Your weekly action items: " + domain::plural(digest.items.size(), "open item") +
                  (overdue ? ", " + std::to_string(overdue) + " overdue" : "") + ".\n" + text +
                  "Close one with `/" + cfg.incidents.command + " done A-n`, or push it back with `/" +
                  cfg.incidents.command + " snooze A-n [date]`.";
        // "Done" buttons for the first few (the most overdue); the text says how to close any of them.
        for (std::size_t i = 0; i < digest.items.size() && i < 5; ++i)
            dm.buttons.push_back({"Done " + digest.items[i]->label(), "done " + digest.items[i]->label()});
        plan.due.push_back({"digest", owner, domain::format_date(slot.local_day), std::move(dm)});
    }

    // The optional channel summary, by owner; private incidents' actions appear only as counts.
    if (!cfg.reminders.digest_channel.empty() && !digests.empty()) {
        if (auto slot = latest_weekly_slot(cfg.reminders.weekly, cfg.time_zone, now)) {
            auto today = local_date(now, cfg.time_zone);
            std::string text = "🗓️ Open action items by owner:\n";
            for (const auto& [owner, digest] : digests) {
                std::size_t overdue = 0, hidden = 0;
                std::string listed;
                for (const auto* a : digest.items) {
                    overdue += sys_days{a->due} < sys_days{today} ? 1 : 0;
                    const auto& inc = incident_of(a->incident_id);
                    if (inc && inc->private_channel)
                        ++hidden;
                    else
                        listed += (listed.empty() ? "" : ", ") + a->label();
                }
                text += "• " + name(owner) + ": " + domain::plural(digest.items.size(), "open item") +
                        (overdue ? " (" + std::to_string(overdue) + " overdue)" : "") +
                        (listed.empty() ? "" : " — " + listed) +
                        (hidden ? " · " + std::to_string(hidden) + " from private incidents" : "") + "\n";
            }
            chat::outgoing post;
            post.how = chat::delivery::channel;
            post.channel = cfg.reminders.digest_channel;
            post.text = std::move(text);
            plan.due.push_back({"digest-channel", cfg.reminders.digest_channel,
                                domain::format_date(slot->local_day), std::move(post)});
        }
    }

    // Overdue escalation to the commander, once a week at most per action. A snooze quiets the owner's
    // digest, not the escalation: an overdue item is the commander's business whatever its owner chose.
    auto today = local_date(now, cfg.time_zone);
    for (const auto& a : open_actions) {
        auto overdue_days = (sys_days{today} - sys_days{a.due}).count();
        if (overdue_days < cfg.reminders.escalate_after_days) continue;
        const auto& inc = incident_of(a.incident_id);
        if (!inc || inc->commander.empty() || inc->commander == a.owner) continue;
        auto week = (overdue_days - cfg.reminders.escalate_after_days) / 7;
        std::string text = "⏰ " + a.label() + " (" + inc->label() + ", owner " + name(a.owner) + ") is " +
                           domain::plural(static_cast<std::size_t>(overdue_days), "day") +
                           " overdue: " + domain::defuse_crowd_mentions(domain::truncate_utf8(a.text, 200)) +
                           "\nAs commander of " + inc->label() +
                           ", could you help unblock it, reassign it (`/" + cfg.incidents.command +
                           " assign " + a.label() + " @someone`), or close it?";
        chat::outgoing message;
        if (inc->private_channel) {
            // A private incident's content stays in its channel.
            message.how = chat::delivery::channel;
            message.channel = inc->channel;
            text = name(inc->commander) + " " + text;
        } else {
            message.how = chat::delivery::direct;
            message.user = inc->commander;
        }
        message.text = std::move(text);
        message.buttons = {{"Reassign " + a.label(), "assign " + a.label(), "Who should own it? (@name)"},
                           {"Won't do " + a.label(), "wontdo " + a.label(), "Why will it not be done?"}};
        plan.due.push_back(
            {"escalation", inc->commander, a.label() + ":w" + std::to_string(week), std::move(message)});
    }
    consider_next(
        time_point_cast<milliseconds>(sys_days{today} + days{1}));  // the next day can make one overdue

    // Review due: a resolved incident not reviewed after the business days of its severity; then weekly.
    for (const auto& inc : store.incidents.list(workspace, storage::incident_filter::all, 10000)) {
        if (inc.status != domain::incident_status::resolved || !inc.resolved_at) continue;
        auto resolved_day = local_date(*inc.resolved_at, cfg.time_zone);
        auto business_days =
            cfg.review.due_business_days[static_cast<std::size_t>(static_cast<int>(inc.sev) - 1)];
        auto due_day = add_business_days(resolved_day, business_days);
        // Due by the end of due_day: the reminder comes the day after, then weekly.
        auto late = (sys_days{today} - sys_days{due_day}).count() - 1;
        if (late < 0) continue;
        chat::outgoing post;
        post.how = chat::delivery::channel;
        post.channel = inc.channel;
        post.text = "📋 " + name(inc.commander) + ", the review of " + inc.label() + " was due " +
                    domain::format_date(due_day) + " and is not finished yet. `/" + cfg.incidents.command +
                    " review` picks it up where it stopped.";
        plan.due.push_back(
            {"review-due", inc.commander, inc.label() + ":w" + std::to_string(late / 7), std::move(post)});
    }

    // Status-update nudges during an incident, every N minutes by severity (off by default).
    if (cfg.reminders.status_updates) {
        for (const auto& inc : store.incidents.list(workspace, storage::incident_filter::open, 10000)) {
            if (inc.status != domain::incident_status::active) continue;
            auto every = minutes{
                cfg.reminders.status_update_minutes[static_cast<std::size_t>(static_cast<int>(inc.sev) - 1)]};
            auto slot = (now - inc.started_at) / every;
            consider_next(inc.started_at + every * (slot + 1));
            if (slot < 1) continue;
            chat::outgoing nudge;
            nudge.how = chat::delivery::ephemeral;
            nudge.channel = inc.channel;
            nudge.user = inc.commander;
            nudge.text =
                "📣 It has been " + domain::format_duration(duration_cast<milliseconds>(every)) +
                " since the last scheduled update on " + inc.label() +
                ": a short status for the channel (what we know, what we are doing, next update) helps "
                "everyone following along.";
            plan.due.push_back({"status-update", inc.commander, inc.label() + ":s" + std::to_string(slot),
                                std::move(nudge)});
        }
    }
    plan_review_timeboxes(cfg, store, workspace, now, plan);
    return plan;
}

}  // namespace hindsight::commands
