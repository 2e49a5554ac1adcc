// Mattermost benchmark (issue #4): the real `hindsight run` binary against the in-process fake Mattermost.
// After `/incident start`, 20 000 posts + 2 000 📌 reactions go out over the WebSocket as fast as it takes
// them; timed until every pin is confirmed by the bot's ✅ (and every post is in the inbox). Peak RSS of the
// bot. Prints figures; asserts nothing. Usage: bench_mattermost path/to/hindsight [workdir]
#include <boost/asio.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "loopback_client.hpp"
#include "support/child_process.hpp"
#include "support/e2e.hpp"
#include "support/fake_mattermost.hpp"

namespace asio = boost::asio;
using namespace std::chrono;
namespace testing = hindsight::testing;
using testing::fake_mattermost;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s path/to/hindsight [workdir]\n", argv[0]);
        return 2;
    }
    std::string binary = argv[1];
    auto dir = std::filesystem::path(argc > 2 ? argv[2] : std::filesystem::temp_directory_path().string()) /
               ("hindsight-mm-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto db_path = (dir / "bench.db").string();
    constexpr const char* channel = "chan0000000000000000000001";
    constexpr const char* alice = "alice000000000000000000001";

    asio::io_context io;
    fake_mattermost fake(io);
    fake.add_channel(channel, "O");
    testing::io_runner runner(io);
    unsigned short port = 0;
    {
        asio::io_context probe;
        asio::ip::tcp::acceptor acceptor(probe, {asio::ip::make_address("127.0.0.1"), 0});
        port = acceptor.local_endpoint().port();
    }
    auto config_path = (dir / "bench.toml").string();
    {
        std::ofstream config(config_path);
        config << "log_level = \"warn\"\n[storage]\npath = \"" << db_path
               << "\"\n[http]\nlisten = \"127.0.0.1:" << port << "\"\n[mattermost]\npacing = false\n";
    }
    auto bot = testing::start_bot(binary, config_path,
                                  {{"MATTERMOST_URL", fake.url()},
                                   {"MATTERMOST_TOKEN", fake_mattermost::token},
                                   {"MATTERMOST_COMMAND_TOKEN", "cmd-token"}});
    int exit_code = 0;
    [&] {
        if (!testing::wait_until([&] { return testing::on_io(io, [&] { return fake.connected(); }); },
                                 seconds{20})) {
            std::fprintf(stderr, "the bot did not connect\n");
            exit_code = 1;
            return;
        }
        auto body = std::string("channel_id=") + channel +
                    "&channel_name=incidents&command=%2Fincident&team_id=" + fake_mattermost::team_id +
                    "&text=start+Bench&token=cmd-token&trigger_id=t1&user_id=" + alice;
        testing::round_trip(
            port,
            "POST /mattermost/command HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            "Authorization: Token cmd-token\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body);
        if (!testing::wait_until([&] { return fake.snapshot().posts_created >= 1; }, seconds{20})) {
            std::fprintf(stderr, "the incident did not start\n");
            exit_code = 1;
            return;
        }
        constexpr int messages = 20000, pins = 2000;
        // The events are built before the clock starts: the fake's JSON is not the bot's time.
        testing::on_io(io, [&] {
            fake.hold_events();
            for (int i = 0; i < messages; ++i) {
                auto id = fake.post(channel, alice, "update " + std::to_string(i) + " from the war room");
                if (i % (messages / pins) == 0) fake.react(id, alice, "pushpin");
            }
            return 0;
        });
        auto start = steady_clock::now();
        testing::on_io(io, [&] {
            fake.release_events();
            return 0;
        });
        bool done = testing::wait_until([&] { return fake.snapshot().reactions >= pins; }, seconds{120},
                                        milliseconds{1});
        double confirmed = duration<double>(steady_clock::now() - start).count();
        auto recorded = [&] {
            return testing::count_rows(db_path, "SELECT COUNT(*) FROM inbox WHERE dedup_key LIKE 'post:%'");
        };
        testing::wait_until([&] { return recorded() >= messages; }, seconds{30}, milliseconds{20});
        std::printf(
            "mattermost burst: %d posts + %d pins: all pins "
            "confirmed in %.2f s%s; posts recorded %lld\n",
            messages, pins, confirmed, done ? "" : " (INCOMPLETE)", static_cast<long long>(recorded()));
    }();
    kill(bot, SIGTERM);
    auto ended = testing::wait_for_bot(bot);
    std::printf("mattermost: bot peak RSS %.1f MB (exit status %d)\n", ended.peak_rss_mb, ended.status);
    testing::on_io(io, [&] {
        fake.stop();
        return 0;
    });
    runner.stop();
    std::filesystem::remove_all(dir);
    return exit_code;
}
