#include "bot/alerts/receiver.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bot/alerts/verify.hpp"

namespace hindsight::alerts {

namespace asio = boost::asio;
using bot::http_request;
using bot::http_response;

namespace {

http_response text_response(int status, std::string text) {
    return {status, "text/plain; charset=utf-8", std::move(text) + "\n"};
}

std::string source_label(const std::string& source) {
    return "source=\"" + source + "\"";
}

}  // namespace

alert_receiver::alert_receiver(asio::io_context& io, const config::settings& cfg, bot::clock& time,
                               bot::metrics& stats, chat::event_sink sink, workspace_list workspaces,
                               bool chat_expected)
    : cfg_(cfg),
      clock_(time),
      metrics_(stats),
      sink_(std::move(sink)),
      workspaces_(std::move(workspaces)),
      chat_expected_(chat_expected),
      router_(cfg.alerts),
      io_(io),
      commits_(io, 256) {
    metrics_.describe("hindsight_alerts_received_total", "Alerts received, by source");
    metrics_.describe("hindsight_alerts_unrouted_total",
                      "Alerts received that no [[alerts.routes]] entry matched (re-sent ones too)");
    metrics_.describe(
        "hindsight_alerts_rejected_total",
        "Alert deliveries refused (bad token or signature, malformed body), by source and status");
    metrics_.describe("hindsight_alerts_ignored_total",
                      "Alert events accepted and left out (PagerDuty pings, services)");
}

void alert_receiver::add_routes(bot::http_server& server) {
    server.route("POST", "/alerts/alertmanager",
                 [this](const http_request& r) { return on_alertmanager(r); });
    server.route("POST", "/alerts/grafana", [this](const http_request& r) { return on_grafana(r); });
    server.route("POST", "/alerts/pagerduty", [this](const http_request& r) { return on_pagerduty(r); });
    server.route("POST", "/alerts/webhook", [this](const http_request& r) { return on_webhook(r); });
}

std::string alert_receiver::workspace_for(const std::string& configured) {
    if (!configured.empty()) return configured;
    auto known = workspaces_();
    return known.size() == 1 ? known.front() : std::string();
}

result<std::vector<chat::inbound>> alert_receiver::route_all(const std::vector<domain::alert>& alerts,
                                                             const std::string& delivery_id,
                                                             domain::timestamp now) {
    std::vector<chat::inbound> batch;
    for (std::size_t i = 0; i < alerts.size(); ++i) {
        chat::alert_received ev{{}, false, {}, alerts[i], now};
        chat::inbound in;
        const auto* route = router_.route(alerts[i]);
        if (route) {
            in.workspace = workspace_for(route->workspace);
            if (in.workspace.empty() && workspaces_().empty())
                return error{errc::unavailable, "no chat workspace is connected yet; try again shortly"};
            if (in.workspace.empty()) {
                spdlog::error(
                    "alerts route to {} names no workspace and several are connected; set workspace",
                    route->channel);
                route = nullptr;
            }
        }
        if (route) {
            ev.channel = chat::channel_ref{route->channel, route->private_channel, false};
            ev.declare = route->declare;
            ev.severity = alert_router::severity_for(*route, alerts[i]);
        } else {
            in.workspace = workspace_for(cfg_.alerts.unrouted_workspace);
            // Kept under the workspace it will have once chat is up, or a re-send would be a second fact.
            if (in.workspace.empty() && chat_expected_ && workspaces_().empty())
                return error{errc::unavailable, "no chat workspace is connected yet; try again shortly"};
        }
        // Empty: the engine keys the alert by its identity (fingerprint, startsAt, status).
        if (!delivery_id.empty()) in.dedup_key = "delivery:" + delivery_id + "#" + std::to_string(i);
        in.payload = std::move(ev);
        batch.push_back(std::move(in));
    }
    return batch;
}

http_response alert_receiver::refuse(const std::string& source, const error& why) {
    // A secret not set yet is a passing problem (the operator is setting it up): 503 keeps the sender
    // retrying, where a 4xx would make PagerDuty drop the event and, after three, disable the subscription.
    int status = why.code == errc::bad_input ? 400
                 : why.code == errc::refused ? (source == "pagerduty" ? 403 : 401)
                                             : 503;
    metrics_.add("hindsight_alerts_rejected_total",
                 source_label(source) + ",status=\"" + std::to_string(status) + "\"");
    spdlog::warn("/alerts/{}: refused with {}: {}", source, status, why.message);
    return text_response(status, why.message);
}

asio::awaitable<void> alert_receiver::commit(std::vector<delivery>& batch) {
    std::vector<chat::inbound> events;
    for (auto& d : batch)
        for (auto& e : d.events) events.push_back(std::move(e));
    std::string failure;
    try {
        co_await sink_.accept(std::move(events));
    } catch (const std::exception& e) {
        failure = e.what();
    }
    for (auto& d : batch) {
        d.result->done = true;
        d.result->failure = failure;
        d.result->wake.cancel();
    }
}

asio::awaitable<void> alert_receiver::run() {
    // A plain lambda returning the member coroutine, named: g++ 12 destroys temporaries in a co_await twice.
    std::function<asio::awaitable<void>(std::vector<delivery>&)> committer =
        [this](std::vector<delivery>& batch) { return commit(batch); };
    auto running = commits_.run(std::move(committer));
    co_await std::move(running);
}

asio::awaitable<std::string> alert_receiver::store(std::vector<chat::inbound> events) {
    auto result = std::make_shared<delivery::outcome>(io_);
    result->wake.expires_at(asio::steady_timer::time_point::max());
    delivery item{std::move(events), result};  // named: see run()
    auto pushed = commits_.push(std::move(item));
    co_await std::move(pushed);
    while (!result->done) {
        boost::system::error_code ignored;
        co_await result->wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        // finish() before this delivery was taken: the committer will not run again.
        if (!result->done && commits_.finished()) co_return std::string("hindsight is stopping");
    }
    co_return result->failure;
}

asio::awaitable<http_response> alert_receiver::ready(http_response response) {
    co_return response;
}

// Handlers check the sender and decode synchronously; only the durable write is awaited. Everything the
// coroutine needs is passed by value: the request does not outlive the handler's call.
asio::awaitable<http_response> alert_receiver::receive(std::string source, result<decoded_alerts> decoded,
                                                       std::string delivery_id) {
    if (!decoded) co_return refuse(source, decoded.failure());
    if (!decoded->ignored.empty()) {
        metrics_.add("hindsight_alerts_ignored_total", source_label(source));
        co_return text_response(202, "accepted; " + decoded->ignored + " is not put on timelines");
    }
    auto batch = route_all(decoded->alerts, delivery_id, clock_.now());
    if (!batch) co_return refuse(source, batch.failure());
    auto count = batch->size();
    auto unrouted = std::count_if(batch->begin(), batch->end(), [](const chat::inbound& in) {
        return std::get<chat::alert_received>(in.payload).channel.id.empty();
    });
    auto failure = co_await store(std::move(*batch));
    // Not durable, so not acknowledged: the sender keeps the alerts and tries again.
    if (!failure.empty()) co_return refuse(source, error{errc::unavailable, "not stored: " + failure});
    metrics_.add("hindsight_alerts_received_total", source_label(source), count);
    if (unrouted > 0)
        metrics_.add("hindsight_alerts_unrouted_total", source_label(source),
                     static_cast<std::uint64_t>(unrouted));
    co_return text_response(202, "accepted " + std::to_string(count) + (count == 1 ? " alert" : " alerts"));
}

// An unauthenticated body is never parsed: the sender is checked first.
asio::awaitable<http_response> alert_receiver::on_alertmanager(const http_request& request) {
    auto allowed = check_bearer(cfg_.secret.alerts_token, request.header("authorization"));
    if (!allowed) return ready(refuse("alertmanager", allowed.failure()));
    return receive("alertmanager", decode_alertmanager(request.body), {});
}

asio::awaitable<http_response> alert_receiver::on_grafana(const http_request& request) {
    // With HMAC configured the signature is what counts; without it, Grafana sends the bearer token.
    const auto& a = cfg_.alerts;
    const auto& secret = cfg_.secret.grafana_webhook_secret;
    bool timestamped = !a.grafana_timestamp_header.empty();
    auto allowed = secret.empty()
                       ? check_bearer(cfg_.secret.alerts_token, request.header("authorization"))
                       : check_grafana(secret, request.header(a.grafana_signature_header), timestamped,
                                       timestamped ? request.header(a.grafana_timestamp_header) : "",
                                       request.body, clock_.now());
    if (!allowed) return ready(refuse("grafana", allowed.failure()));
    return receive("grafana", decode_grafana(request.body), {});
}

asio::awaitable<http_response> alert_receiver::on_pagerduty(const http_request& request) {
    auto allowed = check_pagerduty(cfg_.secret.pagerduty_webhook_secret,
                                   request.header("x-pagerduty-signature"), request.body);
    if (!allowed) return ready(refuse("pagerduty", allowed.failure()));
    return receive("pagerduty", decode_pagerduty(request.body), request.header("x-webhook-id"));
}

asio::awaitable<http_response> alert_receiver::on_webhook(const http_request& request) {
    auto id = request.header("webhook-id");
    auto allowed =
        check_standard_webhook(cfg_.secret.alerts_webhook_secret, id, request.header("webhook-timestamp"),
                               request.header("webhook-signature"), request.body, clock_.now());
    if (!allowed) return ready(refuse("webhook", allowed.failure()));
    return receive("webhook", decode_standard_webhook(request.body), id);
}

}  // namespace hindsight::alerts
