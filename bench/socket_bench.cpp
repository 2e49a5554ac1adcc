// Slack Socket Mode benchmark (issue #3): the real `hindsight run` binary as a child process against the
// in-process fake Slack on loopback. Prints figures; asserts nothing.
//   burst:  after `/incident start`, 20 000 channel messages + 2 000 📌 reactions sent as fast as the socket
//           takes them; timed until every envelope is acked and every pin is confirmed by the bot's ✅.
//           Also: history fetches (should be 0: every pinned message was seen live) and the bot's peak RSS.
//   paced:  5 000 messages at 1 000 per second; ack latency p50/p99 (send → ack, as the fake sees it).
// Usage: bench_socket path/to/hindsight [workdir]
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <thread>

#include "paced_acks.hpp"
#include "support/child_process.hpp"
#include "support/fake_slack.hpp"

namespace asio = boost::asio;
using namespace std::chrono;
using hindsight::testing::fake_slack;
using hindsight::testing::on_io;
using hindsight::testing::wait_until;
namespace testing = hindsight::testing;

namespace {

std::string ts_of(int i) {
    return std::to_string(1700000000 + i / 1000) + "." + std::to_string(100000 + i);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s path/to/hindsight [workdir]\n", argv[0]);
        return 2;
    }
    std::string binary = argv[1];
    auto dir = std::filesystem::path(argc > 2 ? argv[2] : std::filesystem::temp_directory_path().string()) /
               ("hindsight-socket-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);

    asio::io_context io;
    fake_slack fake(io);
    testing::io_runner runner(io);

    auto config_path = (dir / "bench.toml").string();
    {
        std::ofstream config(config_path);
        config << "log_level = \"warn\"\n[storage]\npath = \"" << (dir / "bench.db").string()
               << "\"\n[http]\nlisten = \"127.0.0.1:0\"\n[slack]\nmode = \"socket\"\npacing = false\napi_url "
                  "= \""
               << fake.api_url() << "\"\n";
    }
    auto bot =
        testing::start_bot(binary, config_path,
                           {{"SLACK_BOT_TOKEN", "xoxb-test-token"}, {"SLACK_APP_TOKEN", "xapp-test-token"}});
    int exit_code = 0;
    [&] {
        if (!wait_until([&] { return on_io(io, [&] { return fake.sessions.size(); }) == 1; }, seconds{20})) {
            std::fprintf(stderr, "the bot did not connect\n");
            exit_code = 1;
            return;
        }
        on_io(io, [&] {
            fake.send_envelope(
                fake.latest(), "start",
                testing::slash_command_envelope("start", "C111", "U1", "start Bench sev2", "1.2.3"));
            return 0;
        });
        if (!wait_until(
                [&] {
                    for (const auto& call : fake.snapshot().calls)
                        if (call.method == "chat.postMessage" && call.body.find("INC-1") != std::string::npos)
                            return true;
                    return false;
                },
                seconds{20})) {
            std::fprintf(stderr, "the incident did not start\n");
            exit_code = 1;
            return;
        }

        constexpr int messages = 20000, pins = 2000;
        auto acks_before = fake.ack_count();
        auto reactions_before = fake.reaction_count();
        // The frames are built before the clock starts: the fake's JSON is not the bot's time.
        std::vector<std::pair<std::string, std::string>> frames;
        for (int i = 0; i < messages; ++i) {
            auto n = std::to_string(i);
            frames.emplace_back(
                "m" + n, testing::message_envelope("m" + n, "Evm" + n, "C111", "U" + std::to_string(i % 40),
                                                   ts_of(i), "update " + n + " from the war room"));
            if (i % (messages / pins) == 0)
                frames.emplace_back("p" + n, testing::reaction_envelope("p" + n, "Evp" + n, "C111", "U7",
                                                                        ts_of(i), "pushpin"));
        }
        auto start = steady_clock::now();
        on_io(io, [&] {
            auto session = fake.latest();
            for (auto& [id, frame] : frames) fake.send_envelope(session, id, std::move(frame));
            return 0;
        });
        double acked_at = 0;
        bool done = wait_until(
            [&] {
                if (acked_at == 0 && fake.ack_count() - acks_before >= messages + pins)
                    acked_at = duration<double>(steady_clock::now() - start).count();
                return acked_at > 0 && fake.reaction_count() - reactions_before >= pins;
            },
            seconds{120}, milliseconds{1});
        double confirmed_at = duration<double>(steady_clock::now() - start).count();
        auto state = fake.snapshot();
        std::printf(
            "socket burst: %d messages + %d pins: all acked in %.2f s, all pins confirmed in %.2f s%s\n",
            messages, pins, acked_at, confirmed_at, done ? "" : " (INCOMPLETE)");
        std::printf("socket burst: history fetches %d, connections %d\n", state.history_fetches,
                    state.connections_opened);

        // Paced: one message per millisecond; latency from send to ack.
        auto paced = hindsight::bench::paced_ack_latencies(io, fake, 5000, "q",
                                                           [](int i) { return ts_of(messages + i); });
        if (paced.count > 0)
            std::printf(
                "socket paced: %zu messages at 1000/s: ack latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                paced.count, paced.p50, paced.p99, paced.max);
    }();

    kill(bot, SIGTERM);
    auto ended = testing::wait_for_bot(bot);
    std::printf("socket: bot peak RSS %.1f MB (exit status %d)\n", ended.peak_rss_mb, ended.status);
    on_io(io, [&] {
        fake.stop();
        return 0;
    });
    runner.stop();
    std::filesystem::remove_all(dir);
    return exit_code;
}
