#pragma once
// Reads Alertmanager's silences for open incidents that have alerts (SPEC §9 "Silences"): when an incident's
// first alert arrives, then hourly while it is open. One GET serves every incident due in a round; a failed
// GET is tried again a minute later and marks nothing as looked at.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bot/app/clock.hpp"
#include "bot/app/metrics.hpp"
#include "bot/net/web_client.hpp"
#include "commands/engine.hpp"

namespace hindsight::alerts {

class silence_watch {
public:
    silence_watch(boost::asio::io_context& io, const config::settings& cfg, bot::clock& time,
                  bot::metrics& stats, commands::engine& engine);
    boost::asio::awaitable<void> run();
    void stop();

private:
    // True when the round went through (nothing due counts), false when Alertmanager could not be read.
    boost::asio::awaitable<bool> round();

    const config::settings& cfg_;
    bot::clock& clock_;
    bot::metrics& metrics_;
    commands::engine& engine_;
    bot::web_client client_;
    boost::asio::steady_timer wait_;
    bool stopping_ = false;
};

}  // namespace hindsight::alerts
