// End to end: the real `hindsight run` binary against the in-process fake Mattermost, killed with SIGKILL in
// the middle of a burst of posts and pins, then started again on the same database. The new process gets a
// fresh WebSocket connection (the old connection_id died with it) and reads the incident channel back through
// REST. Nothing may be lost and nothing doubled. Slack (Socket Mode, against its fake) is configured in the
// same process: both platforms must come up.
// Usage: e2e_mattermost_kill path/to/hindsight
#include <boost/asio.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "loopback_client.hpp"
#include "support/child_process.hpp"
#include "support/e2e.hpp"
#include "support/fake_mattermost.hpp"
#include "support/fake_slack.hpp"

namespace asio = boost::asio;
using namespace std::chrono;
namespace testing = hindsight::testing;
using testing::fake_mattermost;

namespace {

testing::checklist check;

std::int64_t count(const std::string& db_path, const std::string& sql) {
    return testing::count_rows(db_path, sql);
}

unsigned short free_port() {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

constexpr const char* channel = "chan0000000000000000000001";
constexpr const char* alice = "alice000000000000000000001";

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s path/to/hindsight\n", argv[0]);
        return 2;
    }
    std::string binary = argv[1];
    auto dir = std::filesystem::temp_directory_path() / ("hindsight-mm-kill-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto db_path = (dir / "kill.db").string();

    asio::io_context io;
    fake_mattermost fake(io);
    fake.add_channel(channel, "O");
    // Slack is configured too: both platforms must come up in one process.
    testing::fake_slack slack(io);
    testing::io_runner runner(io);
    auto port = free_port();
    auto config_path = (dir / "kill.toml").string();
    {
        std::ofstream config(config_path);
        config << "log_level = \"warn\"\n[storage]\npath = \"" << db_path
               << "\"\n[http]\nlisten = \"127.0.0.1:" << port << "\"\n[mattermost]\npacing = false\n"
               << "[slack]\nmode = \"socket\"\napi_url = \"" << slack.api_url() << "\"\n";
    }
    std::vector<std::pair<std::string, std::string>> environment{{"MATTERMOST_URL", fake.url()},
                                                                 {"MATTERMOST_TOKEN", fake_mattermost::token},
                                                                 {"MATTERMOST_COMMAND_TOKEN", "cmd-token"},
                                                                 {"SLACK_BOT_TOKEN", "xoxb-test-token"},
                                                                 {"SLACK_APP_TOKEN", "xapp-test-token"}};
    constexpr int messages = 3000, pins = 300;
    constexpr std::size_t kill_after_reactions = 60;
    pid_t bot = testing::start_bot(binary, config_path, environment);
    bool killed = false;
    [&] {
        if (!testing::wait_until([&] { return testing::on_io(io, [&] { return fake.connected(); }); },
                                 seconds{20})) {
            check(false, "the bot connected");
            return;
        }
        check(
            testing::wait_until(
                [&] { return testing::on_io(io, [&] { return slack.sessions.size(); }) >= 1; }, seconds{20}),
            "Slack's Socket Mode connected in the same process");
        auto body = std::string("channel_id=") + channel +
                    "&channel_name=incidents&command=%2Fincident&team_id=" + fake_mattermost::team_id +
                    "&text=start+Kill+test&token=cmd-token&trigger_id=t1&user_id=" + alice;
        auto reply =
            testing::round_trip(port,
                                "POST /mattermost/command HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                "Authorization: Token cmd-token\r\nContent-Type: "
                                "application/x-www-form-urlencoded\r\nContent-Length: " +
                                    std::to_string(body.size()) + "\r\n\r\n" + body);
        check(reply.starts_with("HTTP/1.1 200"), "the slash command was accepted");
        check(testing::wait_until([&] { return fake.snapshot().posts_created >= 1; }, seconds{20}),
              "the incident was announced");
        // The burst goes out in slices so that the kill lands in the middle of it.
        std::atomic<int> sent{0};
        std::thread sender([&] {
            for (int slice = 0; slice < messages; slice += 100) {
                testing::on_io(io, [&] {
                    for (int i = slice; i < slice + 100; ++i) {
                        auto id = fake.post(channel, alice, "line " + std::to_string(i));
                        if (i % (messages / pins) == 0) fake.react(id, alice, "pushpin");
                    }
                    return 0;
                });
                sent = slice + 100;
                std::this_thread::sleep_for(milliseconds{5});
            }
        });
        killed = testing::wait_until([&] { return fake.snapshot().reactions >= kill_after_reactions; },
                                     seconds{30}, milliseconds{1});
        kill(bot, SIGKILL);
        auto ended = testing::wait_for_bot(bot);
        check(killed && ended.status == -SIGKILL, "the bot was killed with SIGKILL mid-burst");
        sender.join();
        std::printf("     pins confirmed before the kill: %zu of %d\n", fake.snapshot().reactions, pins);

        bot = testing::start_bot(binary, config_path, environment);
        bool all = testing::wait_until(
            [&] {
                return fake.snapshot().reactions >= pins &&
                       count(db_path, "SELECT COUNT(*) FROM inbox WHERE dedup_key LIKE 'post:%'") >= messages;
            },
            seconds{60}, milliseconds{50});
        check(all, "after the restart every post is recorded and every pin confirmed");
        std::this_thread::sleep_for(milliseconds{500});
        kill(bot, SIGTERM);
        check(testing::wait_for_bot(bot).status == 0, "the restarted bot stopped cleanly on SIGTERM");
        auto state = fake.snapshot();
        check(count(db_path, "SELECT COUNT(*) FROM inbox WHERE dedup_key LIKE 'post:%'") == messages,
              "every post is in the inbox exactly once");
        check(count(db_path, "SELECT COUNT(*) FROM timeline_entries WHERE message_id <> ''") == pins,
              "one timeline entry per pin");
        check(count(db_path, "SELECT COUNT(*) FROM incidents") == 1, "one incident");
        check(count(db_path, "SELECT COUNT(*) FROM timeline_entries WHERE platform <> 'mattermost'") == 0,
              "every timeline entry records the platform it came from (mattermost)");
        check(state.reactions == pins, "one ✅ per pin at Mattermost");
        check(state.catch_up_reads >= 1, "the restarted bot read the channel back through REST");
        std::printf("     reactions sent again after the kill: %zu\n", state.duplicate_reactions);
    }();
    if (!killed) kill(bot, SIGKILL);
    testing::on_io(io, [&] {
        fake.stop();
        slack.stop();
        return 0;
    });
    runner.stop();
    std::filesystem::remove_all(dir);
    std::printf("%s\n", check.failures ? "FAILED" : "passed");
    return check.failures ? 1 : 0;
}
