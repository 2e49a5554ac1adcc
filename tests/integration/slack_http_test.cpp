// Slack over the Events API against an in-process fake Slack on loopback: signed slash commands and events
// are recorded and acknowledged, forged and stale ones get 401, and replies reach the fake Web API — through
// a 429.
#include <catch2/catch.hpp>

#include <boost/asio.hpp>
#include <filesystem>
#include <mutex>
#include <thread>

#include "bot/app/app.hpp"
#include "bot/net/http_server.hpp"
#include "bot/slack/platform.hpp"
#include "bot/slack/signature.hpp"
#include "loopback_client.hpp"

namespace asio = boost::asio;
using hindsight::testing::round_trip;
using namespace hindsight;
using namespace std::chrono;

namespace {

constexpr const char* signing_secret = "test-signing-secret";

struct fake_slack {
    std::mutex lock;
    std::vector<std::pair<std::string, std::string>> calls;  // method, body
    int rate_limit_first_posts = 1;
    unsigned short port = 0;
    int posts = 0;

    std::vector<std::pair<std::string, std::string>> snapshot() {
        std::lock_guard guard(lock);
        return calls;
    }
};

asio::awaitable<bot::http_response> answer(bot::http_response response) {
    co_return response;
}

void add_fake_routes(bot::http_server& server, fake_slack& fake) {
    auto record = [&fake](const std::string& method, const bot::http_request& r) {
        std::lock_guard guard(fake.lock);
        fake.calls.emplace_back(method, r.body);
    };
    server.route("POST", "/api/auth.test", [](const bot::http_request& r) {
        bool authorised = r.header("authorization") == "Bearer xoxb-test-token";
        return answer(
            {200, "application/json",
             authorised
                 ? R"({"ok":true,"url":"https://t.slack.com/","team":"Test","user":"hindsight","team_id":"T111","user_id":"UBOT","bot_id":"BBOT"})"
                 : R"({"ok":false,"error":"invalid_auth"})"});
    });
    server.route("POST", "/api/chat.postMessage", [&fake, record](const bot::http_request& r) {
        {
            std::lock_guard guard(fake.lock);
            if (fake.rate_limit_first_posts > 0) {
                --fake.rate_limit_first_posts;
                return answer({429, "application/json", R"({"ok":false,"error":"ratelimited"})"});
            }
        }
        record("chat.postMessage", r);
        int n = 0;
        {
            std::lock_guard guard(fake.lock);
            n = ++fake.posts;
        }
        return answer(
            {200, "application/json",
             R"({"ok":true,"channel":"C111","ts":"1700000200.00000)" + std::to_string(n) + R"("})"});
    });
    server.route("POST", "/api/chat.postEphemeral", [record](const bot::http_request& r) {
        record("chat.postEphemeral", r);
        return answer({200, "application/json", R"({"ok":true,"message_ts":"1700000300.000001"})"});
    });
    server.route("GET", "/api/users.info", [](const bot::http_request& r) {
        bool alice = r.target.find("user=U1") != std::string::npos;
        return answer(
            {200, "application/json",
             alice
                 ? R"({"ok":true,"user":{"id":"U1","name":"alice","tz":"Europe/Berlin","profile":{"display_name":"alice","real_name":"Alice A."}}})"
                 : R"({"ok":false,"error":"user_not_found"})"});
    });
    server.route("POST", "/api/files.getUploadURLExternal", [&fake, record](const bot::http_request& r) {
        record("files.getUploadURLExternal", r);
        return answer({200, "application/json",
                       R"({"ok":true,"upload_url":"http://127.0.0.1:)" + std::to_string(fake.port) +
                           R"(/upload/F123","file_id":"F123"})"});
    });
    server.route("POST", "/upload/F123", [record](const bot::http_request& r) {
        record("upload", r);
        return answer({200, "text/plain", "OK - " + std::to_string(r.body.size())});
    });
    server.route("POST", "/api/files.completeUploadExternal", [record](const bot::http_request& r) {
        record("files.completeUploadExternal", r);
        return answer({200, "application/json",
                       R"({"ok":true,"files":[{"id":"F123","title":"inc-1-postmortem.md"}]})"});
    });
    server.route("POST", "/api/reactions.add", [record](const bot::http_request& r) {
        record("reactions.add", r);
        return answer({200, "application/json", R"({"ok":true})"});
    });
}

std::string signed_post(const std::string& path, const std::string& content_type, const std::string& body,
                        long long timestamp, const std::string& signature_override = {}) {
    auto ts = std::to_string(timestamp);
    auto signature = signature_override.empty() ? slack::sign(signing_secret, ts, body) : signature_override;
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: " + content_type +
           "\r\nX-Slack-Request-Timestamp: " + ts + "\r\nX-Slack-Signature: " + signature +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

long long now_seconds() {
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("Slack Events API: persist-then-ack, signatures, and replies through the Web API") {
    auto path =
        (std::filesystem::temp_directory_path() / ("hindsight-slack-" + std::to_string(::getpid()) + ".db"))
            .string();
    std::filesystem::remove(path);
    auto cfg = config::default_settings([](const std::string&) { return std::nullopt; });
    cfg.secret.slack_bot_token = "xoxb-test-token";
    cfg.secret.slack_signing_secret = signing_secret;
    cfg.slack.mode = config::slack_mode::http;

    asio::io_context io;
    fake_slack fake;
    bot::http_server fake_server(io, "127.0.0.1:0", {});
    fake.port = fake_server.port();
    add_fake_routes(fake_server, fake);
    asio::co_spawn(io, fake_server.run(), asio::detached);
    cfg.slack.api_url = "http://127.0.0.1:" + std::to_string(fake_server.port()) + "/api/";

    storage::database db(path);
    bot::clock time;
    bot::app application(io, db, cfg, time, "slack");
    bot::slack_platform slack(io, cfg, time, application.stats());
    std::optional<std::string> refused = std::string("not run");
    asio::co_spawn(io, slack.connect(), [&](std::exception_ptr, result<void> outcome) {
        refused = outcome ? std::nullopt : std::optional(outcome.failure().message);
    });
    for (int i = 0; i < 500 && refused && *refused == "not run"; ++i) io.run_for(milliseconds{10});
    REQUIRE_FALSE(refused);
    REQUIRE(slack.workspaces() == std::vector<std::pair<std::string, std::string>>{{"T111", "UBOT"}});
    application.add_platform(slack);
    bot::http_server server(io, "127.0.0.1:0", {});
    slack.add_routes(server);
    asio::co_spawn(io, server.run(), asio::detached);
    bot::spawn_logged(io, application.run_worker(), "worker");
    bot::spawn_logged(io, slack.run(application.sink()), "slack");
    std::thread runner([&] { io.run_for(seconds{30}); });
    auto port = server.port();

    auto command =
        "token=x&team_id=T111&channel_id=C111&channel_name=incidents&user_id=U1&user_name=alice&command=%"
        "2Fincident&text=start+DB+down+sev2&trigger_id=1.2.3";
    CHECK(round_trip(port, signed_post("/slack/commands", "application/x-www-form-urlencoded", command,
                                       now_seconds()))
              .starts_with("HTTP/1.1 200"));
    auto message =
        R"({"team_id":"T111","api_app_id":"A1","event":{"type":"message","text":"!tl error rate 9% <!channel>","user":"U1","ts":"1700000100.000100","channel":"C111","event_ts":"1700000100.000100","channel_type":"channel"},"type":"event_callback","event_id":"Ev1","event_time":1700000100})";
    CHECK(round_trip(port, signed_post("/slack/events", "application/json", message, now_seconds()))
              .starts_with("HTTP/1.1 200"));
    // The same event again (a retry) is acknowledged and changes nothing.
    CHECK(round_trip(port, signed_post("/slack/events", "application/json", message, now_seconds()))
              .starts_with("HTTP/1.1 200"));

    auto postmortem =
        "token=x&team_id=T111&channel_id=C111&channel_name=incidents&user_id=U1&command=%2Fincident&text="
        "postmortem&trigger_id=4.5.6";
    CHECK(round_trip(port, signed_post("/slack/commands", "application/x-www-form-urlencoded", postmortem,
                                       now_seconds()))
              .starts_with("HTTP/1.1 200"));

    auto verification = round_trip(
        port, signed_post("/slack/events", "application/json",
                          R"({"token":"t","challenge":"abc123","type":"url_verification"})", now_seconds()));
    CHECK(verification.find(R"("challenge": "abc123")") != std::string::npos);
    CHECK(round_trip(port, signed_post("/slack/events", "application/json", message, now_seconds(),
                                       "v0=" + std::string(64, '0')))
              .starts_with("HTTP/1.1 401"));
    CHECK(round_trip(port, signed_post("/slack/events", "application/json", message, now_seconds() - 301))
              .starts_with("HTTP/1.1 401"));
    CHECK(round_trip(port, signed_post("/slack/events", "application/json", message, now_seconds() + 301))
              .starts_with("HTTP/1.1 401"));
    CHECK(round_trip(port, signed_post("/slack/events", "application/json", "{broken", now_seconds()))
              .starts_with("HTTP/1.1 400"));

    // Replies arrive at the fake Web API, the first post after a 429 (Retry-After defaults to a second).
    bool announced = false, confirmed = false, uploaded = false, shared = false;
    for (int i = 0; i < 100 && !(announced && confirmed && uploaded && shared); ++i) {
        std::this_thread::sleep_for(milliseconds{50});
        for (const auto& [method, body] : fake.snapshot()) {
            // The name comes from users.info, looked up before the command was handled.
            if (method == "chat.postMessage" && body.find("INC-1: DB down") != std::string::npos &&
                body.find("declared by @alice") != std::string::npos)
                announced = true;
            if (method == "upload" && body.starts_with("# INC-1: DB down")) uploaded = true;
            if (method == "files.completeUploadExternal" &&
                body.find("\"channel_id\":\"C111\"") != std::string::npos)
                shared = true;
            if (method == "reactions.add" && body.find("1700000100.000100") != std::string::npos &&
                body.find("white_check_mark") != std::string::npos)
                confirmed = true;
        }
    }
    asio::post(io, [&] {
        application.stop();
        slack.stop();
        server.stop();
        fake_server.stop();
    });
    io.stop();
    runner.join();

    CHECK(announced);
    CHECK(confirmed);
    CHECK(uploaded);
    CHECK(shared);
    std::size_t reactions = 0;
    for (const auto& [method, body] : fake.snapshot()) reactions += method == "reactions.add" ? 1 : 0;
    CHECK(reactions == 1);  // the retried event was not captured twice
    CHECK(application.stats().value("hindsight_slack_429_total") == 1);
    CHECK(application.stats().value("hindsight_slack_rejected_total",
                                    "reason=\"signature does not match\"") == 1);
    CHECK(application.stats().value("hindsight_slack_rejected_total",
                                    "reason=\"timestamp older than the replay window\"") == 1);
    CHECK(application.stats().value("hindsight_slack_rejected_total",
                                    "reason=\"timestamp too far in the future\"") == 1);
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}
