// Learning across incidents (SPEC §11) over real SQLite: a deterministic history of a few hundred incidents
// typed through the commands, the report's figures checked against figures this test computes on its own
// from what it generated; recurrence (a factor that came back after a fix) said, recorded and counted; links
// by hand; private incidents counted and never named. Recurrence matching is scored on tuning and held-out
// factor pairs (README).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "commands/handlers.hpp"
#include "domain/postmortem.hpp"
#include "domain/related.hpp"
#include "harness.hpp"

using namespace hindsight;
using namespace std::chrono;
using domain::timestamp;
using testing::harness;

namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

timestamp at(const char* iso) {
    return *domain::parse_iso(iso);
}

// A small linear congruential generator: the same history on every machine and every run.
struct lcg {
    std::uint64_t state = 20261202;
    int below(int n) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<int>((state >> 33) % static_cast<std::uint64_t>(n));
    }
};

struct planned_action {
    std::string owner;
    std::string type;
    int due_days = 0;     // after creation
    int outcome = 0;      // 0 open, 1 done, 2 won't do
    int close_hours = 0;  // after creation
    timestamp created{};
};

struct planned_incident {
    int number = 0;
    bool is_private = false;
    int sev = 3;
    std::string service;
    timestamp start{};
    int detect_min = 0, mitigate_min = 0, resolve_min = 0;
    int factor = 0;  // index into factors
    bool reviewed = false;
    int review_days = 0;  // after resolution
    std::vector<planned_action> actions;
};

const std::vector<std::string> services{"checkout", "payments", "search", "auth", ""};
const std::vector<std::string> factors{"Connection pool exhausted by batch jobs",
                                       "Certificate expired on the edge proxy",
                                       "Disk filled with debug logs",
                                       "Deploy shipped without a canary stage",
                                       "Retry storm from clients lacking backoff",
                                       "Cache stampede after a cold restart",
                                       "Replica lag served stale reads",
                                       "Feature flag targeted every tenant"};
const std::vector<std::string> types{"detection", "playbook", "tooling", "training", "process"};

struct command {
    timestamp when;
    int order = 0;  // keeps one incident's commands in their order when times tie
    std::string channel, text;
    int incident = 0, action = -1;  // the action a done/wontdo names, resolved when replayed
};

planned_incident plan_incident(lcg& r, int number, timestamp start) {
    planned_incident p;
    p.number = number;
    p.is_private = number % 13 == 0;
    p.sev = 1 + r.below(4);
    p.service = services[static_cast<std::size_t>(r.below(5))];
    p.start = start;
    p.detect_min = r.below(30) - 5;  // sometimes before impact
    p.mitigate_min = 5 + r.below(120);
    p.resolve_min = p.mitigate_min + r.below(240);
    p.factor = r.below(static_cast<int>(factors.size()));
    p.reviewed = r.below(3) != 0;
    p.review_days = 1 + r.below(14);
    auto created = start + minutes{p.resolve_min} + hours{1};
    for (int k = r.below(4); k > 0; --k) {
        planned_action a;
        a.owner = std::string("owner") + static_cast<char>('a' + r.below(4));
        a.type = types[static_cast<std::size_t>(r.below(5))];
        a.due_days = 3 + r.below(40);
        a.outcome = r.below(3);
        a.close_hours = 1 + r.below(24 * 60);
        a.created = created;
        p.actions.push_back(a);
    }
    return p;
}

std::string iso_minute(timestamp t) {
    return domain::format_iso(t);
}

// Every command of one incident, at the time it is typed.
void commands_of(const planned_incident& p, std::vector<command>& out) {
    auto channel = "c" + std::to_string(p.number);
    int order = 0;
    auto add = [&](timestamp when, std::string text, int action = -1) {
        out.push_back({when, order++, channel, std::move(text), p.number, action});
    };
    auto secret = p.is_private ? " SECRETTITLE" : "";
    add(p.start, "start Incident " + std::to_string(p.number) + secret + " sev" + std::to_string(p.sev));
    if (!p.service.empty()) add(p.start, "service " + p.service);
    auto mitigated = p.start + minutes{p.mitigate_min}, resolved = p.start + minutes{p.resolve_min};
    add(mitigated, "mitigated");
    add(resolved, "resolve");
    add(resolved, "detected at " + iso_minute(p.start + minutes{p.detect_min}));
    auto review_start = resolved + hours{1};
    add(review_start,
        "factor " + factors[static_cast<std::size_t>(p.factor)] + (p.is_private ? " SECRETFACTOR" : ""));
    for (std::size_t k = 0; k < p.actions.size(); ++k) {
        const auto& a = p.actions[k];
        auto due = domain::format_date(domain::date_of(a.created + days{a.due_days}));
        add(a.created,
            "action Follow up " + std::to_string(k) + " @" + a.owner + " due " + due + " " + a.type);
    }
    if (p.actions.empty()) add(review_start, "action none");
    for (std::size_t k = 0; k < p.actions.size(); ++k) {
        const auto& a = p.actions[k];
        if (a.outcome == 0) continue;
        auto when = a.created + hours{a.close_hours};
        add(when,
            a.outcome == 1 ? "done {A} shipped"
                           : std::string("wontdo {A} not worth it") + (p.is_private ? " SECRETREASON" : ""),
            static_cast<int>(k));
    }
    if (!p.reviewed) return;
    auto finish = resolved + days{p.review_days};
    add(finish, "impact some customers");
    add(finish, "summary it broke and we fixed it");
    add(finish, "detection an alert");
    add(finish, "why F1 a condition allowed it");
    add(finish, "why F1.1 done");
    add(finish, "review finish");
}

struct history {
    std::vector<planned_incident> incidents;
    std::map<std::pair<int, int>, timestamp> closed_at;  // (incident, action index) → when
    std::map<int, timestamp> reviewed_at;
};

history replay(harness& h, int count) {
    lcg r;
    history hist;
    auto start = at("2026-01-05T09:00:00Z");
    std::vector<command> all;
    for (int n = 1; n <= count; ++n) {
        hist.incidents.push_back(plan_incident(r, n, start));
        if (hist.incidents.back().is_private) h.private_channels.insert("c" + std::to_string(n));
        commands_of(hist.incidents.back(), all);
        start += minutes{60 * 30 + r.below(60 * 24)};  // about one incident every day and a half
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const command& a, const command& b) { return a.when < b.when; });
    std::map<std::pair<int, int>, int> action_numbers;
    int next_action = 1;
    for (const auto& c : all) {
        h.set_now(c.when);
        auto text = c.text;
        if (auto brace = text.find("{A}"); brace != std::string::npos)
            text.replace(brace, 3, "A-" + std::to_string(action_numbers.at({c.incident, c.action})));
        auto out = h.say("lead", c.channel, text);
        if (text.starts_with("action Follow up ")) {
            REQUIRE(has(out, "A-" + std::to_string(next_action)));
            action_numbers[{c.incident, std::atoi(text.c_str() + 17)}] = next_action++;
        }
        if (text.starts_with("done ") || text.starts_with("wontdo "))
            hist.closed_at[{c.incident, c.action}] = c.when;
        if (text == "review finish") hist.reviewed_at[c.incident] = c.when;
    }
    return hist;
}

// The test's own nearest rank: the value at position ceil(p/100 · n), counted from 1.
std::optional<milliseconds> rank(std::vector<milliseconds> v, double p) {
    if (v.empty()) return std::nullopt;
    std::sort(v.begin(), v.end());
    auto position = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    return v[std::max<std::size_t>(position, 1) - 1];
}

domain::civil_date business_days_after(domain::civil_date day, int n) {
    sys_days d{day};
    for (int left = n; left > 0;) {
        d += days{1};
        auto w = weekday{d}.c_encoding();
        if (w != 0 && w != 6) --left;
    }
    return domain::civil_date{d};
}

struct expected {
    std::size_t incidents = 0, private_incidents = 0, resolved = 0, reviewed = 0, late = 0,
                overdue_reviews = 0;
    std::array<std::size_t, 4> sev{};
    std::map<std::string, std::size_t> by_service;
    std::vector<milliseconds> detect, mitigate, resolve, to_close;
    std::size_t opened = 0, done = 0, wontdo = 0, overdue = 0;
};

expected expect_for(const history& hist, timestamp since, timestamp until, const std::string& service) {
    expected e;
    auto as_of = domain::date_of(until - milliseconds{1});
    const std::array<int, 4> review_days{3, 5, 10, 10};
    for (const auto& p : hist.incidents) {
        bool of_service = service.empty() || p.service == service;
        if (of_service) {
            for (std::size_t k = 0; k < p.actions.size(); ++k) {
                const auto& a = p.actions[k];
                auto closed = hist.closed_at.find({p.number, static_cast<int>(k)});
                bool closed_in =
                    closed != hist.closed_at.end() && closed->second >= since && closed->second < until;
                if (a.created >= since && a.created < until) ++e.opened;
                if (closed_in && a.outcome == 1) {
                    ++e.done;
                    e.to_close.push_back(closed->second - a.created);
                }
                if (closed_in && a.outcome == 2) ++e.wontdo;
                bool open_then =
                    a.created < until && (closed == hist.closed_at.end() || closed->second >= until);
                auto due = domain::date_of(a.created + days{a.due_days});
                if (open_then && sys_days{due} < sys_days{as_of}) ++e.overdue;
            }
        }
        if (!of_service || p.start < since || p.start >= until) continue;
        ++e.incidents;
        e.private_incidents += p.is_private;
        ++e.sev[static_cast<std::size_t>(p.sev - 1)];
        if (!p.service.empty()) ++e.by_service[p.service];
        e.detect.push_back(minutes{std::max(0, p.detect_min)});
        e.mitigate.push_back(minutes{p.mitigate_min});
        e.resolve.push_back(minutes{p.resolve_min});
        ++e.resolved;
        auto due_end = sys_days{business_days_after(domain::date_of(p.start + minutes{p.resolve_min}),
                                                    review_days[static_cast<std::size_t>(p.sev - 1)])} +
                       days{1};
        auto reviewed = hist.reviewed_at.find(p.number);
        if (reviewed != hist.reviewed_at.end()) {
            ++e.reviewed;
            if (reviewed->second >= due_end) ++e.late;
        } else if (until >= due_end) {
            ++e.overdue_reviews;
        }
    }
    return e;
}

void check_against(const domain::insights& got, const expected& e) {
    CHECK(got.incidents == e.incidents);
    CHECK(got.private_incidents == e.private_incidents);
    CHECK(got.by_severity == e.sev);
    std::map<std::string, std::size_t> services(got.by_service.begin(), got.by_service.end());
    CHECK(services == e.by_service);
    CHECK(got.to_detect.median == rank(e.detect, 50));
    CHECK(got.to_detect.p90 == rank(e.detect, 90));
    CHECK(got.to_mitigate.median == rank(e.mitigate, 50));
    CHECK(got.to_mitigate.p90 == rank(e.mitigate, 90));
    CHECK(got.to_resolve.median == rank(e.resolve, 50));
    CHECK(got.to_resolve.p90 == rank(e.resolve, 90));
    CHECK(got.resolved == e.resolved);
    CHECK(got.reviewed == e.reviewed);
    CHECK(got.reviewed_late == e.late);
    CHECK(got.review_overdue == e.overdue_reviews);
    CHECK(got.actions.opened == e.opened);
    CHECK(got.actions.done == e.done);
    CHECK(got.actions.wontdo == e.wontdo);
    CHECK(got.actions.overdue == e.overdue);
    CHECK(got.actions.median_to_close == rank(e.to_close, 50));
}

}  // namespace

TEST_CASE("insights: a seeded year of incidents, figures checked against the generator's own") {
    harness h;
    auto hist = replay(h, 220);
    auto& store = h.engine().store();
    // The whole year, one quarter, and one service.
    const std::vector<std::tuple<const char*, const char*, std::string>> windows{
        {"2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", ""},
        {"2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z", ""},
        {"2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "checkout"}};
    for (const auto& [since, until, service] : windows) {
        INFO("window " << since << " – " << until << " " << service);
        auto got = commands::compute_report(store, h.cfg(), "console", at(since), at(until), service);
        auto want = expect_for(hist, at(since), at(until), service);
        REQUIRE(want.incidents > 10);  // the window holds enough to mean something
        REQUIRE(want.reviewed > 0);
        REQUIRE(want.late > 0);
        REQUIRE(want.wontdo > 0);
        check_against(got, want);
        // Private incidents are counted and never named: no title, factor or reason of theirs is in any form.
        auto names = [](const std::string& id) { return id; };
        for (const auto& text : {domain::insights_markdown(got, names), domain::insights_json(got, names),
                                 domain::insights_chat(got, names)})
            CHECK_FALSE(has(text, "SECRET"));
        // The same factor text in many incidents is a recurring factor, with its count.
        REQUIRE_FALSE(got.recurring_factors.empty());
        CHECK(got.recurring_factors.front().numbers.size() + got.recurring_factors.front().private_count > 2);
    }
}

TEST_CASE("recurrence: a factor that came back after every action was done is said, recorded and counted") {
    harness h;
    h.say("alice", "c1", "start Checkout pool exhausted");
    h.say("alice", "c1", "resolve");
    h.say("alice", "c1", "factor The database connection pool was exhausted by report queries");
    h.say("alice", "c1", "action Cap report query concurrency @bob due 2026-12-31 tooling");
    // An open action: its fix is not done, so nothing "came back" yet.
    h.say("alice", "c2", "start Payments pool exhausted");
    h.say("alice", "c2", "resolve");
    auto early =
        h.say("alice", "c2", "factor Connection pool exhausted because report queries held connections");
    CHECK_FALSE(has(early, "came back"));
    h.say("bob", "c1", "done A-1 capped at 4");
    // INC-2 began before the fix was done: its failure did not come back after the fix.
    auto before_fix =
        h.say("alice", "c2", "factor Connection pool exhausted again because report queries held it");
    CHECK_FALSE(has(before_fix, "came back"));
    h.say("alice", "c3", "start Checkout pool exhausted again");
    h.say("alice", "c3", "resolve");
    auto unrelated = h.say("alice", "c3", "factor Certificate expired on the edge proxy");
    CHECK_FALSE(has(unrelated, "came back"));
    auto back = h.say("alice", "c3", "factor Connection pool exhausted again because report queries held it");
    CHECK(has(back, "F2 looks like INC-1's F1"));
    CHECK(has(back, "this came back after A-1 was done"));
    // Said once per factor, recorded for the postmortem and counted by the report.
    auto record = commands::load_record(h.engine().store(), *h.engine().store().incidents.find("console", 3));
    REQUIRE(record.came_back.size() == 1);
    CHECK(record.came_back[0].node_label == "F2");
    CHECK(record.came_back[0].past_label == "INC-1");
    CHECK(record.came_back[0].fixed_by == "A-1");
    auto md = domain::render_postmortem_markdown(record, [](const std::string& id) { return id; });
    CHECK(has(md, "🔁 F2 came back after A-1 of INC-1 was done"));
    auto report = commands::compute_report(h.engine().store(), h.cfg(), "console", h.now() - hours{1},
                                           h.now() + hours{1}, "");
    REQUIRE(report.came_back.size() == 1);
    CHECK(report.came_back[0].number == 3);
    CHECK(report.came_back[0].past_number == 1);
    REQUIRE(report.clusters.size() == 1);
    CHECK(report.clusters[0] == std::vector<int>{1, 3});
}

TEST_CASE("recurrence: a private past incident is not named outside its channel") {
    harness h;
    h.private_channels.insert("secret");
    h.say("alice", "secret", "start Leaked token rotated");
    h.say("alice", "secret", "resolve");
    h.say("alice", "secret", "factor Deploy token was stored in the build logs");
    h.say("alice", "secret", "action Mask tokens in build logs @bob due 2026-12-31 tooling");
    h.say("bob", "secret", "done A-1 masked");
    h.say("alice", "open", "start Build logs exposed a token");
    h.say("alice", "open", "resolve");
    auto back = h.say("alice", "open", "factor A deploy token was stored in build logs again");
    CHECK(has(back, "looks like a factor of a private incident"));
    CHECK_FALSE(has(back, "INC-1"));
    CHECK_FALSE(has(back, "Leaked"));
    auto record = commands::load_record(h.engine().store(), *h.engine().store().incidents.find("console", 2));
    REQUIRE(record.came_back.size() == 1);
    CHECK(record.came_back[0].past_label.empty());
    auto md = domain::render_postmortem_markdown(record, [](const std::string& id) { return id; });
    CHECK(has(md, "came back after the fix of a private incident"));
    CHECK_FALSE(has(md, "Leaked"));
    CHECK_FALSE(has(md, "INC-1"));
}

TEST_CASE("link: by hand, both ways, shown in both postmortems; refusals say why") {
    harness h;
    h.private_channels.insert("secret");
    h.say("alice", "c1", "start Search timeouts");
    h.say("alice", "c2", "start Search index stale");
    h.say("alice", "secret", "start Private thing");
    CHECK(has(h.say("alice", "c2", "link INC-1"), "INC-2 linked to INC-1 by @alice"));
    CHECK(has(h.say("alice", "c2", "link INC-1"), "already linked"));
    CHECK(has(h.say("alice", "c2", "link INC-2"), "not related to itself"));
    CHECK(has(h.say("alice", "c2", "link INC-99"), "There is no INC-99"));
    CHECK(has(h.say("alice", "c2", "link"), "Say which incident"));
    CHECK(has(h.say("alice", "c2", "link banana INC-1"), "Say which incident"));
    // A private incident is linked only from its own channel.
    CHECK(has(h.say("alice", "c2", "link INC-3"), "private channel"));
    // Named both ways from the private channel: the public incident's channel and timeline never name it.
    auto from_secret = h.command("alice", "secret", "link INC-1 INC-3");
    for (const auto& o : from_secret)
        if (chat::text_of(o).find("INC-3") != std::string::npos) CHECK(chat::channel_of(o) == "secret");
    for (const auto& e :
         h.engine().store().timeline.list(h.engine().store().incidents.find("console", 1)->id))
        CHECK_FALSE(has(e.text, "INC-3"));
    CHECK(has(h.say("alice", "secret", "unlink INC-1 INC-3"), "INC-1 no longer linked to INC-3"));
    CHECK(has(h.say("alice", "secret", "link INC-1"), "INC-3 linked to INC-1"));
    auto& store = h.engine().store();
    auto one = commands::load_record(store, *store.incidents.find("console", 1));
    REQUIRE(one.linked.size() == 2);
    CHECK(one.linked[0].label == "INC-2");
    CHECK(one.linked[0].title == "Search index stale");
    CHECK(one.linked[1].label.empty());  // the private one: counted, not named
    auto md = domain::render_postmortem_markdown(one, [](const std::string& id) { return id; });
    CHECK(has(md, "- INC-2: Search index stale (linked by @alice)"));
    CHECK(has(md, "- A private incident (linked by @alice)"));
    CHECK_FALSE(has(md, "Private thing"));
    auto json = domain::render_postmortem_json(one, [](const std::string& id) { return id; });
    CHECK(has(json, "\"linked\""));
    CHECK(has(h.say("alice", "c1", "unlink INC-2"), "INC-1 no longer linked to INC-2"));
    CHECK(has(h.say("alice", "c1", "unlink INC-2"), "is not linked to"));
    CHECK(commands::load_record(store, *store.incidents.find("console", 2)).linked.empty());
}

TEST_CASE("insights: the chat command, its window and service, and what it refuses") {
    harness h;
    h.say("alice", "c1", "start Checkout down sev1");
    h.say("alice", "c1", "service checkout");
    h.advance(minutes{30});
    h.say("alice", "c1", "resolve");
    auto out = h.say("alice", "c1", "insights");
    CHECK(has(out, "1 incident (1 sev1)"));
    CHECK(has(out, "resolve 30m"));
    CHECK(has(h.say("alice", "c1", "insights 90d checkout"), "service checkout"));
    CHECK(has(h.say("alice", "c1", "insights 7d"), "30d, 90d or 365d"));
    CHECK(has(h.say("alice", "c1", "insights 90d nosuch"), "No incident has the service nosuch"));
    CHECK(has(h.say("alice", "c1", "insights checkout payments"), "30d, 90d or 365d"));
}

namespace {

struct pair_figures {
    std::size_t tp = 0, fp = 0, fn = 0, tn = 0;
    double precision() const {
        return tp + fp == 0 ? 1.0 : static_cast<double>(tp) / static_cast<double>(tp + fp);
    }
    double recall() const {
        return tp + fn == 0 ? 1.0 : static_cast<double>(tp) / static_cast<double>(tp + fn);
    }
};

pair_figures score_pairs(const std::string& name) {
    std::ifstream in(std::string(HINDSIGHT_SOURCE_DIR) + "/tests/fixtures/related/" + name);
    REQUIRE(in);
    auto doc = nlohmann::json::parse(in);
    pair_figures f;
    for (const auto& pair : doc.at("pairs")) {
        bool said = domain::same_factor(pair.at("a").get<std::string>(), pair.at("b").get<std::string>());
        bool same = pair.at("same").get<bool>();
        (said ? (same ? f.tp : f.fp) : (same ? f.fn : f.tn))++;
    }
    return f;
}

}  // namespace

TEST_CASE("recurrence matching: scored on tuning and held-out factor pairs") {
    auto tuning = score_pairs("factor_pairs_tuning.json");
    auto heldout = score_pairs("factor_pairs_heldout.json");
    std::printf(
        "same factor: tuning precision %.2f recall %.2f; held-out precision %.2f recall %.2f "
        "(TP %zu FP %zu FN %zu TN %zu)\n",
        tuning.precision(), tuning.recall(), heldout.precision(), heldout.recall(), heldout.tp, heldout.fp,
        heldout.fn, heldout.tn);
    // Floors under the measured figures (README): a change that makes matching worse fails here.
    CHECK(heldout.precision() >= 0.85);
    CHECK(heldout.recall() >= 0.85);
}
