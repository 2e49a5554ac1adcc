// Monitoring alerts through the engine as the receivers hand them over (routed already): on the timeline of
// the channel's incident, declaring one, waiting for one, or recorded as unrouted; silences after them.
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "storage/incident_store.hpp"
#include "storage/timeline_store.hpp"

using namespace hindsight;
using testing::harness;
using namespace std::chrono;

namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string joined(const std::vector<chat::outgoing>& replies) {
    std::string out;
    for (const auto& r : replies) out += chat::text_of(r) + "\n";
    return out;
}

domain::alert alert_of(const std::string& name, domain::alert_status status, domain::timestamp starts,
                       const std::string& fingerprint = "fp1") {
    domain::alert a;
    a.source = "alertmanager";
    a.status = status;
    a.labels = domain::make_label_set({{"alertname", name}, {"service", "checkout"}, {"severity", "page"}});
    a.annotations = {{"summary", name + " on checkout"}};
    a.starts_at = starts;
    if (status == domain::alert_status::resolved) a.ends_at = starts + minutes{20};
    a.fingerprint = fingerprint;
    a.link = "https://prometheus.example/graph";
    return a;
}

chat::alert_received routed(domain::alert a, const std::string& channel, bool declare, std::string sev = {}) {
    return chat::alert_received{{channel, false, false}, declare, std::move(sev), std::move(a), {}};
}

std::vector<domain::timeline_entry> alert_entries(harness& h, int incident_number) {
    auto inc = h.engine().store().incidents.find("console", incident_number);
    REQUIRE(inc);
    auto entries = h.engine().store().timeline.list(inc->id);
    std::erase_if(entries, [](const auto& e) { return e.kind != domain::entry_kind::alert; });
    return entries;
}

}  // namespace

TEST_CASE("a firing alert on a declaring route opens an incident with no commander until someone takes it") {
    harness h;
    auto fired_at = h.now() - minutes{30};
    auto declared = joined(h.send(
        routed(alert_of("HighErrorRate", domain::alert_status::firing, fired_at), "ops", true, "sev2")));
    CHECK(has(declared, "INC-1: HighErrorRate on checkout* (sev2) declared by the alert *HighErrorRate*"));
    CHECK(has(declared, "Nobody is commander yet: `/incident commander @me` takes it"));
    auto inc = h.engine().store().incidents.find("console", 1);
    REQUIRE(inc);
    CHECK(inc->commander.empty());
    CHECK(inc->sev == domain::severity::sev2);
    CHECK(inc->started_at == fired_at);
    CHECK(inc->detected_at == fired_at);
    auto entries = alert_entries(h, 1);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].occurred_at == fired_at);
    CHECK(entries[0].text ==
          "🔥 HighErrorRate firing: HighErrorRate on checkout (service=checkout, severity=page)");
    CHECK(entries[0].source.platform == "alertmanager");
    CHECK(entries[0].source.permalink == "https://prometheus.example/graph");

    // The same fact again (a re-sent group, another Alertmanager of the pair) changes nothing.
    CHECK(h.send(routed(alert_of("HighErrorRate", domain::alert_status::firing, fired_at), "ops", true))
              .empty());
    CHECK(alert_entries(h, 1).size() == 1);
    // A second alert and the first one's resolution join the same incident; nothing is posted per alert.
    CHECK(h.send(routed(alert_of("Latency", domain::alert_status::firing, h.now(), "fp2"), "ops", true))
              .empty());
    CHECK(h.send(routed(alert_of("HighErrorRate", domain::alert_status::resolved, fired_at), "ops", true))
              .empty());
    entries = alert_entries(h, 1);
    REQUIRE(entries.size() == 3);
    CHECK(entries[1].text.starts_with("✅ HighErrorRate resolved"));  // in time order
    CHECK(entries[1].occurred_at == fired_at + minutes{20});
    CHECK(h.engine().store().incidents.list("console", storage::incident_filter::all, 10).size() == 1);

    CHECK(has(h.say("dana", "ops", "commander @me"), "Commander nobody → @dana by @dana"));
    auto timeline = h.say("dana", "ops", "timeline");
    CHECK(has(timeline, "alertmanager: 🔥 HighErrorRate firing"));
}

TEST_CASE("alerts on a route without declare wait for an incident declared in the channel") {
    harness h;
    auto fired_at = h.now();
    CHECK(h.send(routed(alert_of("DiskFull", domain::alert_status::firing, fired_at), "ops", false)).empty());
    CHECK(h.engine().store().incidents.list("console", storage::incident_filter::all, 10).empty());
    h.advance(minutes{10});
    auto started = h.say("alice", "ops", "start Disk trouble");
    CHECK(has(started, "1 alert that reached this channel in the last hour is on the timeline of INC-1."));
    CHECK(has(started, "`/incident detected at 10:00` records that as the detection time"));
    CHECK(alert_entries(h, 1).size() == 1);
    // A resolved alert arriving while an incident is open goes straight onto it.
    CHECK(
        h.send(routed(alert_of("DiskFull", domain::alert_status::resolved, fired_at), "ops", false)).empty());
    CHECK(alert_entries(h, 1).size() == 2);
}

TEST_CASE("a resolved alert never declares, and a reviewed incident takes no more alerts") {
    harness h;
    CHECK(h.send(routed(alert_of("X", domain::alert_status::resolved, h.now() - hours{1}), "ops", true))
              .empty());
    CHECK(h.engine().store().incidents.list("console", storage::incident_filter::all, 10).empty());
    h.say("alice", "ops", "start Old one");
    h.say("alice", "ops", "resolve done");
    auto inc = *h.engine().store().incidents.find("console", 1);
    inc.status = domain::incident_status::reviewed;
    h.engine().store().incidents.update(inc);
    auto declared =
        joined(h.send(routed(alert_of("Y", domain::alert_status::firing, h.now(), "fp9"), "ops", true)));
    CHECK(has(declared, "INC-2"));
    CHECK(alert_entries(h, 2).size() == 1);
}

TEST_CASE("an unrouted alert is kept and counted; a note names only the alert") {
    harness h;
    CHECK(h.send(routed(alert_of("Lonely", domain::alert_status::firing, h.now()), "", false)).empty());
    CHECK(h.engine().store().alerts.count_unrouted() == 1);
    h.cfg().alerts.unrouted_channel = "C-ops";
    auto note = h.send(routed(alert_of("Lonely2", domain::alert_status::firing, h.now(), "fp3"), "", false));
    REQUIRE(note.size() == 1);
    CHECK(chat::channel_of(note[0]) == "C-ops");
    CHECK(has(chat::text_of(note[0]), "🔕 No route took this alert: 🔥 Lonely2 firing"));
    CHECK(h.send(routed(alert_of("Lonely2", domain::alert_status::resolved, h.now(), "fp3"), "", false))
              .empty());
    CHECK(h.engine().store().alerts.count_unrouted() == 3);
}

TEST_CASE("silences that muted an incident's alerts go on its timeline once, at when they began") {
    harness h;
    h.send(routed(alert_of("HighErrorRate", domain::alert_status::firing, h.now()), "ops", true));
    auto inc = *h.engine().store().incidents.find("console", 1);
    CHECK(h.engine().incidents_due_for_silences(h.now()) == std::vector<std::int64_t>{inc.id});

    auto matcher = [](const char* name, domain::label_matcher::op kind, const char* value) {
        return *domain::make_matcher(name, kind, value);
    };
    domain::silence weeks_ago{"s-1",
                              {matcher("service", domain::label_matcher::op::equal, "checkout"),
                               matcher("alertname", domain::label_matcher::op::regex, "High.*")},
                              h.now() - days{21},
                              h.now() - days{20},
                              "mallory",
                              "noisy @here"};
    domain::silence other_service{"s-2",
                                  {matcher("service", domain::label_matcher::op::equal, "cart")},
                                  h.now() - hours{1},
                                  h.now(),
                                  "bob",
                                  ""};
    domain::silence too_old{"s-3",
                            {matcher("service", domain::label_matcher::op::equal, "checkout")},
                            h.now() - days{60},
                            h.now() - days{45},
                            "carol",
                            ""};
    CHECK(h.engine().record_silences(inc.id, {weeks_ago, other_service, too_old}, h.now()) == 1);
    CHECK(h.engine().record_silences(inc.id, {weeks_ago}, h.now()) == 0);  // already there
    CHECK(h.engine().incidents_due_for_silences(h.now()).empty());         // looked at: next in an hour
    CHECK(h.engine().incidents_due_for_silences(h.now() + minutes{61}) == std::vector<std::int64_t>{inc.id});
    auto entries = alert_entries(h, 1);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].occurred_at == h.now() - days{21});  // in time order: the silence comes first
    CHECK(has(entries[0].text, "🔇 HighErrorRate was silenced by mallory from "));
    CHECK(has(entries[0].text, "noisy @\u2060here"));
    auto timeline = h.say("alice", "ops", "timeline");
    INFO(timeline);
    CHECK(has(timeline, "E3 10:00 T-503:59 alertmanager: 🔇 HighErrorRate was silenced by mallory"));
}

TEST_CASE("an event about an incident elsewhere goes on a timeline but never declares one") {
    harness h;
    auto ack = alert_of("Checkout down", domain::alert_status::firing, h.now(), "PX/E1");
    ack.source = "pagerduty";
    ack.labels =
        domain::make_label_set({{"alertname", "Checkout down"}, {"event_type", "incident.acknowledged"}});
    ack.annotations = {{"summary", "acknowledged by Ana"}};
    CHECK(h.send(routed(ack, "ops", true)).empty());
    CHECK(h.engine().store().incidents.list("console", storage::incident_filter::all, 10).empty());
    h.say("alice", "ops", "start Checkout down");
    auto entries = alert_entries(h, 1);
    REQUIRE(entries.size() == 1);  // it waited, and joined the incident declared by hand
    CHECK(entries[0].text == "📟 Checkout down: acknowledged by Ana (event_type=incident.acknowledged)");
}
