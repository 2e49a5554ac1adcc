// Slack over Socket Mode against the in-process fake on loopback: envelopes are acked only once durable, a
// burst is captured exactly once across a refresh (make before break) and a dropped socket, link_disabled
// stops the connection for good, malformed and oversized frames lose nothing, and our own messages are never
// captured.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <boost/asio.hpp>
#include <filesystem>
#include <future>
#include <thread>

#include "bot/app/app.hpp"
#include "bot/slack/platform.hpp"
#include "domain/rules.hpp"
#include "support/child_process.hpp"
#include "support/fake_slack.hpp"
#include "support/tls_front.hpp"

namespace asio = boost::asio;
using namespace hindsight;
using namespace std::chrono;
using testing::fake_slack;

namespace {

struct socket_rig {
    std::string path;
    config::settings cfg;
    asio::io_context io;
    fake_slack fake{io};
    std::unique_ptr<storage::database> db;
    bot::clock time;
    std::unique_ptr<bot::app> application;
    std::unique_ptr<bot::slack_platform> slack;
    std::thread runner;

    // With TLS, the bot reaches the fake through TLS fronts with the test CA's certificate, and verifies
    // them.
    std::unique_ptr<testing::tls_front> api_front, socket_front;

    explicit socket_rig(const std::string& name, bool over_tls = false)
        : path((std::filesystem::temp_directory_path() /
                ("hindsight-socket-" + name + "-" + std::to_string(::getpid()) + ".db"))
                   .string()),
          cfg(config::default_settings([](const std::string&) { return std::nullopt; })) {
        std::filesystem::remove(path);
        cfg.secret.slack_bot_token = "xoxb-test-token";
        cfg.secret.slack_app_token = "xapp-test-token";
        cfg.slack.mode = config::slack_mode::socket;
        cfg.slack.api_url = fake.api_url();
        if (over_tls) {
            std::string certs = std::string(HINDSIGHT_SOURCE_DIR) + "/tests/certs";
            api_front = std::make_unique<testing::tls_front>(io, fake.api_port(), certs);
            socket_front = std::make_unique<testing::tls_front>(io, fake.socket_port(), certs);
            cfg.slack.api_url = "https://127.0.0.1:" + std::to_string(api_front->port()) + "/api/";
            fake.socket_base = "wss://127.0.0.1:" + std::to_string(socket_front->port());
            cfg.tls.ca_file = certs + "/ca.pem";
        }
    }

    void start() {
        db = std::make_unique<storage::database>(path);
        application = std::make_unique<bot::app>(io, *db, cfg, time, "slack");
        slack = std::make_unique<bot::slack_platform>(io, cfg, time, application->stats());
        slack->set_pacing(chat::pace{milliseconds{1}, 1000});
        std::optional<std::string> refused = std::string("not run");
        asio::co_spawn(io, slack->connect(), [&](std::exception_ptr, result<void> outcome) {
            refused = outcome ? std::nullopt : std::optional(outcome.failure().message);
        });
        for (int i = 0; i < 500 && refused && *refused == "not run"; ++i) io.run_for(milliseconds{10});
        REQUIRE_FALSE(refused);
        application->add_platform(*slack);
        bot::spawn_logged(io, application->run_worker(), "worker");
        bot::spawn_logged(io, application->run_imports(), "imports");
        bot::spawn_logged(io, slack->run(application->sink()), "slack");
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

    void stop() {
        if (!runner.joinable()) return;
        asio::post(io, [this] {
            application->stop();
            slack->stop();
            fake.stop();
            if (api_front) api_front->stop(), socket_front->stop();
        });
        std::this_thread::sleep_for(milliseconds{50});
        io.stop();
        runner.join();
    }

    ~socket_rig() {
        stop();
        slack.reset();
        application.reset();
        db.reset();
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    }
};

std::string ts_of(int i) {
    return "1700000100." + std::to_string(100000 + i);
}

// Message i, and for every fifth one a pin on it, as envelopes "m<i>" / "p<i>" with event ids "Evm<i>" /
// "Evp<i>".
void send_burst(fake_slack& fake, const std::shared_ptr<testing::fake_ws_session>& session, int from,
                int to) {
    for (int i = from; i < to; ++i) {
        auto n = std::to_string(i);
        fake.send_envelope(session, "m" + n,
                           testing::message_envelope("m" + n, "Evm" + n, "C111", "U1", ts_of(i),
                                                     "status update " + n + " <!channel>"));
        if (i % 5 == 0)
            fake.send_envelope(
                session, "p" + n,
                testing::reaction_envelope("p" + n, "Evp" + n, "C111", "U2", ts_of(i), "pushpin"));
    }
}

void start_incident(socket_rig& rig) {
    rig.on_io([&] {
        rig.fake.send_envelope(
            rig.fake.latest(), "start",
            testing::slash_command_envelope("start", "C111", "U1", "start DB down sev2", "1.2.3"));
        return 0;
    });
    REQUIRE(rig.wait_until([&] { return rig.count("SELECT COUNT(*) FROM incidents") == 1; }));
}

}  // namespace

TEST_CASE("Socket Mode: acked only once durable, exactly once across a refresh and a drop") {
    // Plain, then through verified TLS (https:// Web API, wss:// Socket Mode) with the test CA.
    bool over_tls = GENERATE(false, true);
    // A reason the bot has never heard of is handled like refresh_requested: Slack is about to close.
    std::string reason = GENERATE(as<std::string>{}, "refresh_requested", "socket_mode_maintenance");
    INFO("over TLS: " << over_tls << ", disconnect reason: " << reason);
    socket_rig rig(over_tls ? "burst-tls" : "burst", over_tls);
    std::vector<std::string> acked_before_durable;
    rig.fake.on_ack = [&](const std::string& envelope_id) {
        // On the io thread, between the bot's steps: the event must already be in the inbox.
        auto key = envelope_id == "start" ? std::string("cmd:1.2.3") : "Ev" + envelope_id;
        SQLite::Statement query(rig.db->handle(), "SELECT COUNT(*) FROM inbox WHERE dedup_key = ?");
        query.bind(1, key);
        query.executeStep();
        if (query.getColumn(0).getInt() != 1) acked_before_durable.push_back(envelope_id);
    };
    rig.start();
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.sessions.size(); }) == 1; }));
    start_incident(rig);

    // Part of a burst, then Slack asks for a refresh mid-burst and keeps sending on the old connection.
    rig.on_io([&] {
        auto first = rig.fake.latest();
        send_burst(rig.fake, first, 0, 150);
        first->send(testing::disconnect_frame(reason));
        send_burst(rig.fake, first, 150, 200);
        return 0;
    });
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.sessions.size(); }) == 2; }));
    // Make before break: the old connection is closed by the bot only after the new one is open.
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return !rig.fake.sessions[0]->is_open(); }); }));
    rig.on_io([&] {
        send_burst(rig.fake, rig.fake.latest(), 200, 300);
        // Then the connection dies mid-burst without a close frame.
        rig.fake.latest()->drop();
        return 0;
    });
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.sessions.size(); }) == 3; }));
    rig.on_io([&] {
        send_burst(rig.fake, rig.fake.latest(), 300, 400);
        return 0;
    });

    constexpr std::int64_t messages = 400, pins = 80;
    REQUIRE(rig.wait_until([&] { return rig.fake.reaction_count() >= pins; }));
    REQUIRE(rig.wait_until([&] {
        return rig.count("SELECT COUNT(*) FROM inbox WHERE dedup_key LIKE 'Evm%'") == messages &&
               rig.count("SELECT COUNT(*) FROM timeline_entries WHERE message_id <> ''") >= pins;
    }));
    std::this_thread::sleep_for(milliseconds{300});  // anything doubled would show up by now

    CHECK(acked_before_durable.empty());
    CHECK(rig.count("SELECT COUNT(*) FROM inbox WHERE dedup_key LIKE 'Evp%'") == pins);
    CHECK(rig.count("SELECT COUNT(*) FROM timeline_entries WHERE message_id <> ''") == pins);
    auto state = rig.fake.snapshot();
    std::set<std::string> reacted;
    for (const auto& call : state.calls)
        if (call.method == "reactions.add") CHECK(reacted.insert(call.body).second);  // never twice
    CHECK(reacted.size() == pins);
    CHECK(state.duplicate_reactions == 0);
    CHECK(state.history_fetches == 0);  // every pinned message was seen live
    // Every envelope acked at least once, across the three connections.
    std::set<std::string> acked(state.acks.begin(), state.acks.end());
    CHECK(acked.size() == 1 + messages + pins);
    CHECK(state.connections_opened == 3);
    // The user's <!channel> never reached Slack unescaped.
    for (const auto& call : state.calls) CHECK(call.body.find("<!channel>") == std::string::npos);
    CHECK(rig.application->stats().value("hindsight_slack_disconnects_total", "reason=\"" + reason + "\"") ==
          1);
}

TEST_CASE("Socket Mode: bad frames are answered without losing the connection's events") {
    socket_rig rig("frames");
    rig.start();
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.sessions.size(); }) == 1; }));
    start_incident(rig);
    rig.on_io([&] {
        auto session = rig.fake.latest();
        session->send("{not json");
        session->send(R"({"type":"something_new","envelope_id":"x1","payload":{}})");
        session->send(R"({"envelope_id":"x2","type":"events_api","payload":"not an object"})");
        session->send(R"({"envelope_id":"x3","type":"events_api","payload":{"type":"event_callback"}})");
        // Our own message with the capture prefix: never captured.
        rig.fake.send_envelope(
            session, "own",
            R"({"envelope_id":"own","type":"events_api","accepts_response_payload":false,"retry_attempt":0,"payload":{"team_id":"T111","type":"event_callback","event_id":"EvOwn","event":{"type":"message","text":"!tl ours","user":"UBOT","bot_id":"BBOT","ts":"1700000200.000001","channel":"C111","channel_type":"channel"}}})");
        rig.fake.send_envelope(
            session, "mine",
            testing::message_envelope("mine", "EvMine", "C111", "U1", "1700000200.000002", "!tl a real one"));
        return 0;
    });
    REQUIRE(rig.wait_until(
        [&] { return rig.count("SELECT COUNT(*) FROM timeline_entries WHERE message_id <> ''") == 1; }));
    // A frame over the 1 MiB limit fails that connection; the bot reconnects and nothing is lost.
    rig.on_io([&] {
        rig.fake.latest()->send(R"({"type":"events_api","envelope_id":"big","payload":{"x":")" +
                                std::string(2 << 20, 'a') + "\"}}");
        return 0;
    });
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.sessions.size(); }) == 2; }));
    rig.on_io([&] {
        rig.fake.send_envelope(rig.fake.latest(), "after",
                               testing::message_envelope("after", "EvAfter", "C111", "U1",
                                                         "1700000200.000003", "!tl after the reconnect"));
        return 0;
    });
    REQUIRE(rig.wait_until(
        [&] { return rig.count("SELECT COUNT(*) FROM timeline_entries WHERE message_id <> ''") == 2; }));
    // A pin on a thread reply the bot never saw: history does not have it, conversations.replies does.
    rig.on_io([&] {
        rig.fake.send_envelope(
            rig.fake.latest(), "unseen",
            testing::reaction_envelope("unseen", "EvUnseen", "C111", "U3", "1700000500.000002", "pushpin"));
        return 0;
    });
    REQUIRE(rig.wait_until([&] {
        return rig.count("SELECT COUNT(*) FROM timeline_entries WHERE text = 'the reply with the clue'") == 1;
    }));
    CHECK(rig.fake.snapshot().replies_fetches == 1);
    // Its pin taken back: the entry leaves the timeline and the bot takes its ✅ back (reactions.remove).
    rig.on_io([&] {
        rig.fake.send_envelope(rig.fake.latest(), "unpin",
                               testing::reaction_envelope("unpin", "EvUnpin", "C111", "U3",
                                                          "1700000500.000002", "pushpin", false));
        return 0;
    });
    REQUIRE(rig.wait_until([&] {
        for (const auto& call : rig.fake.snapshot().calls)
            if (call.method == "reactions.remove" &&
                call.body.find("1700000500.000002") != std::string::npos &&
                call.body.find("white_check_mark") != std::string::npos)
                return true;
        return false;
    }));
    CHECK(
        rig.count("SELECT COUNT(*) FROM timeline_entries WHERE text = 'the reply with the clue' AND state = "
                  "'unmarked'") == 1);
    // Its permalink came from chat.getPermalink; a message seen live got one built from auth.test's URL.
    CHECK(rig.count(
              "SELECT COUNT(*) FROM timeline_entries WHERE text = 'the reply with the clue' AND permalink = "
              "'https://t.slack.com/archives/C111/p1700000500000002?from=getPermalink'") == 1);
    CHECK(rig.count("SELECT COUNT(*) FROM timeline_entries WHERE text = 'a real one' AND permalink = "
                    "'https://t.slack.com/archives/C111/p1700000200000002'") == 1);
    // A click on a "Done" button arrives as an interactive envelope and runs its command.
    rig.on_io([&] {
        rig.fake.send_envelope(
            rig.fake.latest(), "click",
            R"({"envelope_id":"click","type":"interactive","accepts_response_payload":false,"payload":{"type":"block_actions","team":{"id":"T111"},"user":{"id":"U1","team_id":"T111"},"trigger_id":"9.9.9","container":{"type":"message","channel_id":"C111"},"channel":{"id":"C111"},"actions":[{"type":"button","action_id":"hindsight:0","value":"status","action_ts":"1.2"}]}})");
        return 0;
    });
    REQUIRE(rig.wait_until(
        [&] { return rig.count("SELECT COUNT(*) FROM inbox WHERE dedup_key = 'btn:9.9.9'") == 1; }));
    // conversations.info said C111 is public: the click counts as made in a public channel.
    CHECK(rig.count("SELECT COUNT(*) FROM inbox WHERE dedup_key = 'btn:9.9.9' AND payload LIKE "
                    "'%\"private\":false%'") == 1);
    auto state = rig.fake.snapshot();
    std::set<std::string> acked(state.acks.begin(), state.acks.end());
    CHECK(acked.count("x2"));  // malformed but acked: Slack need not send it again
    CHECK(acked.count("x3"));
    CHECK(acked.count("own"));
    CHECK(acked.count("mine"));
    CHECK(rig.count("SELECT COUNT(*) FROM timeline_entries WHERE text LIKE '%ours%'") == 0);
}

TEST_CASE("Socket Mode: a rate-limited open waits, link_disabled stops for good") {
    socket_rig rig("disabled");
    rig.fake.rate_limit_opens = 1;  // Retry-After defaults to a second
    rig.start();
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.sessions.size(); }) == 1; }));
    CHECK(rig.application->stats().value("hindsight_slack_429_total") == 1);
    CHECK(rig.slack->connected());
    rig.on_io([&] {
        rig.fake.latest()->send(testing::disconnect_frame("link_disabled"));
        return 0;
    });
    REQUIRE(rig.wait_until([&] { return !rig.slack->connected(); }));
    std::this_thread::sleep_for(milliseconds{1500});
    CHECK(rig.fake.connections_opened() == 1);  // no reconnect
}

TEST_CASE("Socket Mode: an app token Slack refuses stops without a retry loop") {
    socket_rig rig("refused");
    rig.fake.refuse_opens_with = "invalid_auth";
    rig.start();
    std::this_thread::sleep_for(milliseconds{1000});
    auto opens = 0;
    for (const auto& call : rig.fake.snapshot().calls) opens += call.method == "apps.connections.open";
    CHECK(opens == 1);
    CHECK_FALSE(rig.slack->connected());
}

namespace {

std::vector<testing::slack_call> calls_to(fake_slack& fake, const std::string& method) {
    std::vector<testing::slack_call> out;
    for (auto& call : fake.snapshot().calls)
        if (call.method == method) out.push_back(call);
    return out;
}

}  // namespace

TEST_CASE("Socket Mode: --new-channel creates and invites, the declaration stays current, a modal answers") {
    socket_rig rig("channel", true);  // over TLS
    rig.fake.taken_channel_names.insert(
        domain::incident_channel_name("Checkout down", domain::date_of(rig.time.now()), 1));
    rig.start();
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.sessions.size(); }) == 1; }));
    rig.on_io([&] {
        rig.fake.send_envelope(rig.fake.latest(), "start",
                               testing::slash_command_envelope(
                                   "start", "C111", "U1", "start Checkout down sev2 --new-channel", "1.1"));
        return 0;
    });
    // The name was taken, so the second try (-2) made CNEW2; the incident moved there from its placeholder.
    REQUIRE(rig.wait_until(
        [&] { return rig.count("SELECT COUNT(*) FROM incidents WHERE channel = 'CNEW2'") == 1; }));
    auto creates = calls_to(rig.fake, "conversations.create");
    REQUIRE(creates.size() == 2);
    CHECK(creates[1].body.find("-checkout-down-2\"") != std::string::npos);
    REQUIRE(rig.wait_until([&] { return calls_to(rig.fake, "conversations.invite").size() == 1; }));
    CHECK(calls_to(rig.fake, "conversations.invite")[0].body.find(R"("users":"U1")") != std::string::npos);
    REQUIRE(rig.wait_until([&] {
        for (const auto& post : calls_to(rig.fake, "chat.postMessage"))
            if (post.body.find(R"("channel":"CNEW2")") != std::string::npos &&
                post.body.find("INC-1: Checkout down") != std::string::npos)
                return true;
        return false;
    }));
    CHECK(rig.count("SELECT COUNT(*) FROM timeline_entries WHERE channel = 'CNEW2'") == 1);  // "started"
    // The public channel it was declared in hears where it went, under the name the channel got.
    REQUIRE(rig.wait_until([&] {
        for (const auto& post : calls_to(rig.fake, "chat.postMessage"))
            if (post.body.find(R"("channel":"C111")") != std::string::npos &&
                post.body.find("-checkout-down-2.") != std::string::npos)
                return true;
        return false;
    }));
    // Commands and marks in the new channel act on the incident; a severity change edits the declaration.
    rig.on_io([&] {
        rig.fake.send_envelope(rig.fake.latest(), "sev",
                               testing::slash_command_envelope("sev", "CNEW2", "U1", "sev 1", "1.2"));
        return 0;
    });
    REQUIRE(rig.wait_until([&] { return calls_to(rig.fake, "chat.update").size() == 1; }));
    auto update = calls_to(rig.fake, "chat.update")[0].body;
    CHECK(update.find(R"("channel":"CNEW2")") != std::string::npos);
    CHECK(update.find(R"("ts":"1700009000.)") != std::string::npos);
    CHECK(update.find("(sev1)") != std::string::npos);
    // An ask button: the click opens a modal at once, the submission runs `note <text>` as the submitter.
    rig.on_io([&] {
        rig.fake.send_envelope(
            rig.fake.latest(), "ask",
            R"({"envelope_id":"ask","type":"interactive","accepts_response_payload":false,"payload":{"type":"block_actions","team":{"id":"T111"},"user":{"id":"U2","team_id":"T111"},"trigger_id":"7.7.7","container":{"type":"message","channel_id":"CNEW2"},"channel":{"id":"CNEW2"},"actions":[{"type":"button","action_id":"hindsight:ask:0","text":{"type":"plain_text","text":"Add a note"},"value":"note\nWhat happened?","action_ts":"1.3"}]}})");
        return 0;
    });
    REQUIRE(rig.wait_until([&] { return calls_to(rig.fake, "views.open").size() == 1; }));
    auto view = nlohmann::json::parse(calls_to(rig.fake, "views.open")[0].body);
    CHECK(view["trigger_id"] == "7.7.7");
    nlohmann::json submission{
        {"envelope_id", "submit"},
        {"type", "interactive"},
        {"accepts_response_payload", true},
        {"payload",
         {{"type", "view_submission"},
          {"team", {{"id", "T111"}}},
          {"user", {{"id", "U2"}, {"team_id", "T111"}}},
          {"view",
           {{"id", "VMHU10V25"},
            {"callback_id", view["view"]["callback_id"]},
            {"private_metadata", view["view"]["private_metadata"]},
            {"state",
             {{"values",
               {{"answer", {{"text", {{"type", "plain_text_input"}, {"value", "rolled back 4.2"}}}}}}}}}}}}}};
    rig.on_io([&] {
        rig.fake.send_envelope(rig.fake.latest(), "submit", submission.dump());
        return 0;
    });
    REQUIRE(rig.wait_until([&] {
        return rig.count(
                   "SELECT COUNT(*) FROM timeline_entries WHERE kind = 'note' AND text = 'rolled back 4.2' "
                   "AND author = 'U2'") == 1;
    }));
    std::set<std::string> acked;
    for (const auto& id : rig.fake.snapshot().acks) acked.insert(id);
    CHECK(acked.count("ask"));
    CHECK(acked.count("submit"));
    CHECK(rig.on_io([&] { return rig.api_front->handshakes(); }) >= 1);
    CHECK(rig.on_io([&] { return rig.socket_front->handshakes(); }) >= 1);
}

TEST_CASE("Socket Mode: --new-channel from a private channel makes a private one and says nothing publicly") {
    socket_rig rig("private");
    rig.fake.private_channels.insert("C222");  // a private channel whose slash commands carry a plain name
    rig.start();
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.sessions.size(); }) == 1; }));
    rig.on_io([&] {
        rig.fake.send_envelope(rig.fake.latest(), "start",
                               testing::slash_command_envelope("start", "C222", "U1",
                                                               "start Secret thing --new-channel", "2.1"));
        return 0;
    });
    REQUIRE(rig.wait_until([&] {
        return rig.count("SELECT COUNT(*) FROM incidents WHERE channel = 'CNEW1' AND private_channel = 1") ==
               1;
    }));
    auto creates = calls_to(rig.fake, "conversations.create");
    REQUIRE(creates.size() == 1);
    CHECK(creates[0].body.find(R"("is_private":true)") != std::string::npos);
    // Where it went is told to the caller alone.
    REQUIRE(rig.wait_until([&] {
        for (const auto& call : calls_to(rig.fake, "chat.postEphemeral"))
            if (call.body.find("INC-1 is handled in #inc-") != std::string::npos) return true;
        return false;
    }));
    for (const auto& post : calls_to(rig.fake, "chat.postMessage"))
        CHECK(post.body.find(R"("channel":"C222")") == std::string::npos);
}

TEST_CASE("Socket Mode: a create whose reply was lost is not made twice") {
    socket_rig rig("orphan");
    rig.fake.lose_next_create_reply = true;
    rig.start();
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.sessions.size(); }) == 1; }));
    rig.on_io([&] {
        rig.fake.send_envelope(
            rig.fake.latest(), "start",
            testing::slash_command_envelope("start", "C111", "U1", "start Queue stuck --new-channel", "3.1"));
        return 0;
    });
    // The first create made CNEW1 but its answer was lost; the retry found the name taken by a channel the
    // bot made minutes ago with nobody else in it, and used it.
    REQUIRE(rig.wait_until(
        [&] { return rig.count("SELECT COUNT(*) FROM incidents WHERE channel = 'CNEW1'") == 1; }));
    CHECK(calls_to(rig.fake, "conversations.create").size() == 2);
    CHECK(calls_to(rig.fake, "users.conversations").size() == 1);
    REQUIRE(rig.wait_until([&] { return calls_to(rig.fake, "conversations.invite").size() == 1; }));
    CHECK(calls_to(rig.fake, "conversations.invite")[0].body.find(R"("channel":"CNEW1")") !=
          std::string::npos);
}

TEST_CASE("Socket Mode: a slow Web API never holds back acks; a responder who joins gets the status") {
    socket_rig rig("slow");
    rig.start();
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.sessions.size(); }) == 1; }));
    start_incident(rig);
    rig.fake.slow_posts_ms = 3000;  // every post now takes three seconds to answer
    auto before = rig.fake.ack_count();
    auto sent_at = steady_clock::now();
    rig.on_io([&] {
        // Commands whose replies are posts (slow), then a burst of messages.
        for (int i = 1; i <= 3; ++i)
            rig.fake.send_envelope(
                rig.fake.latest(), "note" + std::to_string(i),
                testing::slash_command_envelope("note" + std::to_string(i), "C111", "U1",
                                                "sev " + std::to_string(i), "5." + std::to_string(i)));
        send_burst(rig.fake, rig.fake.latest(), 0, 100);
        return 0;
    });
    REQUIRE(rig.wait_until([&] { return rig.fake.ack_count() >= before + 3 + 100 + 20; }));
    auto acked_in = duration_cast<milliseconds>(steady_clock::now() - sent_at);
    INFO("acked in " << acked_in.count() << " ms while each post took 3 s");
    CHECK(acked_in < milliseconds{2500});
    // Someone joins the incident channel: only they get the status (an ephemeral post).
    rig.fake.slow_posts_ms = 0;
    rig.on_io([&] {
        rig.fake.send_envelope(
            rig.fake.latest(), "join",
            R"({"envelope_id":"join","type":"events_api","accepts_response_payload":false,"retry_attempt":0,"payload":{"team_id":"T111","type":"event_callback","event_id":"EvJoin","event":{"type":"member_joined_channel","user":"U9","channel":"C111","channel_type":"C","team":"T111","inviter":"U1","event_ts":"1700000900.000100"}}})");
        return 0;
    });
    REQUIRE(rig.wait_until([&] {
        for (const auto& call : calls_to(rig.fake, "chat.postEphemeral"))
            if (call.body.find(R"("user":"U9")") != std::string::npos &&
                call.body.find("You joined during INC-1") != std::string::npos)
                return true;
        return false;
    }));
}

namespace {

// A message as conversations.history returns it (the shape of the SDK fixtures: type, user, text, ts; a
// thread root's reply_count / latest_reply; reactions with their users).
std::string history_message(const std::string& ts, const std::string& user, const std::string& text,
                            nlohmann::json extra = nlohmann::json::object()) {
    nlohmann::json m{{"type", "message"}, {"user", user}, {"text", text}, {"ts", ts}};
    m.update(extra);
    return m.dump();
}

std::string slack_ts_at(system_clock::time_point t, int micro) {
    auto seconds = duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    auto digits = std::to_string(100000 + micro).substr(0, 6);
    return std::to_string(seconds) + "." + digits;
}

std::vector<std::string> posts_with(fake_slack& fake, const std::string& text) {
    std::vector<std::string> found;
    for (const auto& post : calls_to(fake, "chat.postMessage"))
        if (post.body.find(text) != std::string::npos) found.push_back(post.body);
    return found;
}

}  // namespace

TEST_CASE("Socket Mode: import pages through the history and its threads, paced, across a 429, once") {
    socket_rig rig("import");
    auto now = system_clock::now();
    // 250 messages in the last 90 minutes, three of them marked for the timeline, a thread with a marked
    // reply, a bot's prefixed post, and one message from before the window.
    for (int i = 0; i < 250; ++i) {
        auto ts = slack_ts_at(now - minutes{90} + seconds{i * 20}, i);
        nlohmann::json extra = nlohmann::json::object();
        std::string text = "chatter " + std::to_string(i);
        if (i == 10) extra["reactions"] = {{{"name", "pushpin"}, {"users", {"U2", "U3"}}, {"count", 2}}};
        if (i == 20) text = "!tl the cache was cold";
        if (i == 30)
            extra = {{"bot_id", "B999"}, {"subtype", "bot_message"}}, text = "!tl deploy bot says hi";
        auto reply_one = slack_ts_at(now - minutes{90} + seconds{i * 20 + 5}, 901);
        auto reply_two = slack_ts_at(now - minutes{90} + seconds{i * 20 + 9}, 902);
        if (i == 40) extra = {{"thread_ts", ts}, {"reply_count", 2}, {"latest_reply", reply_two}};
        // A thread deleted after its page was read: conversations.replies answers thread_not_found.
        if (i == 60) extra = {{"thread_ts", ts}, {"reply_count", 1}, {"latest_reply", reply_one}};
        rig.fake.history.push_back(history_message(ts, i % 2 ? "U1" : "U2", text, extra));
        if (i == 40) {
            rig.fake.thread_replies[ts] = {
                history_message(reply_one, "U3", "looking at the pool",
                                {{"thread_ts", ts}, {"parent_user_id", "U2"}}),
                history_message(reply_two, "U1", "pool size was 5",
                                {{"thread_ts", ts},
                                 {"parent_user_id", "U2"},
                                 {"reactions", {{{"name", "pushpin"}, {"users", {"U3"}}, {"count", 1}}}}})};
        }
    }
    rig.fake.history.push_back(history_message(slack_ts_at(now - hours{5}, 1), "U1", "!tl long ago"));
    rig.fake.history_page_cap = 100;
    rig.fake.rate_limit_history_call = 2;  // the second request: a 429 in the middle of the reading
    rig.start();
    REQUIRE(rig.wait_until([&] { return rig.on_io([&] { return rig.fake.sessions.size(); }) == 1; }));
    rig.on_io([&] {
        rig.fake.send_envelope(
            rig.fake.latest(), "start",
            testing::slash_command_envelope("start", "C111", "U1", "start Pool exhausted", "1.1"));
        return 0;
    });
    REQUIRE(rig.wait_until([&] { return rig.count("SELECT COUNT(*) FROM incidents") == 1; }));
    // One of the messages was seen live already.
    auto live_ts = nlohmann::json::parse(rig.fake.history[100]).value("ts", "");
    rig.on_io([&] {
        rig.fake.send_envelope(
            rig.fake.latest(), "live",
            testing::message_envelope("live", "Ev-live", "C111", "U1", live_ts, "chatter 100"));
        rig.fake.send_envelope(
            rig.fake.latest(), "import",
            testing::slash_command_envelope("import", "C111", "U1", "import from -2h", "1.2"));
        return 0;
    });
    REQUIRE(rig.wait_until([&] { return !posts_with(rig.fake, "Reading this channel").empty(); }));
    REQUIRE(rig.wait_until([&] { return !posts_with(rig.fake, "of this channel since").empty(); },
                           milliseconds{60000}));
    auto report = posts_with(rig.fake, "of this channel since")[0];
    INFO(report);
    CHECK(report.find("Read 252 messages") != std::string::npos);  // 250 + 2 replies; not the old one
    CHECK(report.find("251 new to the bot, 1 it had already") != std::string::npos);
    CHECK(report.find("3 marked ones are on the INC-1 timeline now") != std::string::npos);

    auto state = rig.fake.snapshot();
    // History pages newest first (at most 100 each, bounded by the window), the 429 asked again with the same
    // cursor, and each page's threads before the next page: the deleted one skipped, the other read.
    REQUIRE(state.history_queries.size() == 6);
    CHECK(state.history_queries[0].find("conversations.history?channel=C111&limit=200&oldest=") !=
          std::string::npos);
    CHECK(state.history_queries[1].find("cursor=dXNlcj100") != std::string::npos);
    CHECK(state.history_queries[2] == state.history_queries[1]);
    CHECK(state.history_queries[3].find("conversations.replies?") != std::string::npos);
    CHECK(state.history_queries[4].find("conversations.history?") != std::string::npos);
    CHECK(state.history_queries[4].find("cursor=dXNlcj200") != std::string::npos);
    CHECK(state.history_queries[5].find("conversations.replies?") != std::string::npos);
    // Paced to Tier 3: never two requests within 1.2 s (a slow machine only widens the gaps).
    for (std::size_t i = 1; i < state.history_times.size(); ++i)
        CHECK(state.history_times[i] - state.history_times[i - 1] >= milliseconds{1150});

    CHECK(rig.count("SELECT COUNT(*) FROM messages WHERE channel = 'C111'") == 252);
    CHECK(rig.count("SELECT COUNT(*) FROM timeline_entries WHERE kind = 'message'") == 3);
    CHECK(rig.count("SELECT COUNT(*) FROM timeline_entries WHERE text = 'the cache was cold'") == 1);
    CHECK(rig.count(
              "SELECT COUNT(*) FROM timeline_entries WHERE text = 'pool size was 5' AND thread_root <> ''") ==
          1);
    CHECK(rig.count("SELECT COUNT(*) FROM timeline_entries WHERE text LIKE '%deploy bot%' OR text LIKE "
                    "'%long ago%'") == 0);
    CHECK(rig.count("SELECT COUNT(*) FROM entry_marks") == 3);  // U2 and U3 on one, U3 on the reply
    REQUIRE(rig.wait_until([&] { return rig.fake.reaction_count() == 3; }));

    // Again: everything is known now, nothing is added twice (the threads are read again: a known newest
    // reply says nothing about the ones before it).
    rig.on_io([&] {
        rig.fake.send_envelope(
            rig.fake.latest(), "again",
            testing::slash_command_envelope("again", "C111", "U2", "import from -2h", "1.3"));
        return 0;
    });
    REQUIRE(rig.wait_until([&] { return posts_with(rig.fake, "of this channel since").size() == 2; },
                           milliseconds{60000}));
    auto second = posts_with(rig.fake, "of this channel since")[1];
    INFO(second);
    CHECK(second.find("Read 252 messages") != std::string::npos);
    CHECK(second.find("0 new to the bot, 252 it had already") != std::string::npos);
    CHECK(second.find("None of the new ones carried a mark") != std::string::npos);
    CHECK(rig.fake.snapshot().history_queries.size() == 11);  // three pages, two threads
    CHECK(rig.count("SELECT COUNT(*) FROM timeline_entries WHERE kind = 'message'") == 3);
    CHECK(rig.fake.snapshot().duplicate_reactions == 0);
}
