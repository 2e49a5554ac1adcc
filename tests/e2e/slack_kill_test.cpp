// End to end: the real `hindsight run` binary over Socket Mode against the in-process fake Slack, killed with
// SIGKILL in the middle of a burst (envelopes received but not yet acked, batches committed but not acked,
// reactions sent but not marked), then started again on the same database. The fake redelivers everything
// unacked, as Slack does. Nothing may be lost and nothing doubled.
// Usage: e2e_slack_kill path/to/hindsight
#include <algorithm>
#include <boost/asio.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "support/child_process.hpp"
#include "support/e2e.hpp"
#include "support/fake_slack.hpp"

namespace asio = boost::asio;
using namespace std::chrono;
namespace testing = hindsight::testing;

namespace {

testing::checklist check;

std::int64_t count(const std::string& db_path, const std::string& sql) {
    return testing::count_rows(db_path, sql);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s path/to/hindsight\n", argv[0]);
        return 2;
    }
    std::string binary = argv[1];
    auto dir = std::filesystem::temp_directory_path() / ("hindsight-kill-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto db_path = (dir / "kill.db").string();

    asio::io_context io;
    testing::fake_slack fake(io);
    testing::io_runner runner(io);
    auto config_path = (dir / "kill.toml").string();
    {
        std::ofstream config(config_path);
        config << "log_level = \"warn\"\n[storage]\npath = \"" << db_path
               << "\"\n[http]\nlisten = \"127.0.0.1:0\"\n[slack]\nmode = \"socket\"\npacing = false\napi_url "
                  "= \""
               << fake.api_url() << "\"\n";
    }
    std::vector<std::pair<std::string, std::string>> environment{{"SLACK_BOT_TOKEN", "xoxb-test-token"},
                                                                 {"SLACK_APP_TOKEN", "xapp-test-token"}};

    constexpr int messages = 6000, pins = 600;
    constexpr std::size_t kill_after_acks = 2500;
    pid_t bot = testing::start_bot(binary, config_path, environment);
    std::atomic<bool> killed{false};
    [&] {
        if (!testing::wait_until(
                [&] { return testing::on_io(io, [&] { return fake.sessions.size(); }) == 1; }, seconds{20})) {
            check(false, "the bot connected");
            return;
        }
        testing::on_io(io, [&] {
            fake.send_envelope(
                fake.latest(), "start",
                testing::slash_command_envelope("start", "C111", "U1", "start Kill test sev2", "1.2.3"));
            return 0;
        });
        check(testing::wait_until([&] { return fake.ack_count() == 1; }, seconds{20}),
              "the start command was acked");
        // SIGKILL from inside the fake, the moment the 2 500th ack of the burst arrives: the bot is mid-burst
        // with envelopes read, committed or acked in every mix.
        testing::on_io(io, [&] {
            auto acks = std::make_shared<std::size_t>(0);
            fake.on_ack = [&, acks](const std::string&) {
                if (++*acks == kill_after_acks && !killed.exchange(true)) kill(bot, SIGKILL);
            };
            auto session = fake.latest();
            for (int i = 0; i < messages; ++i) {
                auto n = std::to_string(i);
                auto ts = "1700000100." + std::to_string(100000 + i);
                fake.send_envelope(
                    session, "m" + n,
                    testing::message_envelope("m" + n, "Evm" + n, "C111", "U1", ts, "line " + n));
                if (i % (messages / pins) == 0)
                    fake.send_envelope(
                        session, "p" + n,
                        testing::reaction_envelope("p" + n, "Evp" + n, "C111", "U2", ts, "pushpin"));
            }
            return 0;
        });
        check(testing::wait_until([&] { return killed.load(); }, seconds{30}),
              "the bot was killed mid-burst");
        auto ended = testing::wait_for_bot(bot);
        check(ended.status == -SIGKILL, "it died of SIGKILL");
        auto acked_before = fake.ack_count();
        std::printf("     acked before the kill: %zu of %d\n", acked_before, 1 + messages + pins);
        check(acked_before < 1 + messages + pins, "some envelopes were still unacked at the kill");

        bot = testing::start_bot(binary, config_path, environment);
        std::set<std::string> acked;
        bool all = testing::wait_until(
            [&] {
                auto state = fake.snapshot();
                acked = std::set<std::string>(state.acks.begin(), state.acks.end());
                return acked.size() == 1 + messages + pins && state.reactions >= pins;
            },
            seconds{60}, milliseconds{20});
        check(all, "after the restart every envelope is acked and every pin confirmed");
        std::this_thread::sleep_for(milliseconds{500});  // anything doubled shows up by now
        kill(bot, SIGTERM);
        check(testing::wait_for_bot(bot).status == 0, "the restarted bot stopped cleanly on SIGTERM");
        auto state = fake.snapshot();
        check(state.connections_opened == 2, "two connections: one per run");
        check(count(db_path, "SELECT COUNT(*) FROM inbox WHERE dedup_key LIKE 'Evm%'") == messages,
              "every message is in the inbox exactly once");
        check(count(db_path, "SELECT COUNT(*) FROM inbox WHERE dedup_key LIKE 'Evp%'") == pins,
              "every pin is in the inbox exactly once");
        check(count(db_path, "SELECT COUNT(*) FROM timeline_entries WHERE message_id <> ''") == pins,
              "one timeline entry per pin");
        check(count(db_path, "SELECT COUNT(*) FROM incidents") == 1, "one incident");
        check(count(db_path, "SELECT COUNT(*) FROM timeline_entries WHERE platform <> 'slack'") == 0,
              "every timeline entry records the platform it came from (slack)");
        check(state.reactions == pins, "one ✅ per pin at Slack");
        std::printf("     reactions sent again after the kill (answered already_reacted): %zu\n",
                    state.duplicate_reactions);
        check(state.history_fetches == 0, "no history fetches");

        // A 429 storm on chat.postMessage, and a kill in the middle of it: every reply is posted once, and
        // while Slack says wait, the bot waits (one call per Retry-After, not one per waiting message).
        bot = testing::start_bot(binary, config_path, environment);
        fake.rate_limit_posts = 1000000;
        constexpr int storm_commands = 6;
        testing::on_io(io, [&] {
            for (int i = 1; i <= storm_commands; ++i)
                fake.send_envelope(fake.latest(), "storm" + std::to_string(i),
                                   testing::slash_command_envelope("storm" + std::to_string(i), "C111", "U1",
                                                                   "title Storm title " + std::to_string(i),
                                                                   "9.9." + std::to_string(i)));
            return 0;
        });
        check(testing::wait_until([&] { return fake.snapshot().posts_rate_limited >= 1; }, seconds{20}),
              "the storm reached the bot");
        std::this_thread::sleep_for(milliseconds{2500});
        auto limited = fake.snapshot().posts_rate_limited;
        std::printf(
            "     chat.postMessage calls answered 429 in about 2.5 s of storm: %zu (replies waiting: %d)\n",
            limited, storm_commands);
        check(limited < storm_commands, "during the storm the bot waited instead of trying every message");
        kill(bot, SIGKILL);
        testing::wait_for_bot(bot);
        fake.rate_limit_posts = 0;
        bot = testing::start_bot(binary, config_path, environment);
        auto announced = [&](int i) {
            int found = 0;
            for (const auto& call : fake.snapshot().calls)
                if (call.method == "chat.postMessage" &&
                    call.body.find("Storm title " + std::to_string(i) + "\"") != std::string::npos &&
                    call.body.find("set by") != std::string::npos)
                    ++found;
            return found;
        };
        bool delivered = testing::wait_until(
            [&] {
                for (int i = 1; i <= storm_commands; ++i)
                    if (announced(i) == 0) return false;
                return true;
            },
            seconds{60}, milliseconds{50});
        check(delivered, "after the storm and a restart every reply was posted");
        std::this_thread::sleep_for(milliseconds{500});
        bool once = true;
        for (int i = 1; i <= storm_commands; ++i) once = once && announced(i) == 1;
        check(once, "and each exactly once");

        // An envelope that cannot be decoded is still acked (else Slack resends it forever), and the
        // connection goes on.
        testing::on_io(io, [&] {
            fake.latest()->send(R"({"envelope_id":"unreadable-1","type":"events_api","payload":{)");
            return 0;
        });
        check(testing::wait_until(
                  [&] {
                      auto acks = fake.snapshot().acks;
                      return std::find(acks.begin(), acks.end(), "unreadable-1") != acks.end();
                  },
                  seconds{20}),
              "an undecodable envelope with an id is acked");
        // A disconnect with a reason the bot has never heard of: make before break, a new connection first,
        // and the old one closed only after its hello.
        auto before = testing::on_io(io, [&] { return fake.sessions.size(); });
        auto old_open_at_new_hello = std::make_shared<std::atomic<int>>(-1);
        testing::on_io(io, [&] {
            // Asked as the new connection gets its hello, on the fake's own thread: no polling race.
            fake.on_connection = [&fake, old_open_at_new_hello](std::shared_ptr<testing::fake_ws_session>) {
                auto n = fake.sessions.size();
                *old_open_at_new_hello = n >= 2 && fake.sessions[n - 2]->is_open() ? 1 : 0;
            };
            fake.latest()->send(R"({"type":"disconnect","reason":"socket_mode_maintenance"})");
            return 0;
        });
        bool replaced = testing::wait_until(
            [&] { return testing::on_io(io, [&] { return fake.sessions.size(); }) == before + 1; },
            seconds{20});
        check(replaced, "a disconnect with an unknown reason opens a new connection");
        check(*old_open_at_new_hello == 1, "the old connection was still open when the new one said hello");
        check(testing::wait_until(
                  [&] { return !testing::on_io(io, [&] { return fake.sessions[before - 1]->is_open(); }); },
                  seconds{20}),
              "and the old connection is closed once the new one is up");
        testing::on_io(io, [&] {
            fake.send_envelope(fake.latest(), "after-handover",
                               testing::message_envelope("after-handover", "Evafter", "C111", "U1",
                                                         "1700000900.000001", "after the handover"));
            return 0;
        });
        check(testing::wait_until(
                  [&] {
                      auto acks = fake.snapshot().acks;
                      return std::find(acks.begin(), acks.end(), "after-handover") != acks.end();
                  },
                  seconds{20}),
              "events on the new connection are recorded and acked");
        kill(bot, SIGTERM);
        check(testing::wait_for_bot(bot).status == 0, "the third run stopped cleanly on SIGTERM");
    }();
    if (!killed) kill(bot, SIGKILL);
    testing::on_io(io, [&] {
        fake.on_ack = nullptr;
        fake.on_connection = nullptr;
        fake.stop();
        return 0;
    });
    runner.stop();
    std::filesystem::remove_all(dir);
    std::printf("%s\n", check.failures ? "FAILED" : "passed");
    return check.failures ? 1 : 0;
}
