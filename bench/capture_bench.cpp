// Benchmarks for the core (issue: capture throughput and render time). Prints figures; asserts nothing.
//   capture: 100 000 neutral "message posted" events + 10 000 pushpin marks through inbox → handler →
//   storage,
//            with synchronous=FULL, in bursts of 1 000 as an adapter would hand them over.
//   render:  an incident with 10 000 timeline entries, 50 factors × 5 whys and 500 actions, to Markdown and
//   JSON.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <algorithm>
#include <array>

#include "commands/engine.hpp"
#include "commands/handlers.hpp"
#include "commands/reminders.hpp"
#include "domain/postmortem.hpp"

using namespace hindsight;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

void bench_capture(const std::string& path) {
    std::filesystem::remove(path);
    auto cfg = config::default_settings([](const std::string&) { return std::nullopt; });
    storage::database db(path);
    commands::engine engine(db, cfg, "bench");
    auto now = *domain::parse_iso("2026-03-02T10:00:00Z");
    chat::channel_ref ops{"C-ops", false, false};
    engine.accept(
        {{"bench", "start", chat::command_invoked{ops, {}, "U1", "start Bench incident sev2", now}}}, now);
    engine.process_pending(now);

    constexpr int messages = 100000, marks = 10000, burst = 1000;
    std::vector<chat::inbound> batch;
    batch.reserve(burst + burst / 10);
    auto start = clock_type::now();
    std::size_t handled = 0, batches = 0;
    double accept_seconds = 0;
    for (int i = 0; i < messages; ++i) {
        auto id = std::to_string(1772445600 + i / 1000) + "." + std::to_string(100000 + i);
        auto at = now + std::chrono::milliseconds{i};
        batch.push_back({"bench", "ev-m" + std::to_string(i),
                         chat::message_posted{ops,
                                              id,
                                              {},
                                              "U" + std::to_string(i % 50),
                                              "message number " + std::to_string(i),
                                              at,
                                              false,
                                              {}}});
        if (i % (messages / marks) == 0)
            batch.push_back({"bench", "ev-r" + std::to_string(i),
                             chat::reaction_changed{ops, id, "U7", "pushpin", true, at}});
        if (batch.size() >= burst) {
            auto accept_start = clock_type::now();
            engine.accept(batch, now);
            accept_seconds += seconds_since(accept_start);
            ++batches;
            batch.clear();
            for (;;) {
                auto report = engine.process_pending(now, 4096);
                handled += report.handled;
                if (report.handled == 0) break;
            }
        }
    }
    if (!batch.empty()) engine.accept(batch, now);
    for (;;) {
        auto report = engine.process_pending(now, 4096);
        handled += report.handled;
        if (report.handled == 0) break;
    }
    double elapsed = seconds_since(start);
    std::printf(
        "capture: %zu events (%d messages + %d marks) in %.3f s = %.0f events/s (recording %.3f s, handling "
        "%.3f s); "
        "%zu bursts; outbox %lld confirmations; synchronous=FULL, WAL\n",
        handled, messages, marks, elapsed, static_cast<double>(handled) / elapsed, accept_seconds,
        elapsed - accept_seconds, batches, static_cast<long long>(engine.queue().outbox_depth()));
}

void bench_render() {
    domain::incident_record r;
    r.inc.number = 1;
    r.inc.title = "Render benchmark";
    r.inc.started_at = *domain::parse_iso("2026-03-01T00:00:00Z");
    r.inc.resolved_at = r.inc.started_at + std::chrono::hours{50};
    for (int i = 0; i < 10000; ++i) {
        domain::timeline_entry e;
        e.id = i;
        e.occurred_at = r.inc.started_at + std::chrono::seconds{i * 17};
        e.author = "user" + std::to_string(i % 40);
        e.text = "Timeline entry " + std::to_string(i) +
                 ": p99 latency is 850ms | error rate 2.5% <see dashboard>";
        e.source.permalink = "https://example.slack.com/archives/C1/p" + std::to_string(1700000000000000 + i);
        r.timeline.push_back(std::move(e));
    }
    // 50 factors, each with a chain of 5 causes (F1 → F1.1 → F1.1.1 …), as the map stores them.
    std::vector<domain::cause_node> nodes;
    std::vector<domain::cause_edge> edges;
    std::int64_t next_id = 1;
    for (int f = 1; f <= 50; ++f) {
        std::string label = "F" + std::to_string(f);
        std::int64_t parent = 0;
        for (int depth = 0; depth <= 5; ++depth) {
            domain::cause_node node;
            node.id = next_id++;
            node.label = label;
            node.origin = parent;
            node.depth = depth;
            node.author = "u";
            node.text = depth == 0 ? "Contributing factor " + std::to_string(f) + " with a \"quoted\" part"
                                   : "Because condition " + label + " held";
            if (parent != 0) edges.push_back({parent, node.id});
            parent = node.id;
            label += ".1";
            nodes.push_back(std::move(node));
        }
    }
    r.map = domain::causal_map(std::move(nodes), std::move(edges));
    for (int a = 1; a <= 500; ++a) {
        domain::action_item item;
        item.number = a;
        item.text = "Add an alert for condition " + std::to_string(a);
        item.owner = "user" + std::to_string(a % 40);
        item.due = *domain::parse_date("2026-04-01");
        r.actions.push_back(std::move(item));
    }
    auto names = [](const std::string& id) { return id; };
    constexpr int rounds = 20;
    std::size_t bytes = 0;
    auto start = clock_type::now();
    for (int i = 0; i < rounds; ++i) bytes += domain::render_postmortem_markdown(r, names).size();
    double markdown_ms = seconds_since(start) * 1000 / rounds;
    start = clock_type::now();
    for (int i = 0; i < rounds; ++i) bytes += domain::render_postmortem_json(r, names).size();
    double json_ms = seconds_since(start) * 1000 / rounds;
    std::printf(
        "render: 10000 entries, 50 factors x 5 whys, 500 actions: Markdown %.2f ms, JSON %.2f ms "
        "(mean of %d; %zu bytes per pair)\n",
        markdown_ms, json_ms, rounds, bytes / rounds);
}

// Planning the weekly digest for 10 000 open actions across 2 000 owners (in 4 time zones).
void bench_digest_planning(const std::string& path) {
    std::filesystem::remove(path);
    auto cfg = config::default_settings([](const std::string&) { return std::nullopt; });
    storage::database db(path);
    commands::stores store(db);
    auto created = *domain::parse_iso("2026-03-02T10:00:00Z");
    const char* zones[] = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"};
    db.transact([&] {
        for (int o = 0; o < 2000; ++o)
            store.incidents.upsert_user("bench",
                                        {"U" + std::to_string(o), "user" + std::to_string(o), zones[o % 4]});
        std::vector<std::int64_t> incident_ids;
        for (int i = 0; i < 200; ++i) {
            domain::incident inc;
            inc.workspace = "bench";
            inc.number = store.incidents.take_incident_number("bench");
            inc.channel = "C" + std::to_string(i);
            inc.private_channel = i % 10 == 0;
            inc.title = "Incident " + std::to_string(i);
            inc.commander = "U" + std::to_string(i);
            inc.started_at = created;
            inc.status = domain::incident_status::reviewed;
            incident_ids.push_back(store.incidents.insert(inc));
        }
        for (int a = 0; a < 10000; ++a) {
            domain::action_item item;
            item.workspace = "bench";
            item.number = store.incidents.take_action_number("bench");
            item.incident_id = incident_ids[static_cast<std::size_t>(a % 200)];
            item.text = "Add an alert for condition " + std::to_string(a);
            item.owner = "U" + std::to_string(a % 2000);
            item.due = *domain::parse_date(a % 3 == 0 ? "2026-03-01" : "2026-04-01");
            item.created_by = "U1";
            item.created_at = created;
            store.actions.insert(item);
        }
    });
    auto monday = *domain::parse_iso("2026-03-09T23:30:00Z");  // after every zone's Monday 09:00
    constexpr int rounds = 5;
    std::size_t planned = 0;
    auto start = clock_type::now();
    for (int i = 0; i < rounds; ++i)
        planned = commands::plan_reminders(cfg, store, "bench", monday).due.size();
    double ms = seconds_since(start) * 1000 / rounds;
    std::printf(
        "digest planning: 10000 open actions, 2000 owners in 4 zones: %.1f ms (mean of %d), %zu reminders "
        "planned (digests + escalations)\n",
        ms, rounds, planned);
}

}  // namespace

// Related incidents (SPEC §11): 100 000 incidents, services from 200 and tags from 50, and the lookup
// find_related does at `start` timed over 200 of them. Two vocabularies: a narrow one (every title six of 40
// incident words, so any query matches most of the corpus: the worst case), and a Zipf-distributed one of
// 5 000 words (s = 1, the 20 most common taken out as stop words would be), closer to what people write.
// Titles are six words, summaries three.
void bench_related(const std::string& path, bool narrow) {
    std::filesystem::remove(path);
    storage::database db(path);
    commands::stores store(db);
    static constexpr std::array<const char*, 40> core{
        "checkout", "payments", "database",    "connection", "pool",     "exhausted", "latency", "timeout",
        "dns",      "resolver", "certificate", "expired",    "disk",     "full",      "queue",   "backlog",
        "deploy",   "config",   "flag",        "cache",      "eviction", "memory",    "leak",    "oom",
        "gateway",  "rate",     "limiter",     "kafka",      "consumer", "lag",       "replica", "failover",
        "cdn",      "stale",    "storage",     "upload",     "token",    "partner",   "cron",    "billing"};
    std::uint64_t seed = 42;
    auto next = [&seed](std::uint64_t n) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        return (seed >> 33) % n;
    };
    constexpr int vocabulary = 5000, skipped = 20;
    std::vector<double> cumulative;
    double total = 0;
    for (int rank = skipped + 1; rank <= vocabulary; ++rank) cumulative.push_back(total += 1.0 / rank);
    auto word = [&]() -> std::string {
        if (narrow) return core[next(core.size())];
        auto u = static_cast<double>(next(1u << 30)) / static_cast<double>(1u << 30) * total;
        auto at = std::lower_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin();
        return "w" + std::to_string(at + skipped + 1);
    };
    constexpr int incidents = 100000;
    auto now = *domain::parse_iso("2026-03-02T10:00:00Z");
    auto start = clock_type::now();
    db.transact([&] {
        store.incidents.take_incident_number("bench");  // the workspace row
        for (int i = 1; i <= incidents; ++i) {
            domain::incident inc;
            inc.workspace = "bench";
            inc.number = i;
            inc.channel = "C" + std::to_string(i % 5000);
            for (int w = 0; w < 6; ++w) inc.title += (w ? " " : "") + word();
            inc.summary = word() + " " + word() + " " + word();
            inc.started_at = now;
            store.incidents.insert(inc);
            store.incidents.add_label(inc.id, storage::label_kind::service, "svc" + std::to_string(next(200)),
                                      now, "");
            if (i % 3 == 0)
                store.incidents.add_label(inc.id, storage::label_kind::tag, "tag" + std::to_string(next(50)),
                                          now, "");
        }
    });
    auto load = seconds_since(start);
    std::vector<double> times;
    std::size_t found = 0;
    for (int q = 0; q < 200; ++q) {
        auto inc = store.incidents.find("bench", 1 + static_cast<int>(next(incidents)));
        auto t0 = clock_type::now();
        found += commands::find_related(store, *inc).size();
        times.push_back(seconds_since(t0) * 1000);
    }
    std::sort(times.begin(), times.end());
    std::printf(
        "related (%s vocabulary): %d incidents loaded in %.1f s; lookup p50 %.1f ms, p99 %.1f ms, max "
        "%.1f ms (%.1f above the threshold on average)\n",
        narrow ? "narrow, 40 words" : "Zipf, 5 000 words", incidents, load, times[times.size() / 2],
        times[times.size() * 99 / 100], times.back(),
        static_cast<double>(found) / static_cast<double>(times.size()));
}

// The 365-day report (SPEC §11) over 100 000 incidents and 500 000 action items: a year of incidents
// spread evenly, five actions each (a third done, a tenth won't-do, the rest open with due dates around the
// year), one factor each from 400 texts (so factors recur), services from 200. Timed as `hindsight report`
// computes it, whole year and one service.
void bench_report(const std::string& path) {
    std::filesystem::remove(path);
    auto cfg = config::default_settings([](const std::string&) { return std::nullopt; });
    storage::database db(path);
    commands::stores store(db);
    std::uint64_t seed = 7;
    auto next = [&seed](std::uint64_t n) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        return (seed >> 33) % n;
    };
    constexpr int incidents = 100000, actions_each = 5;
    auto year = *domain::parse_iso("2026-01-01T00:00:00Z");
    auto step = std::chrono::milliseconds{std::chrono::days{365}} / incidents;
    auto start = clock_type::now();
    db.transact([&] {
        store.incidents.take_incident_number("bench");
        for (int i = 1; i <= incidents; ++i) {
            domain::incident inc;
            inc.workspace = "bench";
            inc.number = i;
            inc.channel = "C" + std::to_string(i % 5000);
            inc.private_channel = i % 20 == 0;
            inc.title = "Incident " + std::to_string(i);
            inc.sev = static_cast<domain::severity>(1 + next(4));
            inc.started_at = year + step * i;
            inc.detected_at = inc.started_at + std::chrono::minutes{next(30)};
            inc.mitigated_at = inc.started_at + std::chrono::minutes{30 + next(120)};
            inc.resolved_at = *inc.mitigated_at + std::chrono::minutes{next(240)};
            inc.status = i % 3 ? domain::incident_status::reviewed : domain::incident_status::resolved;
            if (i % 3) inc.reviewed_at = *inc.resolved_at + std::chrono::days{1 + next(14)};
            store.incidents.insert(inc);
            store.incidents.add_label(inc.id, storage::label_kind::service, "svc" + std::to_string(next(200)),
                                      inc.started_at, "");
            store.review.add_node(inc.id, 0, "Factor number " + std::to_string(next(400)) + " recurred", "U1",
                                  *inc.resolved_at);
            for (int a = 0; a < actions_each; ++a) {
                domain::action_item item;
                item.workspace = "bench";
                item.number = (i - 1) * actions_each + a + 1;
                item.incident_id = inc.id;
                item.text = "Follow up " + std::to_string(a);
                item.owner = "U" + std::to_string(next(300));
                item.type = static_cast<domain::action_type>(next(6));
                item.created_by = "U1";
                item.created_at = *inc.resolved_at;
                item.due = domain::date_of(item.created_at + std::chrono::days{7 + next(60)});
                auto outcome = next(30);
                if (outcome < 10 || outcome >= 27) {
                    item.status = outcome < 10 ? domain::action_status::done : domain::action_status::wontdo;
                    item.closed_at = item.created_at + std::chrono::hours{1 + next(24 * 60)};
                    item.resolution = outcome < 10 ? "shipped" : "not worth it";
                }
                store.actions.insert(item);
            }
        }
    });
    auto load = seconds_since(start);
    // A long-lived database has been checkpointed many times over; one that was just filled in a single
    // transaction still has it all in its write-ahead log.
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    auto until = year + std::chrono::days{365};
    for (const std::string service : {"", "svc7"}) {
        std::vector<double> times;
        domain::insights report;
        for (int round = 0; round < 5; ++round) {
            auto t0 = clock_type::now();
            report = commands::compute_report(store, cfg, "bench", year, until, service);
            times.push_back(seconds_since(t0) * 1000);
        }
        std::sort(times.begin(), times.end());
        // The same split in two: reading the rows, and computing from them.
        auto t0 = clock_type::now();
        auto rows = store.learning.report_rows("bench", year, until, service);
        auto read_ms = seconds_since(t0) * 1000;
        t0 = clock_type::now();
        domain::compute_insights(rows);
        auto compute_ms = seconds_since(t0) * 1000;
        std::printf(
            "report (365 days%s): %d incidents and %d actions loaded in %.1f s; report median %.0f ms, max "
            "%.0f ms (reading %.0f ms, computing %.0f ms; %zu incidents, %zu actions opened, %zu recurring "
            "factors in the window)\n",
            service.empty() ? "" : ", one service", incidents, incidents * actions_each, load, times[2],
            times.back(), read_ms, compute_ms, report.incidents, report.actions.opened,
            report.recurring_factors.size());
    }
}

// `bench_core <dir> report-only <database>`: the report alone over a database kept by HINDSIGHT_BENCH_KEEP,
// so that a profiler sees nothing else.
void bench_report_only(const std::string& path) {
    auto cfg = config::default_settings([](const std::string&) { return std::nullopt; });
    storage::database db(path);
    commands::stores store(db);
    auto year = *domain::parse_iso("2026-01-01T00:00:00Z");
    for (int round = 0; round < 5; ++round) {
        auto t0 = clock_type::now();
        auto report = commands::compute_report(store, cfg, "bench", year, year + std::chrono::days{365}, "");
        std::printf("report only: %.0f ms (%zu incidents)\n", seconds_since(t0) * 1000, report.incidents);
    }
}

int main(int argc, char** argv) {
    std::string dir = argc > 1 ? argv[1] : std::filesystem::temp_directory_path().string();
    auto path = dir + "/hindsight-bench-" + std::to_string(::getpid()) + ".db";
    std::string only = argc > 2 ? argv[2] : "";
    if (only == "report-only" && argc > 3) {
        bench_report_only(argv[3]);
        return 0;
    }
    if (only.empty() || only == "capture") bench_capture(path);
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    if (only.empty() || only == "digest") bench_digest_planning(path + "-digest");
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + "-digest" + suffix);
    if (only.empty() || only == "render") bench_render();
    for (bool narrow : {false, true}) {
        if (only.empty() || only == "related") bench_related(path + "-related", narrow);
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + "-related" + suffix);
    }
    if (only.empty() || only == "report") bench_report(path + "-report");
    // HINDSIGHT_BENCH_KEEP keeps the report's database, to look at its query plans.
    if (!std::getenv("HINDSIGHT_BENCH_KEEP"))
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + "-report" + suffix);
    return 0;
}
