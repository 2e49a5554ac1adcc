// The app's pump and outbox worker against a recording platform on a real io_context: retries after a
// rate limit without duplicates, pacing per channel, and thread replies that find the root delivered first.
#include <catch2/catch.hpp>

#include <boost/asio.hpp>
#include <filesystem>

#include "bot/app/app.hpp"

namespace asio = boost::asio;
using namespace hindsight;
using namespace std::chrono;

namespace {

struct delivery_record {
    chat::outgoing message;
    steady_clock::time_point at;
};

class recording_platform final : public chat::platform {
public:
    std::vector<delivery_record> delivered;
    int refuse_first = 0;  // answer "retry" (a 429) to this many calls first
    std::optional<chat::pace> pace_limits;
    int posts = 0;

    std::string name() const override { return "recording"; }
    std::vector<std::pair<std::string, std::string>> workspaces() const override { return {{"T1", "UBOT"}}; }
    bool connected() const override { return true; }
    std::optional<chat::pace> pacing() const override { return pace_limits; }
    asio::awaitable<void> run(chat::event_sink) override { co_return; }
    void stop() override {}

    asio::awaitable<chat::call_result> record(chat::outgoing m) {
        if (refuse_first > 0) {
            --refuse_first;
            co_return chat::call_result{
                chat::call_result::outcome::retry, {}, "ratelimited", milliseconds{20}};
        }
        delivered.push_back({m, steady_clock::now()});
        co_return chat::call_result::success("1700000000." + std::to_string(++posts));
    }
    // Every kind is recorded alike (this platform neither edits nor creates channels).
    using chat::platform::send;
    asio::awaitable<chat::call_result> send(const chat::sending&, const chat::channel_post& m) override {
        return record(m);
    }
    asio::awaitable<chat::call_result> send(const chat::sending&, const chat::thread_reply& m) override {
        return record(m);
    }
    asio::awaitable<chat::call_result> send(const chat::sending&, const chat::ephemeral_note& m) override {
        return record(m);
    }
    asio::awaitable<chat::call_result> send(const chat::sending&, const chat::direct_message& m) override {
        return record(m);
    }
    asio::awaitable<chat::call_result> send(const chat::sending&, const chat::reaction& m) override {
        return record(m);
    }
    asio::awaitable<chat::call_result> send(const chat::sending&, const chat::file_upload& m) override {
        return record(m);
    }
    asio::awaitable<std::optional<chat::message_posted>> fetch_message(const std::string&, const std::string&,
                                                                       const std::string&) override {
        co_return std::nullopt;
    }
    asio::awaitable<std::optional<chat::user_info>> lookup_user(const std::string&,
                                                                const std::string&) override {
        co_return std::nullopt;
    }
};

struct fixture {
    std::string path =
        (std::filesystem::temp_directory_path() / ("hindsight-app-" + std::to_string(::getpid()) + ".db"))
            .string();
    config::settings cfg = config::default_settings([](const std::string&) { return std::nullopt; });
    asio::io_context io;
    bot::clock time;  // the system clock: pacing and retries need time to pass
    std::unique_ptr<storage::database> db;
    std::unique_ptr<bot::app> application;
    recording_platform platform;

    fixture() {
        std::filesystem::remove(path);
        db = std::make_unique<storage::database>(path);
        application = std::make_unique<bot::app>(io, *db, cfg, time, "recording");
        application->add_platform(platform);
    }
    ~fixture() {
        application.reset();
        db.reset();
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    }

    // Feeds commands through the sink and runs the worker until everything is delivered (or 10 s pass).
    void run(const std::vector<std::string>& commands) {
        std::vector<chat::inbound> batch;
        int n = 0;
        for (const auto& text : commands)
            batch.push_back({"T1", "ev" + std::to_string(++n),
                             chat::command_invoked{{"C1"}, {}, "U1", text, time.now()}});
        asio::co_spawn(io, application->sink().accept(batch), asio::detached);
        bot::spawn_logged(io, application->run_worker(), "worker");
        for (int i = 0;
             i < 1000 && (application->engine().queue().inbox_depth() > 0 ||
                          application->engine().queue().outbox_depth() > 0 || platform.delivered.empty());
             ++i)
            io.run_for(milliseconds{10});
        application->stop();
        io.run_for(milliseconds{50});
    }
};

}  // namespace

TEST_CASE("a rate-limited delivery is retried after Retry-After and delivered once") {
    fixture f;
    f.platform.refuse_first = 2;
    f.run({"start Payments down"});
    REQUIRE(f.platform.delivered.size() == 1);
    CHECK(chat::text_of(f.platform.delivered[0].message).find("INC-1") != std::string::npos);
    CHECK(f.application->stats().value("hindsight_outbox_retries_total") == 2);
    CHECK(f.application->engine().queue().outbox_depth() == 0);
}

TEST_CASE("posts to one channel are paced; the thread root is delivered before its replies") {
    fixture f;
    f.platform.pace_limits = chat::pace{milliseconds{40}, 2};
    f.run({"start Payments down", "sev 1", "sev 2", "title Payments API down", "resolve"});
    auto& d = f.platform.delivered;
    REQUIRE(d.size() >= 7);
    // Never faster than the pace: any k+burst consecutive posts span at least k intervals.
    for (std::size_t i = 2; i < d.size(); ++i) CHECK(d[i].at - d[i - 2].at >= milliseconds{39});
    CHECK(f.application->stats().value("hindsight_outbox_paced_total") > 0);
    // The review thread: its root was posted first, and replies carry the root's id.
    std::string root_id;
    for (std::size_t i = 0; i < d.size(); ++i)
        if (chat::defined_thread_of(d[i].message) == "review:1")
            root_id = "1700000000." + std::to_string(i + 1);
    REQUIRE_FALSE(root_id.empty());
    bool replied = false;
    for (const auto& r : d)
        if (auto* reply = std::get_if<chat::thread_reply>(&r.message);
            reply && reply->thread_key == "review:1") {
            CHECK(reply->thread_root == root_id);
            replied = true;
        }
    CHECK(replied);
}
