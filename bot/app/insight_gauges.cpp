#include "bot/app/insight_gauges.hpp"

#include <memory>

#include "commands/handlers.hpp"

namespace hindsight::bot {

namespace {

using series = std::vector<std::pair<std::string, double>>;

// Prometheus label values escape backslash, double quote and line feed.
std::string label_value(const std::string& raw) {
    std::string out;
    for (char c : raw) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

double seconds(const std::optional<std::chrono::milliseconds>& d) {
    return d ? std::chrono::duration<double>(*d).count() : 0.0;
}

struct gauge_values {
    series incidents, durations, reviews, actions, close_median, came_back, recurring;
};

void add_workspace(gauge_values& v, const std::string& workspace, const domain::insights& in) {
    auto ws = "workspace=\"" + label_value(workspace) + "\"";
    for (int s = 1; s <= 4; ++s)
        v.incidents.emplace_back(ws + ",severity=\"sev" + std::to_string(s) + "\"",
                                 static_cast<double>(in.by_severity[static_cast<std::size_t>(s - 1)]));
    const std::array<std::pair<const char*, const domain::duration_figures*>, 3> stages{
        {{"detect", &in.to_detect}, {"mitigate", &in.to_mitigate}, {"resolve", &in.to_resolve}}};
    for (const auto& [stage, f] : stages) {
        if (!f->median) continue;  // no incident reached that stage: no figure, rather than a false zero
        v.durations.emplace_back(ws + ",stage=\"" + stage + "\",quantile=\"0.5\"", seconds(f->median));
        v.durations.emplace_back(ws + ",stage=\"" + stage + "\",quantile=\"0.9\"", seconds(f->p90));
    }
    for (const auto& [state, n] :
         {std::pair{"resolved", in.resolved}, std::pair{"reviewed", in.reviewed},
          std::pair{"reviewed_late", in.reviewed_late}, std::pair{"overdue", in.review_overdue}})
        v.reviews.emplace_back(ws + ",state=\"" + state + "\"", static_cast<double>(n));
    for (const auto& [state, n] :
         {std::pair{"opened", in.actions.opened}, std::pair{"done", in.actions.done},
          std::pair{"wontdo", in.actions.wontdo}, std::pair{"overdue", in.actions.overdue}})
        v.actions.emplace_back(ws + ",state=\"" + state + "\"", static_cast<double>(n));
    if (in.actions.median_to_close) v.close_median.emplace_back(ws, seconds(in.actions.median_to_close));
    v.came_back.emplace_back(ws, static_cast<double>(in.came_back.size()));
    v.recurring.emplace_back(ws, static_cast<double>(in.recurring_factors.size()));
}

struct gauge_cache {
    commands::engine& engine;
    const config::settings& cfg;
    const clock& time;
    std::optional<domain::timestamp> computed_at;
    gauge_values values;

    const gauge_values& current() {
        auto now = time.now();
        if (computed_at && now - *computed_at < std::chrono::minutes{1} && now >= *computed_at) return values;
        gauge_values fresh;
        try {
            auto& store = engine.store();
            for (const auto& workspace : store.incidents.workspaces())
                add_workspace(fresh, workspace,
                              commands::compute_report(store, cfg, workspace, now - std::chrono::days{30},
                                                       now + std::chrono::milliseconds{1}, ""));
        } catch (const std::exception&) {
            return values;  // the database is busy or failing: the last figures stand until the next minute
        }
        values = std::move(fresh);
        computed_at = now;
        return values;
    }
};

}  // namespace

void register_insight_gauges(metrics& stats, commands::engine& engine, const config::settings& cfg,
                             const clock& time) {
    auto cache = std::make_shared<gauge_cache>(gauge_cache{engine, cfg, time, std::nullopt, {}});
    auto gauge = [&stats, cache](const char* name, const char* help, series gauge_values::*member) {
        stats.series_gauge(name, help, [cache, member] { return cache->current().*member; });
    };
    gauge("hindsight_insights_incidents", "Incidents started in the last 30 days, by severity",
          &gauge_values::incidents);
    gauge("hindsight_insights_duration_seconds",
          "Time to detect, mitigate and resolve over the last 30 days' incidents (median and p90)",
          &gauge_values::durations);
    gauge("hindsight_insights_reviews", "Reviews of the last 30 days' resolved incidents, by state",
          &gauge_values::reviews);
    gauge("hindsight_insights_actions",
          "Action items opened, done, won't-do in the last 30 days; overdue now", &gauge_values::actions);
    gauge("hindsight_insights_action_close_median_seconds",
          "Median time to close action items done in the last 30 days", &gauge_values::close_median);
    gauge("hindsight_insights_came_back", "Factors of the last 30 days' incidents that came back after a fix",
          &gauge_values::came_back);
    gauge("hindsight_insights_recurring_factors",
          "Factors written in two or more of the last 30 days' incidents", &gauge_values::recurring);
}

}  // namespace hindsight::bot
