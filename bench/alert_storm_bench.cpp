// Alert storm (issue 12): 5 000 alerts in 200 groups through a real Alertmanager (Debian's
// prometheus-alertmanager on loopback) into the real `hindsight run` binary, while a chat burst runs on the
// fake Slack. Prints how long until every alert is on the incident's timeline (and that each is there once)
// and the chat ack latency before and during the storm. Asserts nothing.
// Usage: bench_alert_storm path/to/hindsight [workdir] [path/to/alertmanager]
#include <signal.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "loopback_client.hpp"
#include "paced_acks.hpp"
#include "support/alertmanager.hpp"
#include "support/child_process.hpp"
#include "support/e2e.hpp"
#include "support/fake_slack.hpp"

namespace asio = boost::asio;
using namespace std::chrono;
namespace testing = hindsight::testing;

namespace {

constexpr int groups = 200, per_group = 25;

std::string ts_of(int i) {
    return std::to_string(1700000000 + i / 1000) + "." + std::to_string(100000 + i);
}

std::string now_iso() {
    std::time_t c = system_clock::to_time_t(system_clock::now() - seconds{30});
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&c));
    return out;
}

std::string post(unsigned short port, const std::string& path, const std::string& body) {
    return testing::round_trip(port, "POST " + path +
                                         " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: "
                                         "application/json\r\nContent-Length: " +
                                         std::to_string(body.size()) + "\r\n\r\n" + body);
}

// Ten POSTs of 500 alerts: group g is alertname Storm<g>, 25 instances each.
void send_storm(unsigned short am_port) {
    auto starts = now_iso();
    for (int batch = 0; batch < groups * per_group / 500; ++batch) {
        std::string body = "[";
        for (int i = batch * 500; i < (batch + 1) * 500; ++i) {
            if (body.size() > 1) body += ',';
            body += R"({"labels":{"alertname":"Storm)" + std::to_string(i / per_group) +
                    R"(","storm":"yes","instance":"host-)" + std::to_string(i % per_group) +
                    R"("},"annotations":{"summary":"storm alert"},"startsAt":")" + starts + "\"}";
        }
        post(am_port, "/api/v2/alerts", body + "]");
    }
}

bool start_incident(asio::io_context& io, testing::fake_slack& fake) {
    if (!testing::wait_until([&] { return testing::on_io(io, [&] { return fake.sessions.size(); }) == 1; },
                             seconds{20}))
        return false;
    testing::on_io(io, [&] {
        fake.send_envelope(
            fake.latest(), "start",
            testing::slash_command_envelope("start", "C111", "U1", "start Storm sev2", "1.2.3"));
        return 0;
    });
    return testing::wait_until([&] { return fake.ack_count() >= 1; }, seconds{20});
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s path/to/hindsight [workdir] [path/to/alertmanager]\n", argv[0]);
        return 2;
    }
    std::string binary = argv[1];
    auto dir = std::filesystem::path(argc > 2 ? argv[2] : std::filesystem::temp_directory_path().string()) /
               ("hindsight-storm-bench-" + std::to_string(::getpid()));
    std::string am_binary = argc > 3 ? argv[3] : "/usr/bin/prometheus-alertmanager";
    std::filesystem::create_directories(dir);
    auto db_path = (dir / "storm.db").string();
    auto bot_port = testing::free_loopback_port(), am_port = testing::free_loopback_port();

    asio::io_context io;
    testing::fake_slack fake(io);
    testing::io_runner runner(io);
    auto config_path = (dir / "storm.toml").string();
    {
        std::ofstream config(config_path);
        config << "log_level = \"warn\"\n[storage]\npath = \"" << db_path
               << "\"\n[http]\nlisten = \"127.0.0.1:" << bot_port
               << "\"\n[slack]\nmode = \"socket\"\npacing = false\napi_url = \"" << fake.api_url()
               << "\"\n[[alerts.routes]]\nmatchers = ['storm=\"yes\"']\nchannel = \"C111\"\n";
    }
    auto bot = testing::start_bot(binary, config_path,
                                  {{"SLACK_BOT_TOKEN", "xoxb-test-token"},
                                   {"SLACK_APP_TOKEN", "xapp-test-token"},
                                   {"ALERTS_TOKEN", "t"}});
    auto am = testing::start_alertmanager(am_binary, dir.string(), am_port,
                                          testing::alertmanager_config(bot_port, "t", "5s", false));
    int exit_code = 0;
    if (!start_incident(io, fake)) {
        std::fprintf(stderr, "the bot did not start an incident\n");
        exit_code = 1;
    } else {
        std::this_thread::sleep_for(seconds{2});  // Alertmanager up
        auto quiet = hindsight::bench::paced_ack_latencies(io, fake, 3000, "quiet", ts_of);
        auto storm_start = steady_clock::now();
        auto storm = std::async(std::launch::async, [&] { send_storm(am_port); });
        auto during = hindsight::bench::paced_ack_latencies(io, fake, 3000, "storm",
                                                            [](int i) { return ts_of(10000 + i); });
        storm.get();
        std::printf(
            "alert storm: chat ack latency at 1000/s, quiet: p50 %.2f ms p99 %.2f ms; during the storm: "
            "p50 %.2f ms p99 %.2f ms (max %.2f ms)\n",
            quiet.p50, quiet.p99, during.p50, during.p99, during.max);
        auto alert_entries = [&] {
            return testing::count_rows(db_path, "SELECT COUNT(*) FROM timeline_entries WHERE kind = 'alert'");
        };
        bool all = testing::wait_until([&] { return alert_entries() >= groups * per_group; }, seconds{120},
                                       milliseconds{20});
        double on_timeline = duration<double>(steady_clock::now() - storm_start).count();
        std::this_thread::sleep_for(seconds{6});  // a group_interval: any re-send would show by now
        std::printf(
            "alert storm: %d alerts in %d groups via Alertmanager: all on the timeline %.2f s after the "
            "first POST%s; entries %lld (each once: %s)\n",
            groups * per_group, groups, on_timeline, all ? "" : " (INCOMPLETE)",
            static_cast<long long>(alert_entries()), alert_entries() == groups * per_group ? "yes" : "NO");
    }
    kill(am, SIGTERM);
    testing::wait_for_bot(am);
    kill(bot, SIGTERM);
    auto ended = testing::wait_for_bot(bot);
    std::printf("alert storm: bot peak RSS %.1f MB (exit status %d)\n", ended.peak_rss_mb, ended.status);
    testing::on_io(io, [&] {
        fake.stop();
        return 0;
    });
    runner.stop();
    std::filesystem::remove_all(dir);
    return exit_code;
}
