// Monitoring alerts on the incident timeline (SPEC §9 "Alerts"): routed when received, handled here like any
// other inbound event, inside the same transaction as the entry and the replies.
#include <algorithm>

#include "commands/engine.hpp"
#include "commands/handlers.hpp"
#include "commands/zones.hpp"
#include "domain/rules.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {
namespace {

// When the fact happened: a firing alert at its start, a resolved one at its end. A sender's clock ahead of
// ours cannot put an entry in the future.
domain::timestamp fact_time(const domain::alert& a, domain::timestamp now) {
    auto at = a.status == domain::alert_status::firing ? a.starts_at : a.ends_at.value_or(now);
    return std::min(at, now);
}

// alert_id names the fact (this instance, firing or resolved): the entry's message id, unique per incident.
void add_alert_entry(context& ctx, const domain::incident& inc, std::int64_t alert_id,
                     const domain::alert& a) {
    domain::timeline_entry entry;
    entry.incident_id = inc.id;
    entry.kind = domain::entry_kind::alert;
    entry.occurred_at = fact_time(a, ctx.now);
    entry.captured_at = ctx.now;
    entry.text = domain::describe_alert(a);
    entry.source.platform = a.source;
    entry.source.channel = inc.channel;
    entry.source.message_id = "alert:" + std::to_string(alert_id);
    entry.source.permalink = a.link;
    ctx.store.timeline.add(entry, false);
}

// A one-line note for an alert no route took, in alerts.unrouted_channel when one is set. It names only the
// alert: an unrouted alert belongs to no incident, private or not.
void note_unrouted(context& ctx, const domain::alert& a) {
    const auto& channel = ctx.cfg.alerts.unrouted_channel;
    if (channel.empty() || a.status != domain::alert_status::firing) return;
    ctx.post_in(channel, "🔕 No route took this alert: " + domain::describe_alert(a) +
                             ". Add an `[[alerts.routes]]` entry to send it to an incident channel.");
}

domain::severity severity_for(context& ctx, const chat::alert_received& ev) {
    if (auto sev = domain::parse_severity(ev.severity)) return *sev;
    return domain::parse_severity(ctx.cfg.incidents.default_severity).value_or(domain::severity::sev3);
}

// SPEC §11: an alert's `service` label classifies the incident it lands on (the declaration shows it).
void take_service(context& ctx, const domain::incident& inc, const domain::alert& a) {
    auto name = domain::label_name(domain::value_of(a.labels, "service"));
    if (!name || inc.services.size() >= 10 ||
        std::find(inc.services.begin(), inc.services.end(), *name) != inc.services.end())
        return;
    if (!ctx.store.incidents.add_label(inc.id, storage::label_kind::service, *name, ctx.now,
                                       "alert:" + a.source))
        return;
    if (auto now = ctx.store.incidents.find_by_id(inc.id)) refresh_header(ctx, *now);
}

}  // namespace

void on_alert(context& ctx, const chat::alert_received& ev) {
    const auto& a = ev.alert;
    auto row = ctx.store.alerts.record(ctx.workspace, ev.channel.id, a, ctx.now);
    if (!row) return;  // this fact is on record already: a re-sent group or a redelivery
    if (ev.channel.id.empty()) return note_unrouted(ctx, a);
    auto inc = ctx.store.incidents.current_in_channel(ctx.workspace, ev.channel.id);
    if (inc && inc->status == domain::incident_status::reviewed) inc.reset();
    bool declared = false;
    if (!inc) {
        // Kept with the channel: an incident declared there within the hour picks it up.
        if (!ev.declare || a.status != domain::alert_status::firing || a.is_change()) return;
        inc = declare_from_alert(ctx, a, severity_for(ctx, ev));
        declared = true;
    }
    ctx.store.alerts.attach(*row, inc->id);
    add_alert_entry(ctx, *inc, *row, a);
    if (a.status == domain::alert_status::firing) take_service(ctx, *inc, a);
    // Nobody typed `start`, so the channel is told: the failure that recurs is seen while it burns.
    if (declared)
        if (auto now = ctx.store.incidents.find_by_id(inc->id)) post_related(ctx, *now);
}

void attach_waiting_alerts(context& ctx, const domain::incident& inc) {
    auto waiting = ctx.store.alerts.waiting(ctx.workspace, inc.channel, ctx.now - std::chrono::hours{1});
    if (waiting.empty()) return;
    auto first_fired = ctx.now;
    for (const auto& stored : waiting) {
        ctx.store.alerts.attach(stored.id, inc.id);
        add_alert_entry(ctx, inc, stored.id, stored.alert);
        if (stored.alert.status == domain::alert_status::firing)
            first_fired = std::min(first_fired, stored.alert.starts_at);
    }
    std::string text = domain::plural(waiting.size(), "alert") +
                       " that reached this channel in the last hour " + (waiting.size() == 1 ? "is" : "are") +
                       " on the timeline of " + inc.label() + ".";
    if (first_fired < ctx.now)
        text += " The first fired at " + local_clock(first_fired, ctx.user_zone(ctx.user)) + ": `" +
                ctx.trigger() + " detected at " + local_clock(first_fired, ctx.user_zone(ctx.user)) +
                "` records that as the detection time.";
    ctx.tell(text);
}

}  // namespace hindsight::commands

namespace hindsight::commands {

std::vector<std::int64_t> engine::incidents_due_for_silences(domain::timestamp now) {
    return stores_.alerts.due_for_silences(now);
}

std::size_t engine::record_silences(std::int64_t incident_id, const std::vector<domain::silence>& silences,
                                    domain::timestamp now) {
    auto lookback = domain::parse_duration(cfg_.alerts.silence_lookback).value_or(std::chrono::days{30});
    std::size_t added = 0;
    db_.transact([&] {
        auto inc = stores_.incidents.find_by_id(incident_id);
        if (!inc) return;
        std::vector<domain::alert> alerts;
        for (auto& stored : stores_.alerts.for_incident(incident_id))
            alerts.push_back(std::move(stored.alert));
        for (const auto& s : silences) {
            const auto* muted = domain::silenced_alert(s, alerts, now, lookback);
            if (!muted || !stores_.alerts.add_silence(incident_id, s.id)) continue;
            domain::timeline_entry entry;
            entry.incident_id = incident_id;
            entry.kind = domain::entry_kind::alert;
            entry.occurred_at = std::min(s.starts_at, now);  // when the muting began: often well before
            entry.captured_at = now;
            entry.text = domain::describe_silence(s, *muted);
            entry.source.platform = "alertmanager";
            entry.source.channel = inc->channel;
            entry.source.message_id = "silence:" + s.id;
            stores_.timeline.add(entry, false);
            ++added;
        }
        stores_.alerts.silences_checked(incident_id, now);
    });
    return added;
}

}  // namespace hindsight::commands
