#include "bot/alerts/silence_watch.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bot/alerts/payloads.hpp"

namespace hindsight::alerts {

namespace asio = boost::asio;

silence_watch::silence_watch(asio::io_context& io, const config::settings& cfg, bot::clock& time,
                             bot::metrics& stats, commands::engine& engine)
    : cfg_(cfg),
      clock_(time),
      metrics_(stats),
      engine_(engine),
      client_(io, cfg.tls.ca_file, std::chrono::seconds{10}),
      wait_(io) {
    metrics_.describe("hindsight_silence_lookups_total", "Reads of Alertmanager's silences, by outcome");
    metrics_.describe("hindsight_silences_recorded_total", "Silences put on incident timelines");
}

void silence_watch::stop() {
    stopping_ = true;
    wait_.cancel();
}

asio::awaitable<bool> silence_watch::round() {
    auto due = engine_.incidents_due_for_silences(clock_.now());
    if (due.empty()) co_return true;
    bot::web_request request;
    request.method = "GET";
    request.url = cfg_.alerts.alertmanager_url + "/api/v2/silences";
    request.headers.emplace_back("Accept", "application/json");
    if (!cfg_.secret.alertmanager_token.empty())
        request.headers.emplace_back("Authorization", "Bearer " + cfg_.secret.alertmanager_token);
    auto response = co_await client_.send(std::move(request));
    if (response.status != 200) {
        metrics_.add("hindsight_silence_lookups_total", "outcome=\"failed\"");
        spdlog::warn("reading silences from {} failed: {}", cfg_.alerts.alertmanager_url,
                     response.status == 0 ? response.error : "HTTP " + std::to_string(response.status));
        co_return false;
    }
    auto silences = decode_silences(response.body);
    if (!silences) {
        metrics_.add("hindsight_silence_lookups_total", "outcome=\"unreadable\"");
        spdlog::warn("Alertmanager's silences could not be read: {}", silences.failure().message);
        co_return false;
    }
    metrics_.add("hindsight_silence_lookups_total", "outcome=\"ok\"");
    for (const auto& why : silences->skipped) spdlog::warn("an Alertmanager silence was skipped: {}", why);
    for (auto incident : due) {
        auto added = engine_.record_silences(incident, silences->silences, clock_.now());
        if (added > 0) metrics_.add("hindsight_silences_recorded_total", {}, added);
    }
    co_return true;
}

asio::awaitable<void> silence_watch::run() {
    while (!stopping_) {
        bool ok = false;
        try {
            ok = co_await round();
        } catch (const std::exception& failure) {
            spdlog::error("silence lookup failed: {}", failure.what());
        }
        // Checking for due incidents is one indexed query: every few seconds keeps "when the first alert
        // arrives" close to true.
        wait_.expires_after(ok ? std::chrono::seconds{5} : std::chrono::seconds{60});
        boost::system::error_code ignored;
        co_await wait_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
}

}  // namespace hindsight::alerts
