#include <catch2/catch.hpp>

#include "domain/alert.hpp"

using namespace hindsight::domain;

namespace {

label_set labels(label_set pairs) {
    return make_label_set(std::move(pairs));
}

bool match(std::string_view matchers, const label_set& l) {
    auto parsed = parse_matchers(matchers);
    REQUIRE(parsed);
    return matches_all(*parsed, l);
}

}  // namespace

TEST_CASE("matchers in Alertmanager's syntax: the four operators, quoted and bare values") {
    auto checkout = labels({{"service", "checkout"}, {"severity", "page"}, {"env", "prod"}});
    CHECK(match(R"(service="checkout")", checkout));
    CHECK(match("service=checkout", checkout));
    CHECK_FALSE(match(R"(service="cart")", checkout));
    CHECK(match(R"(severity=~"critical|page")", checkout));
    CHECK_FALSE(match(R"(severity=~"crit")", checkout));  // anchored: a part is not a match
    CHECK(match(R"(env!="dev")", checkout));
    CHECK_FALSE(match(R"(env!="prod")", checkout));
    CHECK(match(R"(env!~"dev|staging")", checkout));
    CHECK_FALSE(match(R"(env!~"pr.*")", checkout));
    CHECK(match(R"({service="checkout", severity=~"page|critical"})", checkout));
    CHECK_FALSE(match(R"({service="checkout", env="dev"})", checkout));
    CHECK(match("", checkout));  // no matchers: everything
    // A missing label matches as the empty string, as in Alertmanager.
    CHECK(match(R"(team="")", checkout));
    CHECK(match(R"(team!="core")", checkout));
}

TEST_CASE("quoted values keep commas, braces and escapes") {
    auto l = labels({{"msg", "a,b}c"}, {"quote", "say \"hi\""}});
    CHECK(match(R"(msg="a,b}c")", l));
    CHECK(match(R"(quote="say \"hi\"")", l));
    CHECK(match(R"("msg"="a,b}c")", l));
}

TEST_CASE("malformed matchers are refused with the reason") {
    for (const char* bad : {"service", "service=\"open", "=value", "a=b c=d", "{a=b", "sev=~\"(\""}) {
        auto parsed = parse_matchers(bad);
        INFO(bad);
        CHECK_FALSE(parsed);
        if (!parsed) CHECK(parsed.failure().message.find(bad) != std::string::npos);
    }
}

TEST_CASE("fingerprints depend on the label set only") {
    auto a = labels({{"alertname", "X"}, {"pod", "p1"}});
    auto b = labels({{"pod", "p1"}, {"alertname", "X"}});
    CHECK(fingerprint_of(a) == fingerprint_of(b));
    CHECK(fingerprint_of(a).size() == 16);
    CHECK(fingerprint_of(a) != fingerprint_of(labels({{"alertname", "X"}, {"pod", "p2"}})));
    // The separator keeps "ab"+"c" apart from "a"+"bc".
    CHECK(fingerprint_of(labels({{"ab", "c"}})) != fingerprint_of(labels({{"a", "bc"}})));
}

TEST_CASE("the timeline text of an alert names it, its summary and its labels, and pings nobody") {
    alert a;
    a.labels = labels({{"alertname", "HighErrorRate"}, {"service", "checkout"}, {"severity", "page"}});
    a.annotations = labels({{"summary", "5xx ratio above 5% @channel"}});
    CHECK(describe_alert(a) ==
          "🔥 HighErrorRate firing: 5xx ratio above 5% @\u2060channel (service=checkout, severity=page)");
    a.status = alert_status::resolved;
    CHECK(describe_alert(a).starts_with("✅ HighErrorRate resolved: "));
    a.labels = labels({{"alertname", "Deploy"}, {"event_type", "incident.acknowledged"}});
    a.annotations = labels({{"summary", "acknowledged by Ana"}});
    CHECK(describe_alert(a) == "📟 Deploy: acknowledged by Ana (event_type=incident.acknowledged)");
}

TEST_CASE("make_label_set sorts and keeps the first of duplicate names") {
    auto l = make_label_set({{"b", "1"}, {"a", "2"}, {"b", "3"}});
    REQUIRE(l.size() == 2);
    CHECK(l[0].first == "a");
    CHECK(value_of(l, "b") == "1");
    CHECK(value_of(l, "zzz").empty());
}
