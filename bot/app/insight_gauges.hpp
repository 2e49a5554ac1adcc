#pragma once
// /metrics gauges for the insights of SPEC §11: the last 30 days of each workspace, the same figures as
// `insights 30d`. Computed at most once a minute, so a scrape every few seconds costs one report a minute.
#include "bot/app/clock.hpp"
#include "bot/app/metrics.hpp"
#include "commands/engine.hpp"

namespace hindsight::bot {

void register_insight_gauges(metrics& stats, commands::engine& engine, const config::settings& cfg,
                             const clock& time);

}  // namespace hindsight::bot
