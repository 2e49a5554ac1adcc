// End to end with a real Prometheus Alertmanager (Debian's prometheus-alertmanager, started here on loopback
// with a generated config and a one-second group_wait) and the real `hindsight run` binary on the fake Slack.
// Alerts POSTed to Alertmanager's /api/v2/alerts reach hindsight as Alertmanager's own webhooks: firing and
// resolved, routed (declaring an incident) and unrouted, a re-sent group deduplicated, a bot killed with
// the notification unanswered redelivered by Alertmanager's retry, and a silence created and expired through
// its API on the incident's timeline.
// Usage: e2e_alertmanager path/to/hindsight [path/to/alertmanager]
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "bot/alerts/verify.hpp"
#include "bot/common/signing.hpp"
#include "integration/loopback_client.hpp"
#include "support/alertmanager.hpp"
#include "support/child_process.hpp"
#include "support/e2e.hpp"
#include "support/fake_slack.hpp"

namespace asio = boost::asio;
using namespace std::chrono;
namespace testing = hindsight::testing;

namespace {

testing::checklist check;
std::string db_path;

std::int64_t count(const std::string& sql) {
    return testing::count_rows(db_path, sql);
}

std::string iso(system_clock::time_point t) {
    auto s = floor<seconds>(t);
    std::time_t c = system_clock::to_time_t(s);
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&c));
    return out;
}

// One HTTP request to Alertmanager's API; returns the status line and body.
std::string am_api(unsigned short port, const std::string& method, const std::string& path,
                   const std::string& body = {}) {
    return testing::round_trip(
        port, method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                  "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                  "\r\n\r\n" + body);
}

std::string alert_json(const std::string& name, const std::string& service, system_clock::time_point starts,
                       std::optional<system_clock::time_point> ends = std::nullopt) {
    std::string out = R"({"labels":{"alertname":")" + name + R"(","service":")" + service +
                      R"(","severity":"critical"},"annotations":{"summary":")" + name + " on " + service +
                      R"("},"startsAt":")" + iso(starts) + "\"";
    if (ends) out += R"(,"endsAt":")" + iso(*ends) + "\"";
    return out + R"(,"generatorURL":"http://127.0.0.1:9090/graph"})";
}

bool post_alerts(unsigned short port, const std::string& alerts) {
    return am_api(port, "POST", "/api/v2/alerts", "[" + alerts + "]").find(" 200 ") != std::string::npos;
}

std::string post_to_bot(unsigned short port, const std::string& path, const std::string& body,
                        const std::vector<std::pair<std::string, std::string>>& headers) {
    std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    request +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    auto response = testing::round_trip(port, request + body);
    return response.substr(0, response.find("\r\n"));  // the status line
}

std::int64_t entries_like(const std::string& pattern) {
    return count("SELECT COUNT(*) FROM timeline_entries WHERE kind = 'alert' AND text LIKE '" + pattern +
                 "'");
}

bool waits_for(const std::string& pattern, std::int64_t n) {
    return testing::wait_until([&] { return entries_like(pattern) == n; }, seconds{20});
}

// Grafana, PagerDuty and Standard Webhooks requests signed here, as each sender signs them.
void signed_senders(unsigned short port) {
    namespace alerts = hindsight::alerts;
    auto now = system_clock::now();
    auto unix_now = std::to_string(duration_cast<seconds>(now.time_since_epoch()).count());
    auto grafana =
        R"({"receiver":"hindsight","status":"firing","version":"1","groupKey":"{}:{}","alerts":[)"
        R"({"status":"firing","labels":{"alertname":"GrafanaMemory","service":"checkout"},)"
        R"("annotations":{"summary":"memory above 90%"},"startsAt":")" +
        iso(now - minutes{1}) +
        R"(","endsAt":"0001-01-01T00:00:00Z","fingerprint":"g1","panelURL":"http://127.0.0.1:3000/d/x"}]})";
    auto grafana_sig = hindsight::common::hmac_sha256_hex("grafana-secret", unix_now + ":" + grafana);
    check(post_to_bot(
              port, "/alerts/grafana", grafana,
              {{"X-Grafana-Alerting-Signature", grafana_sig}, {"X-Grafana-Alerting-Timestamp", unix_now}})
                  .find(" 202 ") != std::string::npos,
          "Grafana, signed over timestamp:body, is accepted");
    check(waits_for("🔥 GrafanaMemory firing%", 1), "and on the incident's timeline");
    auto stale = std::to_string(duration_cast<seconds>(now.time_since_epoch()).count() - 600);
    check(post_to_bot(port, "/alerts/grafana", grafana,
                      {{"X-Grafana-Alerting-Signature",
                        hindsight::common::hmac_sha256_hex("grafana-secret", stale + ":" + grafana)},
                       {"X-Grafana-Alerting-Timestamp", stale}})
                  .find(" 401 ") != std::string::npos,
          "a Grafana request ten minutes old is refused with 401");

    auto pagerduty =
        R"({"event":{"id":"01PD","event_type":"incident.acknowledged","resource_type":"incident","occurred_at":")" +
        iso(now) +
        R"(","agent":{"summary":"Ana Oncall","type":"user_reference"},"data":{"id":"PX1","type":"incident",)"
        R"("title":"Checkout down","service":{"summary":"checkout"},"urgency":"high","html_url":"https://acme.pagerduty.com/incidents/PX1"}}})";
    auto pd_sig = "v1=" + hindsight::common::hmac_sha256_hex("pd-secret", pagerduty);
    std::vector<std::pair<std::string, std::string>> pd_headers{
        {"X-PagerDuty-Signature", "v1=" + std::string(64, '0') + "," + pd_sig}, {"X-Webhook-Id", "wh-1"}};
    check(post_to_bot(port, "/alerts/pagerduty", pagerduty, pd_headers).find(" 202 ") != std::string::npos,
          "PagerDuty with two signatures (a rotation), one valid, is accepted");
    check(post_to_bot(port, "/alerts/pagerduty", pagerduty, pd_headers).find(" 202 ") != std::string::npos,
          "its redelivery too");
    std::this_thread::sleep_for(milliseconds{300});  // the redelivery is handled by now
    check(waits_for("📟 Checkout down: acknowledged by Ana Oncall%", 1), "and it is on the timeline once");
    check(post_to_bot(port, "/alerts/pagerduty", pagerduty,
                      {{"X-PagerDuty-Signature", "v1=" + std::string(64, 'a')}})
                  .find(" 403 ") != std::string::npos,
          "a PagerDuty request with no valid signature is refused with 403 (not retried)");

    auto webhook = R"({"labels":{"alertname":"QueueDepth","service":"checkout"},"startsAt":")" +
                   iso(now - minutes{1}) + R"("})";
    auto key = *alerts::base64_decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    auto sign = [&](const std::string& id, const std::string& ts, const std::string& body) {
        return "v1," + alerts::base64_encode(alerts::hmac_sha256_raw(key, id + "." + ts + "." + body));
    };
    check(post_to_bot(port, "/alerts/webhook", webhook,
                      {{"webhook-id", "msg_1"},
                       {"webhook-timestamp", unix_now},
                       {"webhook-signature", sign("msg_1", unix_now, webhook)}})
                  .find(" 202 ") != std::string::npos,
          "a Standard Webhooks alert is accepted");
    check(waits_for("🔥 QueueDepth firing%", 1), "and on the timeline");
    auto unsigned_body = std::string("{\"labels\":{}}");
    check(post_to_bot(port, "/alerts/webhook", unsigned_body,
                      {{"webhook-id", "msg_2"},
                       {"webhook-timestamp", unix_now},
                       {"webhook-signature", sign("msg_2", unix_now, unsigned_body)}})
                  .find(" 400 ") != std::string::npos,
          "a signed but malformed alert is refused with 400");
    check(post_to_bot(port, "/alerts/webhook", webhook,
                      {{"webhook-id", "msg_3"},
                       {"webhook-timestamp", unix_now},
                       {"webhook-signature", sign("msg_1", unix_now, webhook)}})
                  .find(" 401 ") != std::string::npos,
          "a signature made for another message id is refused with 401");
    // Refused on its Content-Length alone, before a byte of the body is read.
    auto oversized =
        testing::round_trip(port,
                            "POST /alerts/alertmanager HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                            "am-token\r\nContent-Length: 20000000\r\nConnection: close\r\n\r\n");
    check(oversized.find(" 413 ") != std::string::npos, "an oversized body is refused with 413");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s path/to/hindsight [path/to/alertmanager]\n", argv[0]);
        return 2;
    }
    std::string binary = argv[1];
    std::string am_binary = argc > 2 ? argv[2] : "/usr/bin/prometheus-alertmanager";
    if (!std::filesystem::exists(am_binary)) {
        std::fprintf(stderr,
                     "FAIL %s is missing (scripts/install-deps.sh installs prometheus-alertmanager)\n",
                     am_binary.c_str());
        return 1;
    }
    auto dir =
        (std::filesystem::temp_directory_path() / ("hindsight-am-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(dir);
    db_path = dir + "/am.db";
    auto bot_port = testing::free_loopback_port(), am_port = testing::free_loopback_port();

    asio::io_context io;
    testing::fake_slack fake(io);
    testing::io_runner runner(io);
    auto config_path = dir + "/hindsight.toml";
    {
        std::ofstream config(config_path);
        config << "log_level = \"warn\"\n[storage]\npath = \"" << db_path
               << "\"\n[http]\nlisten = \"127.0.0.1:" << bot_port
               << "\"\n[slack]\nmode = \"socket\"\npacing = false\napi_url = \"" << fake.api_url()
               << "\"\n[alerts]\ngrafana_timestamp_header = "
                  "\"X-Grafana-Alerting-Timestamp\"\nalertmanager_url = \"http://127.0.0.1:"
               << am_port
               << "\"\n[[alerts.routes]]\nmatchers = ['service=\"checkout\"']\nchannel = \"C111\"\ndeclare = "
                  "true\nseverity_labels = { critical = \"sev1\" }\n";
    }
    std::vector<std::pair<std::string, std::string>> environment{
        {"SLACK_BOT_TOKEN", "xoxb-test-token"},
        {"SLACK_APP_TOKEN", "xapp-test-token"},
        {"ALERTS_TOKEN", "am-token"},
        {"GRAFANA_WEBHOOK_SECRET", "grafana-secret"},
        {"PAGERDUTY_WEBHOOK_SECRET", "pd-secret"},
        {"ALERTS_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}};

    pid_t bot = testing::start_bot(binary, config_path, environment);
    pid_t am = testing::start_alertmanager(am_binary, dir, am_port,
                                           testing::alertmanager_config(bot_port, "am-token", "2s", true));
    auto scenario = [&] {
        if (!testing::wait_until(
                [&] { return testing::on_io(io, [&] { return fake.sessions.size(); }) == 1; }, seconds{20})) {
            check(false, "the bot connected to the fake Slack");
            return;
        }
        bool am_up = testing::wait_until(
            [&] {
                try {
                    return am_api(am_port, "GET", "/api/v2/status").find(" 200 ") != std::string::npos;
                } catch (const std::exception&) {
                    return false;
                }
            },
            seconds{20}, milliseconds{100});
        check(am_up, "Alertmanager is up on loopback");
        if (!am_up) return;

        // A noisy alert muted three weeks ago, in the story; here: a silence created, then expired.
        auto now = system_clock::now();
        auto silence =
            am_api(am_port, "POST", "/api/v2/silences",
                   R"({"matchers":[{"name":"service","value":"checkout","isRegex":false,"isEqual":true}],)"
                   R"("startsAt":")" +
                       iso(now) + R"(","endsAt":")" + iso(now + hours{2}) +
                       R"(","createdBy":"mallory","comment":"too noisy, muting"})");
        auto id_at = silence.find("\"silenceID\":\"");
        check(id_at != std::string::npos, "a silence was created through Alertmanager's API");
        if (id_at == std::string::npos) return;
        auto silence_id = silence.substr(id_at + 13, silence.find('"', id_at + 13) - id_at - 13);
        check(am_api(am_port, "DELETE", "/api/v2/silence/" + silence_id).find(" 200 ") != std::string::npos,
              "and expired again");

        check(post_alerts(am_port, alert_json("HighErrorRate", "checkout", now - minutes{2}) + "," +
                                       alert_json("BillingLag", "billing", now - minutes{1})),
              "two alerts posted to Alertmanager");
        check(testing::wait_until([&] { return count("SELECT COUNT(*) FROM incidents") == 1; }, seconds{20}),
              "the routed alert declared an incident");
        check(count("SELECT COUNT(*) FROM incidents WHERE commander = '' AND severity = 1 AND title = "
                    "'HighErrorRate on checkout'") == 1,
              "with the summary as title, sev1 from severity_labels, and no commander");
        check(testing::wait_until(
                  [&] { return count("SELECT COUNT(*) FROM alerts WHERE channel = ''") == 1; }, seconds{20}),
              "the unrouted alert is kept");
        check(testing::wait_until(
                  [&] {
                      for (const auto& call : fake.snapshot().calls)
                          if (call.method == "chat.postMessage" &&
                              call.body.find("declared by the alert") != std::string::npos)
                              return true;
                      return false;
                  },
                  seconds{20}),
              "the declaration was posted in the channel");
        check(testing::wait_until(
                  [&] {
                      return count(
                                 "SELECT COUNT(*) FROM timeline_entries WHERE kind = 'alert' AND text LIKE "
                                 "'🔇 HighErrorRate was silenced by mallory%too noisy%'") == 1;
                  },
                  seconds{30}),
              "the expired silence that matched it is on the incident's timeline");

        // A second alert in the same group: Alertmanager re-sends the whole group, the first alert included.
        check(post_alerts(am_port,
                          alert_json("HighErrorRate", "checkout", now - minutes{2}) + "," +
                              R"({"labels":{"alertname":"HighErrorRate","service":"checkout","pod":"p2",)"
                              R"("severity":"critical"},"startsAt":")" +
                              iso(now - minutes{1}) + "\"}"),
              "a second alert in the group");
        check(
            testing::wait_until(
                [&] {
                    return count(
                               "SELECT COUNT(*) FROM timeline_entries WHERE text LIKE '🔥 HighErrorRate%'") ==
                           2;
                },
                seconds{20}),
            "it joins the incident");
        std::this_thread::sleep_for(seconds{3});  // another group_interval: any re-send shows up by now
        check(count("SELECT COUNT(*) FROM timeline_entries WHERE text LIKE '🔥 HighErrorRate%'") == 2,
              "the re-sent group added nothing twice");
        check(count("SELECT COUNT(*) FROM incidents") == 1, "still one incident");

        // The bot stops answering (SIGSTOP), Alertmanager's notification is in flight, the bot dies
        // (SIGKILL): nothing was acknowledged, so Alertmanager retries and the restarted bot takes the alert.
        kill(bot, SIGSTOP);
        check(post_alerts(am_port,
                          alert_json("HighErrorRate", "checkout", now - minutes{2}, system_clock::now())),
              "the first alert resolved while the bot hangs");
        std::this_thread::sleep_for(
            milliseconds{2500});  // group_interval: the notification is sent and waits
        kill(bot, SIGKILL);
        check(testing::wait_for_bot(bot).status == -SIGKILL,
              "the bot was killed with the notification unanswered");
        bot = testing::start_bot(binary, config_path, environment);
        check(testing::wait_until(
                  [&] {
                      return count(
                                 "SELECT COUNT(*) FROM timeline_entries WHERE text LIKE '✅ HighErrorRate "
                                 "resolved%'") == 1;
                  },
                  seconds{40}, milliseconds{50}),
              "Alertmanager's retry delivered the resolved alert to the restarted bot");
        // And it was a retry: Alertmanager counted the notification that the killed bot never answered.
        std::ifstream am_log(dir + "/alertmanager.log");
        std::string am_said((std::istreambuf_iterator<char>(am_log)), std::istreambuf_iterator<char>());
        check(am_said.find("Notify attempt failed, will retry later") != std::string::npos,
              "and it was a retry: Alertmanager logged the attempt the killed bot never answered");

        auto metrics =
            testing::round_trip(bot_port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        check(metrics.find("\nhindsight_alerts_unrouted 1\n") != std::string::npos,
              "/metrics counts the unrouted alert");
        auto refused =
            testing::round_trip(bot_port,
                                "POST /alerts/alertmanager HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                                "wrong\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        check(refused.find(" 401 ") != std::string::npos, "a wrong token is refused with 401");
        signed_senders(bot_port);
        std::printf(
            "     alert facts recorded: %lld, timeline entries from alerts: %lld\n",
            static_cast<long long>(count("SELECT COUNT(*) FROM alerts")),
            static_cast<long long>(count("SELECT COUNT(*) FROM timeline_entries WHERE kind = 'alert'")));
    };
    try {
        scenario();
    } catch (const std::exception& failure) {
        // A refused connection or a reset: reported, and the children are still stopped below.
        check(false, std::string("the scenario ran to its end (") + failure.what() + ")");
    }
    kill(am, SIGTERM);
    testing::wait_for_bot(am);
    kill(bot, SIGTERM);
    check(testing::wait_for_bot(bot).status == 0, "the bot stopped cleanly on SIGTERM");
    if (check.failures == 0)
        std::filesystem::remove_all(dir);
    else
        std::printf("     kept %s (alertmanager.log, the database)\n", dir.c_str());
    std::printf("%s\n", check.failures == 0 ? "all checks passed" : "SOME CHECKS FAILED");
    return check.failures == 0 ? 0 : 1;
}
