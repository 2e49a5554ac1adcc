// The alert receivers' pure parts: every signature scheme with its published vector, and payload decoding
// of the real shapes (Alertmanager's documented payload, Grafana's "version": "1" with Go's zero endsAt,
// PagerDuty's V3 example from go-pagerduty, the Standard Webhooks form).
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "bot/alerts/payloads.hpp"
#include "bot/alerts/routing.hpp"
#include "bot/alerts/verify.hpp"

using namespace hindsight;
using namespace hindsight::alerts;
using std::chrono::seconds;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(HINDSIGHT_SOURCE_DIR) + "/tests/fixtures/alerts/" + name, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

domain::timestamp at_unix(long long s) {
    return domain::timestamp{seconds{s}};
}

// Alertmanager's webhook payload as its documentation shows it (version 4), compact as it sends it.
constexpr std::string_view alertmanager_body =
    R"({"version":"4","groupKey":"{}/{severity=\"page\"}:{alertname=\"HighErrorRate\", service=\"checkout\"}",)"
    R"("truncatedAlerts":0,"status":"firing","receiver":"hindsight","groupLabels":{"alertname":"HighErrorRate"},)"
    R"("commonLabels":{"alertname":"HighErrorRate"},"commonAnnotations":{},"externalURL":"https://am.example",)"
    R"("alerts":[{"status":"firing","labels":{"alertname":"HighErrorRate","service":"checkout","severity":"page",)"
    R"("pod":"checkout-7d9"},"annotations":{"summary":"5xx ratio above 5%","runbook_url":"https://runbooks/x"},)"
    R"("startsAt":"2026-11-26T09:14:03.127Z","endsAt":"2026-11-26T09:18:03.127Z",)"
    R"("generatorURL":"https://prometheus.example/graph?g0.expr=x","fingerprint":"a3f1c9d2b7e40518"},)"
    R"({"status":"resolved","labels":{"alertname":"HighErrorRate","pod":"checkout-1aa"},"annotations":{},)"
    R"("startsAt":"2026-11-26T08:00:00Z","endsAt":"2026-11-26T09:10:00.5Z","generatorURL":"","fingerprint":"b"}]})"
    "\n";

}  // namespace

TEST_CASE("PagerDuty V3: go-pagerduty's published vector, rotation, and refusals") {
    const std::string secret = "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK";
    const std::string valid = "v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd";
    const std::string other = "v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5";
    auto body = fixture("pagerduty_priority_updated.json");
    REQUIRE(body.size() == 1655);
    CHECK(check_pagerduty(secret, valid, body));
    CHECK(check_pagerduty(secret, other + "," + valid, body));  // two during a rotation, either order
    CHECK(check_pagerduty(secret, valid + "," + other, body));
    CHECK(check_pagerduty(secret, valid + ", v2=abc", body));  // unknown versions skipped
    auto mismatch = check_pagerduty(secret, other, body);
    REQUIRE_FALSE(mismatch);
    CHECK(mismatch.failure().code == errc::refused);
    CHECK(check_pagerduty(secret, valid, body + " ").failure().code == errc::refused);
    CHECK(check_pagerduty(secret, "", body).failure().code == errc::bad_input);
    CHECK(check_pagerduty(secret, "sha256=abc", body).failure().code == errc::bad_input);
    CHECK(check_pagerduty("", valid, body).failure().code == errc::forbidden);
}

TEST_CASE("Standard Webhooks: the spec libraries' vector, the five-minute window, and refusals") {
    const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const std::string id = "msg_p5jXN8AQM9LWM0D4loKWxJek", ts = "1614265330",
                      body = R"({"test": 2432232314})";
    const std::string signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    auto now = at_unix(1614265330);
    CHECK(check_standard_webhook(secret, id, ts, signature, body, now));
    CHECK(check_standard_webhook(secret, id, ts, "v1a,xyz= v1,bogus= " + signature, body, now));
    CHECK(check_standard_webhook(secret, id, ts, signature, body, now + seconds{300}));
    CHECK(check_standard_webhook(secret, id, ts, signature, body, now - seconds{300}));
    CHECK(check_standard_webhook(secret, id, ts, signature, body, now + seconds{301}).failure().code ==
          errc::refused);
    CHECK(check_standard_webhook(secret, id, ts, signature, body, now - seconds{301}).failure().code ==
          errc::refused);
    CHECK(check_standard_webhook(secret, id + "x", ts, signature, body, now).failure().code == errc::refused);
    CHECK(check_standard_webhook(secret, id, ts, signature, body + " ", now).failure().code == errc::refused);
    CHECK(check_standard_webhook(secret, id, "16142653x0", signature, body, now).failure().code ==
          errc::bad_input);
    CHECK(check_standard_webhook(secret, "", ts, signature, body, now).failure().code == errc::bad_input);
    CHECK(check_standard_webhook("whsec_!!!", id, ts, signature, body, now).failure().code ==
          errc::forbidden);
}

TEST_CASE("Grafana HMAC: body alone, and timestamp:body when a timestamp header is configured") {
    const std::string secret = "grafana-secret", body = R"({"status":"firing"})";
    const std::string plain = "bf139e3403a31e4b49defad120bc97d578b44bd35af83566821426b9bb7fc97d";
    const std::string stamped = "ab55bf0e780f8f32e85451f62e1ba2aee0589e5b2162cd2091e4db5072cc04ae";
    auto now = at_unix(1700000000);
    CHECK(check_grafana(secret, plain, false, "", body, now));
    CHECK(check_grafana(secret, stamped, true, "1700000000", body, now));
    CHECK(check_grafana(secret, stamped, true, "1700000000", body, now + seconds{299}));
    CHECK(check_grafana(secret, stamped, true, "1700000000", body, now + seconds{400}).failure().code ==
          errc::refused);
    CHECK(check_grafana(secret, plain, true, "1700000000", body, now).failure().code == errc::refused);
    CHECK(check_grafana(secret, stamped, true, "", body, now).failure().code == errc::bad_input);
    CHECK(check_grafana(secret, "", false, "", body, now).failure().code == errc::bad_input);
}

TEST_CASE("a bearer token is compared whole and never accepted when none is configured") {
    CHECK(check_bearer("s3cret", "Bearer s3cret"));
    CHECK(check_bearer("s3cret", "bearer s3cret"));
    CHECK(check_bearer("s3cret", "Bearer s3cre").failure().code == errc::refused);
    CHECK(check_bearer("s3cret", "Basic czNjcmV0").failure().code == errc::refused);
    CHECK(check_bearer("s3cret", "").failure().code == errc::refused);
    CHECK(check_bearer("", "Bearer ").failure().code == errc::forbidden);
}

TEST_CASE("base64 round-trips with and without padding") {
    for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
        auto encoded = base64_encode(s);
        if (s.empty()) continue;
        REQUIRE(base64_decode(encoded));
        CHECK(*base64_decode(encoded) == s);
    }
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK_FALSE(base64_decode("Zm9"));
    CHECK_FALSE(base64_decode("Zm9v!mFy"));
}

TEST_CASE("Alertmanager's payload: every alert with its labels, times, link and fingerprint") {
    auto decoded = decode_alertmanager(alertmanager_body);
    REQUIRE(decoded);
    REQUIRE(decoded->alerts.size() == 2);
    const auto& firing = decoded->alerts[0];
    CHECK(firing.source == "alertmanager");
    CHECK(firing.status == domain::alert_status::firing);
    CHECK(firing.name() == "HighErrorRate");
    CHECK(firing.summary() == "5xx ratio above 5%");
    CHECK(domain::value_of(firing.labels, "pod") == "checkout-7d9");
    CHECK(domain::format_iso(firing.starts_at) == "2026-11-26T09:14:03Z");
    CHECK(domain::to_millis(firing.starts_at) % 1000 == 127);
    CHECK(firing.link == "https://prometheus.example/graph?g0.expr=x");
    CHECK(firing.fingerprint == "a3f1c9d2b7e40518");
    CHECK(firing.group_key.starts_with("{}/{severity=\"page\"}"));
    const auto& resolved = decoded->alerts[1];
    CHECK(resolved.status == domain::alert_status::resolved);
    REQUIRE(resolved.ends_at);
    CHECK(domain::to_millis(*resolved.ends_at) % 1000 == 500);
}

TEST_CASE("Grafana's payload: version 1, Go's zero endsAt is no end, the panel is the link") {
    std::string body =
        R"({"receiver":"hindsight","status":"firing","orgId":1,"alerts":[{"status":"firing",)"
        R"("labels":{"alertname":"High memory usage","team":"blue"},"annotations":{},)"
        R"("startsAt":"2021-10-12T09:51:03.157076+02:00","endsAt":"0001-01-01T00:00:00Z",)"
        R"("generatorURL":"https://grafana.example/alerting/x/view","fingerprint":"c6eadffa33fcdf37",)"
        R"("dashboardURL":"https://grafana.example/d/abcd","panelURL":"https://grafana.example/d/abcd?viewPanel=2",)"
        R"("values":{"B":44.2,"C":1},"valueString":"[ var='B' ]"}],"groupLabels":{},"commonLabels":{},)"
        R"("commonAnnotations":{},"externalURL":"https://grafana.example/","version":"1",)"
        R"("groupKey":"{}:{alertname=\"High memory usage\"}","truncatedAlerts":0,"state":"alerting"})";
    auto decoded = decode_grafana(body);
    REQUIRE(decoded);
    REQUIRE(decoded->alerts.size() == 1);
    const auto& a = decoded->alerts[0];
    CHECK(a.source == "grafana");
    CHECK_FALSE(a.ends_at);
    CHECK(domain::format_iso(a.starts_at) == "2021-10-12T07:51:03Z");  // +02:00 taken into account
    CHECK(a.link == "https://grafana.example/d/abcd?viewPanel=2");
}

TEST_CASE("PagerDuty's V3 example decodes as an event on the incident, not a new firing") {
    auto decoded = decode_pagerduty(fixture("pagerduty_priority_updated.json"));
    REQUIRE(decoded);
    REQUIRE(decoded->alerts.size() == 1);
    const auto& a = decoded->alerts[0];
    CHECK(a.source == "pagerduty");
    CHECK(a.name() == "A little bump in the road");
    CHECK(domain::value_of(a.labels, "service") == "API Service");
    CHECK(domain::value_of(a.labels, "severity") == "high");
    CHECK(a.summary() == "priority set to P1 by Tenex Engineer");
    CHECK(a.link == "https://acme.pagerduty.com/incidents/PGR0VU2");
    CHECK(a.fingerprint == "PGR0VU2/01BWDWL3NYY7LUFPZCC28QUCMK");
    CHECK(domain::format_iso(a.starts_at) == "2021-04-26T17:36:27Z");
    auto ping = decode_pagerduty(
        R"({"event":{"id":"1","event_type":"pagey.ping","resource_type":"pagey","occurred_at":"2021-04-26T17:36:27Z",)"
        R"("data":{"message":"Hello from your friend Pagey!","type":"ping"}}})");
    REQUIRE(ping);
    CHECK(ping->alerts.empty());
    CHECK(ping->ignored == "pagey.ping");
}

TEST_CASE("PagerDuty triggered and resolved are the two facts of one instance") {
    auto event = [](const char* type, const char* at) {
        return std::string(R"({"event":{"id":"E-)") + type + R"(","event_type":")" + type +
               R"(","resource_type":"incident","occurred_at":")" + at +
               R"(","agent":null,"data":{"id":"PX","type":"incident","title":"DB down","created_at":"2026-11-26T09:00:00Z",)"
               R"("urgency":"high","html_url":"https://acme.pagerduty.com/incidents/PX"}}})";
    };
    auto fired = decode_pagerduty(event("incident.triggered", "2026-11-26T09:00:01Z"));
    auto resolved = decode_pagerduty(event("incident.resolved", "2026-11-26T09:30:00Z"));
    REQUIRE(fired);
    REQUIRE(resolved);
    CHECK(fired->alerts[0].fingerprint == resolved->alerts[0].fingerprint);
    CHECK(fired->alerts[0].starts_at == resolved->alerts[0].starts_at);
    CHECK(resolved->alerts[0].status == domain::alert_status::resolved);
    CHECK(domain::format_iso(*resolved->alerts[0].ends_at) == "2026-11-26T09:30:00Z");
}

TEST_CASE("a reopened PagerDuty incident's second resolve is a fact of its own; changes never declare") {
    auto resolve = [](const char* extra) {
        return std::string(
                   R"({"event":{"id":"E9","event_type":"incident.resolved","resource_type":"incident",)"
                   R"("occurred_at":"2026-11-26T11:00:00Z","data":{"id":"PX","type":"incident","title":"DB",)"
                   R"("created_at":"2026-11-26T09:00:00Z")") +
               extra + "}}}";
    };
    auto first = decode_pagerduty(resolve(""));
    auto second = decode_pagerduty(resolve(R"(,"reopened_at":"2026-11-26T10:00:00Z")"));
    REQUIRE(first);
    REQUIRE(second);
    CHECK(domain::alert_identity(first->alerts[0]) != domain::alert_identity(second->alerts[0]));
    CHECK_FALSE(first->alerts[0].is_change());
    auto ack = decode_pagerduty(fixture("pagerduty_priority_updated.json"));
    REQUIRE(ack);
    CHECK(ack->alerts[0].is_change());
}

TEST_CASE("silences: RE2-only patterns are skipped, the rest read; matchers by isRegex and isEqual") {
    auto decoded = decode_silences(
        R"([{"id":"a","matchers":[{"name":"service","value":"(?i)checkout","isRegex":true,"isEqual":true}],)"
        R"("startsAt":"2026-11-26T08:00:00Z","endsAt":"2026-11-26T10:00:00Z","createdBy":"x","comment":""},)"
        R"({"id":"b","matchers":[{"name":"env","value":"dev","isRegex":false,"isEqual":false},)"
        R"({"name":"alertname","value":"High.*","isRegex":true}],"startsAt":"2026-11-26T08:00:00Z",)"
        R"("endsAt":"2026-11-26T10:00:00Z","createdBy":"mallory","comment":"noisy","status":{"state":"expired"}}])");
    REQUIRE(decoded);
    REQUIRE(decoded->silences.size() == 1);
    CHECK(decoded->skipped.size() == 1);
    const auto& s = decoded->silences[0];
    CHECK(s.id == "b");
    domain::alert a;
    a.labels = domain::make_label_set({{"alertname", "HighErrorRate"}, {"env", "prod"}});
    auto now = *domain::parse_rfc3339("2026-11-27T00:00:00Z");
    CHECK(domain::silenced_alert(s, {a}, now, std::chrono::hours{24}) != nullptr);
    CHECK(domain::silenced_alert(s, {a}, now, std::chrono::hours{13}) == nullptr);  // ended 14 h before
    a.labels = domain::make_label_set({{"alertname", "HighErrorRate"}, {"env", "dev"}});
    CHECK(domain::silenced_alert(s, {a}, now, std::chrono::hours{24}) == nullptr);
    CHECK_FALSE(decode_silences(R"({"silences":[]})"));
}

TEST_CASE("label values are cut to a bounded length before anything matches them") {
    std::string body = R"({"alerts":[{"status":"firing","labels":{"alertname":"X","blob":")" +
                       std::string(100000, 'a') + R"("},"startsAt":"2026-11-26T08:00:00Z"}]})";
    auto decoded = decode_alertmanager(body);
    REQUIRE(decoded);
    CHECK(domain::value_of(decoded->alerts[0].labels, "blob").size() <= 4096 + 3);
}

TEST_CASE("the Standard Webhooks form: one alert, a list, or either inside data") {
    auto one = decode_standard_webhook(R"({"labels":{"alertname":"Q"},"startsAt":"2026-11-26T09:00:00Z"})");
    REQUIRE(one);
    REQUIRE(one->alerts.size() == 1);
    CHECK(one->alerts[0].status == domain::alert_status::firing);  // no status: firing
    CHECK(one->alerts[0].fingerprint == domain::fingerprint_of(one->alerts[0].labels));
    auto list = decode_standard_webhook(
        R"({"type":"alert.batch","timestamp":"2026-11-26T09:00:00Z","data":[{"labels":{"a":"1"},"status":"resolved",)"
        R"("startsAt":"2026-11-26T08:00:00Z","endsAt":"2026-11-26T09:00:00Z"},{"labels":{"a":"2","n":3},)"
        R"("startsAt":"2026-11-26T08:00:00Z"}]})");
    REQUIRE(list);
    REQUIRE(list->alerts.size() == 2);
    CHECK(domain::value_of(list->alerts[1].labels, "n") == "3");
}

TEST_CASE("malformed alert bodies are refused with the field at fault") {
    auto reason = [](result<decoded_alerts> r) { return r ? std::string("accepted") : r.failure().message; };
    CHECK(reason(decode_alertmanager("not json")) == "the body is not JSON");
    CHECK(reason(decode_alertmanager("[]")) == "the body must be a JSON object with \"alerts\"");
    CHECK(reason(decode_alertmanager(R"({"status":"firing"})")) == "the body has no \"alerts\" array");
    CHECK(reason(decode_alertmanager(R"({"alerts":[{"labels":{"a":"b"},"status":"firing"}]})")) ==
          "alerts[0].startsAt is missing");
    CHECK(reason(decode_alertmanager(
              R"({"alerts":[{"labels":{"a":"b"},"status":"firing","startsAt":"yesterday"}]})")) ==
          "alerts[0].startsAt is not an RFC 3339 time ('yesterday')");
    CHECK(reason(decode_alertmanager(
              R"({"alerts":[{"labels":{"a":"b"},"status":"burning","startsAt":"2026-11-26T08:00:00Z"}]})")) ==
          "alerts[0].status must be \"firing\" or \"resolved\"");
    CHECK(reason(decode_alertmanager(R"({"alerts":[{"labels":{"a":{"b":1}}}]})")) ==
          "alerts[0].labels.a must be a string");
    CHECK(reason(decode_pagerduty(R"({"messages":[]})")) ==
          "the body has no \"event\" object (a PagerDuty V3 webhook)");
}

TEST_CASE("routes: first match wins, severity read through severity_labels") {
    config::alerts_settings settings;
    config::alert_route checkout;
    checkout.matchers = {R"(service="checkout")", R"(severity=~"critical|page")"};
    checkout.channel = "C-checkout";
    checkout.severity_labels = {{"critical", "sev1"}, {"page", "sev2"}};
    config::alert_route everything;
    everything.channel = "C-all";
    settings.routes = {checkout, everything};
    alert_router router(settings);
    domain::alert a;
    a.labels = domain::make_label_set({{"service", "checkout"}, {"severity", "page"}});
    REQUIRE(router.route(a));
    CHECK(router.route(a)->channel == "C-checkout");
    CHECK(alert_router::severity_for(*router.route(a), a) == "sev2");
    a.labels = domain::make_label_set({{"service", "checkout"}, {"severity", "info"}});
    CHECK(router.route(a)->channel == "C-all");
    CHECK(alert_router::severity_for(*router.route(a), a).empty());
    settings.routes = {checkout};
    alert_router strict(settings);
    CHECK(strict.route(a) == nullptr);
}
