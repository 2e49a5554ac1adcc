// Mattermost against the in-process fake on loopback: the slash command with its token, events over the
// WebSocket captured exactly once across a dropped socket (replay), a sequence gap (replay) and a lost
// connection (a new connection_id, REST catch-up); replies through REST with Markdown, defused mentions,
// a 429, and ephemeral posts falling back to direct messages.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <boost/asio.hpp>
#include <filesystem>
#include <thread>

#include "bot/app/app.hpp"
#include "bot/mattermost/platform.hpp"
#include "bot/mattermost/wire.hpp"
#include "loopback_client.hpp"
#include "support/child_process.hpp"
#include "support/fake_mattermost.hpp"
#include "support/tls_front.hpp"

namespace asio = boost::asio;
using namespace hindsight;
using namespace std::chrono;
using testing::fake_mattermost;

namespace {

constexpr const char* channel = "chan0000000000000000000001";
constexpr const char* alice = "alice000000000000000000001";
constexpr const char* command_token = "mm-command-token";

struct mattermost_rig {
    std::string path;
    config::settings cfg;
    asio::io_context io;
    fake_mattermost fake{io};
    std::unique_ptr<storage::database> db;
    bot::clock time;
    std::unique_ptr<bot::app> application;
    std::unique_ptr<bot::mattermost_platform> mattermost;
    std::unique_ptr<bot::http_server> server;
    std::thread runner;

    explicit mattermost_rig(const std::string& name)
        : path((std::filesystem::temp_directory_path() /
                ("hindsight-mm-" + name + "-" + std::to_string(::getpid()) + ".db"))
                   .string()),
          cfg(config::default_settings([](const std::string&) { return std::nullopt; })) {
        std::filesystem::remove(path);
        cfg.secret.mattermost_url = fake.url();
        cfg.secret.mattermost_token = fake_mattermost::token;
        cfg.secret.mattermost_command_token = command_token;
        cfg.mattermost.pacing = false;
        fake.add_channel(channel, "O");
    }

    // The bot reaches the fake through a TLS front (REST and the WebSocket share its port) and verifies it
    // against the test CA.
    std::unique_ptr<testing::tls_front> front;
    void use_tls() {
        std::string certs = std::string(HINDSIGHT_SOURCE_DIR) + "/tests/certs";
        front = std::make_unique<testing::tls_front>(io, fake.port(), certs);
        cfg.secret.mattermost_url = "https://127.0.0.1:" + std::to_string(front->port());
        cfg.tls.ca_file = certs + "/ca.pem";
    }

    void start() {
        db = std::make_unique<storage::database>(path);
        application = std::make_unique<bot::app>(io, *db, cfg, time, "mattermost");
        mattermost = std::make_unique<bot::mattermost_platform>(io, cfg, time, application->stats());
        std::optional<std::string> refused = std::string("not run");
        asio::co_spawn(io, mattermost->connect(), [&](std::exception_ptr, result<void> outcome) {
            refused = outcome ? std::nullopt : std::optional(outcome.failure().message);
        });
        for (int i = 0; i < 500 && refused && *refused == "not run"; ++i) io.run_for(milliseconds{10});
        REQUIRE_FALSE(refused);
        REQUIRE(mattermost->workspaces().front().first == fake_mattermost::team_id);
        application->add_platform(*mattermost);
        server = std::make_unique<bot::http_server>(io, "127.0.0.1:0", bot::http_limits{});
        mattermost->add_routes(*server);
        asio::co_spawn(io, server->run(), asio::detached);
        bot::spawn_logged(io, application->run_worker(), "worker");
        bot::spawn_logged(io, application->run_imports(), "imports");
        bot::spawn_logged(io, mattermost->run(application->sink()), "mattermost");
        io.restart();
        runner = std::thread([this] { io.run_for(seconds{60}); });
    }

    template <class F>
    auto on_io(F f) {
        return testing::on_io(io, std::move(f));
    }
    template <class Predicate>
    bool wait_until(Predicate ready, milliseconds limit = milliseconds{15000}) {
        return testing::wait_until(std::move(ready), limit, milliseconds{20});
    }
    std::int64_t count(const std::string& sql) {
        return on_io([&] { return db->handle().execAndGet(sql).getInt64(); });
    }
    std::string command(const std::string& text, const std::string& token, const std::string& trigger_id) {
        auto body = "channel_id=" + std::string(channel) +
                    "&channel_name=incidents&command=%2Fincident&team_id=" + fake_mattermost::team_id +
                    "&team_domain=ops&text=" + text + "&token=" + token + "&trigger_id=" + trigger_id +
                    "&user_id=" + alice + "&user_name=alice";
        return hindsight::testing::round_trip(
            server->port(),
            "POST /mattermost/command HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Token " +
                token + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body);
    }
    void stop() {
        if (!runner.joinable()) return;
        asio::post(io, [this] {
            application->stop();
            mattermost->stop();
            server->stop();
            fake.stop();
            if (front) front->stop();
        });
        std::this_thread::sleep_for(milliseconds{50});
        io.stop();
        runner.join();
    }
    ~mattermost_rig() {
        stop();
        mattermost.reset();
        application.reset();
        server.reset();
        db.reset();
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    }
};

// Posts i in [from, to) as alice, pinning every fifth; returns the post ids.
std::vector<std::string> burst(fake_mattermost& fake, int from, int to) {
    std::vector<std::string> ids;
    for (int i = from; i < to; ++i) {
        ids.push_back(fake.post(channel, alice, "update " + std::to_string(i) + " @channel"));
        if (i % 5 == 0) fake.react(ids.back(), alice, "pushpin");
    }
    return ids;
}

}  // namespace

TEST_CASE("Mattermost: slash command, capture exactly once across a drop, a gap and a lost connection") {
    // Plain, then through verified TLS (https:// REST, wss:// WebSocket) with the test CA.
    bool over_tls = GENERATE(false, true);
    INFO("over TLS: " << over_tls);
    mattermost_rig rig(over_tls ? "flow-tls" : "flow");
    if (over_tls) rig.use_tls();
    rig.start();
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.connected(); }); }));

    CHECK(rig.command("start+DB+down+sev2", "wrong-token", "t0").starts_with("HTTP/1.1 401"));
    auto accepted = rig.command("start+DB+down+sev2", command_token, "t1");
    CHECK(accepted.starts_with("HTTP/1.1 200"));
    CHECK(accepted.ends_with("{}"));  // a silent acknowledgement: the bot answers with its own post
    REQUIRE(rig.wait_until([&] { return rig.count("SELECT COUNT(*) FROM incidents") == 1; }));
    CHECK(rig.application->stats().value("hindsight_mattermost_rejected_total",
                                         "reason=\"wrong command token\"") == 1);

    rig.on_io([&] {
        burst(rig.fake, 0, 100);
        rig.fake.drop();  // the socket dies mid-burst: reconnect with connection_id + sequence_number, replay
        burst(rig.fake, 100, 150);
        return 0;
    });
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.connected(); }); }));
    rig.on_io([&] {
        burst(rig.fake, 150, 200);
        rig.fake.lose_next_event();  // a gap in seq: the bot reconnects and the server replays it
        burst(rig.fake, 200, 250);
        return 0;
    });
    REQUIRE(rig.wait_until([&] { return rig.fake.snapshot().resumed >= 2; }));
    rig.on_io([&] {
        // The server loses our connection while we are away: a new connection_id, and a REST catch-up.
        rig.fake.forget_connection();
        rig.fake.drop();
        burst(rig.fake, 250, 300);
        return 0;
    });
    constexpr std::int64_t messages = 300, pins = 60;
    REQUIRE(rig.wait_until([&] {
        return rig.count("SELECT COUNT(*) FROM inbox WHERE dedup_key LIKE 'post:%'") == messages &&
               rig.count("SELECT COUNT(*) FROM timeline_entries WHERE message_id <> ''") == pins &&
               rig.fake.snapshot().reactions == pins;
    }));
    std::this_thread::sleep_for(milliseconds{300});
    CHECK(rig.count("SELECT COUNT(*) FROM timeline_entries WHERE message_id <> ''") == pins);
    auto state = rig.fake.snapshot();
    CHECK(state.reactions == pins);
    CHECK(state.duplicate_reactions == 0);
    CHECK(state.hellos == 2);          // the first connection and the one after the loss
    CHECK(state.resumed >= 2);         // the drop and the gap were replayed
    CHECK(state.catch_up_reads >= 1);  // after the loss (at start there was no incident yet)
    // Every WebSocket upgrade after the first asked to resume.
    for (std::size_t i = 1; i < state.upgrade_queries.size(); ++i)
        CHECK(state.upgrade_queries[i].find("connection_id=") != std::string::npos);
    bool announced = false;
    for (const auto& call : state.calls) {
        if (call.method == "POST /posts" && call.body.find("INC-1") != std::string::npos) {
            announced = true;
            CHECK(call.body.find("\"pending_post_id\": \"hindsight-") != std::string::npos);
            CHECK(call.body.find("**") != std::string::npos);  // Mattermost bold
        }
        // Echoed user text never pings the channel.
        CHECK(call.body.find("@channel") == std::string::npos);
    }
    CHECK(announced);
    CHECK(rig.application->stats().value("hindsight_mattermost_sequence_gaps_total") >= 1);
}

TEST_CASE("Mattermost: own posts are never captured; ephemeral replies fall back to DMs; 429 is retried") {
    mattermost_rig rig("replies");
    rig.fake.rate_limit_posts = 1;
    rig.start();
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.connected(); }); }));
    CHECK(rig.command("start+Cache+stampede", command_token, "t1").starts_with("HTTP/1.1 200"));
    REQUIRE(rig.wait_until([&] { return rig.count("SELECT COUNT(*) FROM incidents") == 1; }));
    rig.on_io([&] {
        rig.fake.post(channel, fake_mattermost::bot_id, "!tl from the bot itself");
        // Malformed payloads in numbered events: counted, skipped, and the sequence goes on without a gap.
        rig.fake.send_event("posted", channel, R"({"post":"{broken","channel_type":"O"})");
        rig.fake.send_event("reaction_added", channel, R"({"reaction":42})");
        rig.fake.send_event("something_new", channel, R"({"x":1})");
        rig.fake.post(channel, alice, "!tl from a person");
        return 0;
    });
    REQUIRE(rig.wait_until(
        [&] { return rig.count("SELECT COUNT(*) FROM timeline_entries WHERE message_id <> ''") == 1; }));
    CHECK(rig.count("SELECT COUNT(*) FROM timeline_entries WHERE text LIKE '%bot itself%'") == 0);
    CHECK(rig.application->stats().value("hindsight_mattermost_sequence_gaps_total") == 0);
    CHECK(rig.fake.snapshot().hellos == 1);  // no reconnect over them
    // An unknown sub-command answers the caller alone: ephemeral is refused (403), so a direct message.
    CHECK(rig.command("frobnicate", command_token, "t2").starts_with("HTTP/1.1 200"));
    REQUIRE(rig.wait_until([&] {
        for (const auto& call : rig.fake.snapshot().calls)
            if (call.method == "POST /posts" && call.body.find("\"channel_id\": \"dm-") != std::string::npos)
                return true;
        return false;
    }));
    // A "Done"-style button: signed context runs its command; a forged one is refused.
    auto click = [&](const std::string& command, const std::string& signature) {
        auto body = R"({"user_id":")" + std::string(alice) + R"(","channel_id":")" + channel +
                    R"(","team_id":"t","post_id":"p1","trigger_id":"tr-)" + command +
                    R"(","type":"button","context":{"command":")" + command + R"(","signature":")" +
                    signature + R"("}})";
        return hindsight::testing::round_trip(
            rig.server->port(),
            "POST /mattermost/actions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            "Content-Type: application/json\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body);
    };
    CHECK(click("status", mattermost::action_signature(fake_mattermost::token, "status", channel))
              .starts_with("HTTP/1.1 200"));
    CHECK(click("resolve", mattermost::action_signature(fake_mattermost::token, "status", channel))
              .starts_with("HTTP/1.1 403"));
    REQUIRE(rig.wait_until(
        [&] { return rig.count("SELECT COUNT(*) FROM inbox WHERE dedup_key = 'btn:tr-status'") == 1; }));
    CHECK(rig.count("SELECT COUNT(*) FROM inbox WHERE dedup_key = 'btn:tr-resolve'") == 0);
    CHECK(rig.application->stats().value("hindsight_mattermost_rejected_total", "reason=\"forged action\"") ==
          1);
    auto state = rig.fake.snapshot();
    int ephemeral_attempts = 0;
    for (const auto& call : state.calls) ephemeral_attempts += call.method == "POST /posts/ephemeral";
    CHECK(ephemeral_attempts == 1);
    CHECK(rig.application->stats().value("hindsight_mattermost_429_total") == 1);
}

TEST_CASE("Mattermost: --new-channel creates and adds the caller, patches the declaration, dialogs answer") {
    mattermost_rig rig("channel");
    rig.use_tls();
    rig.cfg.mattermost.actions_url = "http://127.0.0.1:9/mattermost/actions";
    rig.start();
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.connected(); }); }));
    CHECK(rig.command("start+Checkout+down+--new-channel", command_token, "t1").starts_with("HTTP/1.1 200"));
    auto calls_to = [&](const std::string& prefix) {
        std::vector<testing::mattermost_call> out;
        for (auto& call : rig.fake.snapshot().calls)
            if (call.method.starts_with(prefix)) out.push_back(call);
        return out;
    };
    REQUIRE(rig.wait_until([&] { return calls_to("POST /channels/c").size() == 1; }));
    auto created = calls_to("POST /channels")[0];
    CHECK(created.body.find("checkout-down") != std::string::npos);
    CHECK(created.body.find(R"("type": "O")") != std::string::npos);
    auto member = calls_to("POST /channels/c")[0];
    CHECK(member.method.ends_with("/members"));
    CHECK(member.body.find(alice) != std::string::npos);
    auto new_channel = member.method.substr(std::string("POST /channels/").size(), 26);
    REQUIRE(rig.wait_until([&] {
        return rig.count("SELECT COUNT(*) FROM incidents WHERE channel = '" + new_channel + "'") == 1;
    }));
    // The declaration goes to the new channel; a change edits it through a patch of that post.
    REQUIRE(rig.wait_until([&] {
        for (const auto& post : calls_to("POST /posts"))
            if (post.body.find(new_channel) != std::string::npos &&
                post.body.find("INC-1: Checkout down") != std::string::npos)
                return true;
        return false;
    }));
    auto click = [&](const std::string& body) {
        return hindsight::testing::round_trip(
            rig.server->port(),
            "POST /mattermost/actions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            "Content-Type: application/json\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body);
    };
    // A signed "sev 1" button in the new channel: the click runs it, and the declaration is patched.
    nlohmann::json sev{
        {"user_id", alice},
        {"channel_id", new_channel},
        {"team_id", fake_mattermost::team_id},
        {"post_id", "p1"},
        {"trigger_id", "tr-sev"},
        {"type", "button"},
        {"context",
         {{"command", "sev 1"},
          {"signature", mattermost::action_signature(fake_mattermost::token, "sev 1", new_channel)}}}};
    CHECK(click(sev.dump()).starts_with("HTTP/1.1 200"));
    REQUIRE(rig.wait_until([&] { return calls_to("PUT /posts/").size() == 1; }));
    auto patch = calls_to("PUT /posts/")[0];
    CHECK(patch.method.ends_with("/patch"));
    CHECK(patch.body.find("(sev1)") != std::string::npos);
    // An ask button: the click opens a dialog with a signed state; its submission runs `note <text>`.
    nlohmann::json ask{
        {"user_id", alice},
        {"channel_id", new_channel},
        {"team_id", fake_mattermost::team_id},
        {"post_id", "p2"},
        {"trigger_id", "tr-ask"},
        {"type", "button"},
        {"context",
         {{"command", "note"},
          {"prompt", "What happened?"},
          {"label", "Add a note"},
          {"signature", mattermost::action_signature(fake_mattermost::token, "note", new_channel)}}}};
    CHECK(click(ask.dump()).starts_with("HTTP/1.1 200"));
    auto opened = calls_to("POST /actions/dialogs/open");
    REQUIRE(opened.size() == 1);
    auto dialog = nlohmann::json::parse(opened[0].body);
    CHECK(dialog["trigger_id"] == "tr-ask");
    CHECK(dialog["url"] == rig.cfg.mattermost.actions_url);
    nlohmann::json submit{{"type", "dialog_submission"},
                          {"callback_id", dialog["dialog"]["callback_id"]},
                          {"state", dialog["dialog"]["state"]},
                          {"user_id", alice},
                          {"channel_id", new_channel},
                          {"team_id", fake_mattermost::team_id},
                          {"submission", {{"text", "rolled back 4.2"}}},
                          {"cancelled", false}};
    CHECK(click(submit.dump()).starts_with("HTTP/1.1 200"));
    REQUIRE(rig.wait_until([&] {
        return rig.count(
                   "SELECT COUNT(*) FROM timeline_entries WHERE kind = 'note' AND text = 'rolled back "
                   "4.2'") == 1;
    }));
    // A forged state is refused and counted.
    auto forged = nlohmann::json::parse(dialog["dialog"]["state"].get<std::string>());
    forged["command"] = "resolve";
    submit["state"] = forged.dump();
    CHECK(click(submit.dump()).starts_with("HTTP/1.1 403"));
    CHECK(rig.application->stats().value("hindsight_mattermost_rejected_total", "reason=\"forged action\"") ==
          1);
    CHECK(rig.on_io([&] { return rig.front->handshakes(); }) >= 2);  // REST and the WebSocket
}

TEST_CASE("Mattermost: a create whose reply was lost is not made twice") {
    mattermost_rig rig("orphan");
    rig.fake.lose_next_create_reply = true;
    rig.start();
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.connected(); }); }));
    CHECK(rig.command("start+Queue+stuck+--new-channel", command_token, "t1").starts_with("HTTP/1.1 200"));
    REQUIRE(rig.wait_until([&] {
        return rig.count("SELECT COUNT(*) FROM incidents WHERE channel LIKE 'c%' AND channel <> '" +
                         std::string(channel) + "'") == 1;
    }));
    int creates = 0, lookups = 0;
    std::string member_call;
    for (const auto& call : rig.fake.snapshot().calls) {
        creates += call.method == "POST /channels";
        lookups += call.method.starts_with("GET /teams/");
        if (call.method.ends_with("/members")) member_call = call.method;
    }
    CHECK(creates == 2);  // the lost one, and the retry that found the name taken
    CHECK(lookups == 1);  // … and recognised the channel as its own
    auto bound =
        rig.on_io([&] { return rig.db->handle().execAndGet("SELECT channel FROM incidents").getString(); });
    CHECK(member_call == "POST /channels/" + bound + "/members");
    // The announcement names the channel as it is, in the public channel where it was declared.
    REQUIRE(rig.wait_until([&] {
        for (const auto& call : rig.fake.snapshot().calls)
            if (call.method == "POST /posts" && call.body.find(channel) != std::string::npos &&
                call.body.find("It is handled in #inc-") != std::string::npos &&
                call.body.find("queue-stuck.") != std::string::npos)
                return true;
        return false;
    }));
}

TEST_CASE("Mattermost: import reads ?since=, pages on past the server's 1000, across a 429, once") {
    mattermost_rig rig("import");
    auto now_ms = domain::to_millis(rig.time.now());
    // 1100 posts from before the bot was there, one every 5 s over the last ~92 minutes: one pinned by two
    // people, one with the capture prefix, a thread whose reply is pinned. One older than the window.
    std::string root;
    for (int i = 0; i < 1100; ++i) {
        auto at = now_ms - 5600000 + i * 5000;
        std::vector<std::pair<std::string, std::string>> marks;
        if (i == 10) marks = {{"bob00000000000000000000001", "pushpin"}, {alice, "pushpin"}};
        std::string text = i == 20 ? "!tl failover started" : "talk " + std::to_string(i);
        if (i == 41) {
            rig.fake.seed_post(channel, "bob00000000000000000000001", "the pool is at 5", at,
                               {{alice, "pushpin"}}, root);
            continue;
        }
        auto id = rig.fake.seed_post(channel, alice, text, at, marks);
        if (i == 40) root = id;
    }
    rig.fake.seed_post(channel, alice, "!tl long before", now_ms - 4 * 3600000);
    rig.fake.rate_limit_read = 2;  // the second read: a 429 between the since= answer and the pages
    rig.start();
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.connected(); }); }));
    REQUIRE(rig.command("start+Pool+exhausted", command_token, "t1").starts_with("HTTP/1.1 200"));
    REQUIRE(rig.wait_until([&] { return rig.count("SELECT COUNT(*) FROM incidents") == 1; }));
    REQUIRE(rig.command("import+from+-2h", command_token, "t2").starts_with("HTTP/1.1 200"));
    auto report_with = [&](const std::string& text) {
        for (const auto& call : rig.fake.snapshot().calls)
            if (call.method == "POST /posts" &&
                call.body.find("of this channel since") != std::string::npos &&
                call.body.find(text) != std::string::npos)
                return true;
        return false;
    };
    REQUIRE(rig.wait_until([&] { return report_with("Read "); }, milliseconds{60000}));
    std::string report;
    for (const auto& call : rig.fake.snapshot().calls)
        if (call.body.find("of this channel since") != std::string::npos) report = call.body;
    INFO(report);
    CHECK(report.find("1100 new to the bot") != std::string::npos);
    CHECK(report.find("3 marked ones are on the INC-1 timeline now") != std::string::npos);
    auto queries = rig.fake.snapshot().history_queries;
    // since= was full (1000), so pages from the newest: page 0 refused with a 429 and asked again, then on
    // until a page reaches before the window.
    REQUIRE(queries.size() >= 5);
    CHECK(queries[0].find("/posts?since=") != std::string::npos);
    CHECK(queries[1].find("/posts?page=0&per_page=200") != std::string::npos);
    CHECK(queries[2] == queries[1]);
    CHECK(queries[3].find("page=1&") != std::string::npos);
    CHECK(queries.back().find("page=5&") != std::string::npos);  // 1100 old posts and the bot's: six pages
    CHECK(rig.count("SELECT COUNT(*) FROM timeline_entries WHERE kind = 'message'") == 3);
    CHECK(rig.count("SELECT COUNT(*) FROM timeline_entries WHERE text = 'failover started'") == 1);
    CHECK(
        rig.count(
            "SELECT COUNT(*) FROM timeline_entries WHERE text = 'the pool is at 5' AND thread_root <> ''") ==
        1);
    CHECK(rig.count("SELECT COUNT(*) FROM timeline_entries WHERE text LIKE '%long before%'") == 0);
    CHECK(rig.count("SELECT COUNT(*) FROM messages WHERE author <> '" + std::string(fake_mattermost::bot_id) +
                    "'") == 1100);
    REQUIRE(rig.wait_until([&] { return rig.fake.snapshot().reactions == 3; }));
}
