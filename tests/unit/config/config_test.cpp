#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "config/config.hpp"

#ifndef HINDSIGHT_SOURCE_DIR
#define HINDSIGHT_SOURCE_DIR "."
#endif

using namespace hindsight::config;

namespace {

environment_lookup env_of(std::map<std::string, std::string> values) {
    return [values](const std::string& name) -> std::optional<std::string> {
        auto found = values.find(name);
        if (found == values.end()) return std::nullopt;
        return found->second;
    };
}

const environment_lookup no_env = env_of({});

std::string error_of(std::string_view text, const environment_lookup& env = no_env) {
    auto loaded = load_config_text(text, "test.toml", env);
    REQUIRE_FALSE(loaded);
    CHECK(loaded.failure().code == hindsight::errc::config_invalid);
    return loaded.failure().message;
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}
bool starts_with(const std::string& text, std::string_view part) {
    return text.rfind(part, 0) == 0;
}

// A file in the temp directory, removed at the end of the test.
struct temp_file {
    std::filesystem::path path;
    temp_file(const std::string& name, const std::string& content)
        : path(std::filesystem::temp_directory_path() / ("hindsight-config-test-" + name)) {
        std::ofstream(path, std::ios::binary) << content;
    }
    ~temp_file() {
        std::error_code ignored;
        std::filesystem::remove(path, ignored);
    }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
};

}  // namespace

TEST_CASE("defaults") {
    settings cfg = default_settings(no_env);
    CHECK(cfg == settings{});
    CHECK(cfg.time_zone == "UTC");
    CHECK(cfg.log_level == "info");
    CHECK(cfg.capture.emojis == std::vector<std::string>{"pushpin", "round_pushpin"});
    CHECK(cfg.capture.prefixes == std::vector<std::string>{"!tl", "tl:"});
    CHECK(cfg.capture.confirm_emoji == "white_check_mark");
    CHECK_FALSE(cfg.incidents.create_channel);
    CHECK(cfg.incidents.command == "incident");
    CHECK(cfg.incidents.default_severity == "sev3");
    CHECK(cfg.review.max_whys == 5);
    CHECK(cfg.review.due_business_days == std::array<int, 4>{3, 5, 10, 10});
    CHECK(cfg.actions.default_due_days == std::array<int, 4>{7, 14, 30, 30});
    CHECK(cfg.actions.max_snooze_days == 30);
    CHECK(cfg.reminders.weekly == "mon 09:00");
    CHECK(cfg.reminders.digest_channel.empty());
    CHECK(cfg.reminders.escalate_after_days == 7);
    CHECK(cfg.http.listen == "127.0.0.1:8080");
    CHECK(cfg.http.max_body_bytes == 1048576);
    CHECK(cfg.storage.path == "hindsight.db");
    CHECK(cfg.slack.api_url == "https://slack.com/api/");
    CHECK(cfg.slack.mode == slack_mode::socket);
    CHECK_FALSE(has_slack(cfg));
    CHECK_FALSE(has_mattermost(cfg));

    auto empty = load_config_text("", "empty.toml", no_env);
    REQUIRE(empty);
    CHECK(*empty == settings{});
}

TEST_CASE("the example file documents every key and loads to the defaults") {
    const std::string path = std::string(HINDSIGHT_SOURCE_DIR) + "/config/hindsight.example.toml";
    auto loaded = load_config_file(path, no_env);
    INFO((loaded ? std::string() : loaded.failure().message));
    REQUIRE(loaded);
    CHECK(*loaded == default_settings(no_env));

    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const char* key : {"time_zone",
                            "log_level",
                            "emojis",
                            "prefixes",
                            "confirm_emoji",
                            "create_channel",
                            "command",
                            "default_severity",
                            "max_whys",
                            "timebox",
                            "due_business_days",
                            "max_snooze_days",
                            "default_due_days",
                            "weekly",
                            "digest_channel",
                            "escalate_after_days",
                            "status_updates",
                            "status_update_minutes",
                            "listen",
                            "tls_cert",
                            "tls_key",
                            "max_body_bytes",
                            "ca_file",
                            "path",
                            "enabled",
                            "api_url",
                            "mode",
                            "url",
                            "team",
                            "SLACK_BOT_TOKEN",
                            "SLACK_APP_TOKEN",
                            "SLACK_SIGNING_SECRET",
                            "MATTERMOST_URL",
                            "MATTERMOST_TOKEN",
                            "MATTERMOST_COMMAND_TOKEN",
                            "_FILE"}) {
        INFO(key);
        CHECK(contains(text, key));
    }
}

TEST_CASE("values are read into the typed settings") {
    auto loaded = load_config_text(R"(
time_zone = "Europe/Berlin"
log_level = "debug"
[capture]
emojis = ["pushpin", "memo"]
prefixes = ["!log"]
confirm_emoji = "eyes"
[incidents]
create_channel = true
command = "inc"
default_severity = "sev2"
[review]
max_whys = 3
due_business_days = { sev1 = 2 }
[actions.default_due_days]
sev1 = 3
sev4 = 60
[reminders]
weekly = "fri 16:30"
digest_channel = "incident-actions"
escalate_after_days = 3
status_updates = true
status_update_minutes = { sev1 = 15 }
[http]
listen = "[::1]:9090"
tls_cert = "/etc/hindsight/cert.pem"
tls_key = "/etc/hindsight/key.pem"
max_body_bytes = 65536
[tls]
ca_file = "/etc/ssl/extra.pem"
[storage]
path = "/var/lib/hindsight/db.sqlite"
[slack]
enabled = true
api_url = "http://127.0.0.1:9999/api"
mode = "http"
[mattermost]
enabled = true
url = "https://chat.example.com/"
team = "ops"
)",
                                   "t.toml", no_env);
    INFO((loaded ? std::string() : loaded.failure().message));
    REQUIRE(loaded);
    const settings& cfg = *loaded;
    CHECK(cfg.time_zone == "Europe/Berlin");
    CHECK(cfg.log_level == "debug");
    CHECK(cfg.capture.emojis == std::vector<std::string>{"pushpin", "memo"});
    CHECK(cfg.capture.prefixes == std::vector<std::string>{"!log"});
    CHECK(cfg.capture.confirm_emoji == "eyes");
    CHECK(cfg.incidents.create_channel);
    CHECK(cfg.incidents.command == "inc");
    CHECK(cfg.incidents.default_severity == "sev2");
    CHECK(cfg.review.max_whys == 3);
    CHECK(cfg.review.due_business_days == std::array<int, 4>{2, 5, 10, 10});
    CHECK(cfg.actions.default_due_days == std::array<int, 4>{3, 14, 30, 60});
    CHECK(load_config_text("[review]\ntimebox = \"1h\"\n", "t.toml", no_env)->review.timebox == "1h");
    CHECK(load_config_text("[review]\ntimebox = \"\"\n", "t.toml", no_env)->review.timebox.empty());
    CHECK(error_of("[review]\ntimebox = \"forty\"\n") ==
          "test.toml:2: review.timebox must be a session length like \"45m\" or \"1h\", or \"\" for none");
    auto snooze = load_config_text("[actions]\nmax_snooze_days = 14\n", "t.toml", no_env);
    REQUIRE(snooze);
    CHECK(snooze->actions.max_snooze_days == 14);
    CHECK(cfg.reminders.weekly == "fri 16:30");
    CHECK(cfg.reminders.digest_channel == "incident-actions");
    CHECK(cfg.reminders.escalate_after_days == 3);
    CHECK(cfg.reminders.status_updates);
    CHECK(cfg.reminders.status_update_minutes == std::array<int, 4>{15, 60, 120, 240});
    CHECK(cfg.http.listen == "[::1]:9090");
    CHECK(cfg.http.tls_cert == "/etc/hindsight/cert.pem");
    CHECK(cfg.http.tls_key == "/etc/hindsight/key.pem");
    CHECK(cfg.http.max_body_bytes == 65536);
    CHECK(cfg.tls.ca_file == "/etc/ssl/extra.pem");
    CHECK(cfg.storage.path == "/var/lib/hindsight/db.sqlite");
    CHECK(cfg.slack.enabled == true);
    CHECK(cfg.slack.api_url == "http://127.0.0.1:9999/api/");  // the trailing slash is added
    CHECK(cfg.slack.mode == slack_mode::http);
    CHECK(cfg.mattermost.enabled == true);
    CHECK(cfg.secret.mattermost_url ==
          "https://chat.example.com");  // from the file, without the trailing slash
    CHECK(cfg.mattermost.team == "ops");

    auto dotted = load_config_text("review.max_whys = 7\ncapture.emojis = []\n", "t.toml", no_env);
    REQUIRE(dotted);
    CHECK(dotted->review.max_whys == 7);
    CHECK(dotted->capture.emojis.empty());
}

TEST_CASE("a wrong type names the key and the line") {
    CHECK(error_of("\n[capture]\nemojis = \"pushpin\"\n") ==
          "test.toml:3: capture.emojis must be an array of strings");
    CHECK(error_of("[capture]\nemojis = [\"pushpin\",\n  3]\n") ==
          "test.toml:3: capture.emojis must be an array of strings");
    CHECK(error_of("[review]\nmax_whys = \"5\"\n") == "test.toml:2: review.max_whys must be a whole number");
    CHECK(error_of("[slack]\nenabled = \"yes\"\n") == "test.toml:2: slack.enabled must be true or false");
    CHECK(error_of("time_zone = 1\n") == "test.toml:1: time_zone must be a string");
    CHECK(starts_with(error_of("[review]\ndue_business_days = [3, 5, 10, 10]\n"),
                      "test.toml:2: review.due_business_days must be a table keyed sev1..sev4"));
    CHECK(error_of("capture = 3\n") == "test.toml:1: capture must be a table ([capture])");
}

TEST_CASE("an unknown key names the line and suggests the closest known key") {
    CHECK(error_of("[reminders]\nweeky = \"mon 09:00\"\n") ==
          "test.toml:2: unknown key 'reminders.weeky' (did you mean 'reminders.weekly'?)");
    CHECK(error_of("\n\n[reminder]\nweekly = \"mon 09:00\"\n") ==
          "test.toml:3: unknown key 'reminder' (did you mean 'reminders'?)");
    CHECK(error_of("[capture]\nweekly = \"mon 09:00\"\n") ==
          "test.toml:2: unknown key 'capture.weekly' (did you mean 'reminders.weekly'?)");
    CHECK(error_of("[review]\ncompletely_different = 1\n") ==
          "test.toml:2: unknown key 'review.completely_different'");
    CHECK(starts_with(error_of("[review.due_business_days]\nsev1 = 3\nsev5 = 4\n"),
                      "test.toml:3: unknown key 'review.due_business_days.sev5'"));
}

TEST_CASE("an out-of-range value names the key and the line") {
    CHECK(error_of("[review]\nmax_whys = 50\n") ==
          "test.toml:2: review.max_whys must be between 1 and 10 (not 50)");
    CHECK(error_of("[review]\nmax_whys = 0\n") ==
          "test.toml:2: review.max_whys must be between 1 and 10 (not 0)");
    CHECK(starts_with(error_of("[actions]\ndefault_due_days = { sev1 = 7, sev2 = 0 }\n"),
                      "test.toml:2: actions.default_due_days.sev2 must be between 1 and"));
    CHECK(starts_with(error_of("[review.due_business_days]\nsev1 = 3\n\nsev3 = -1\n"),
                      "test.toml:4: review.due_business_days.sev3 must be between 1 and"));
    CHECK(error_of("[actions]\nmax_snooze_days = 0\n") ==
          "test.toml:2: actions.max_snooze_days must be between 1 and 365 (not 0)");
    CHECK(starts_with(error_of("[reminders]\nescalate_after_days = 0\n"),
                      "test.toml:2: reminders.escalate_after_days must be between 1 and"));
    CHECK(error_of("[incidents]\ndefault_severity = \"sev5\"\n") ==
          "test.toml:2: incidents.default_severity must be sev1, sev2, sev3 or sev4");
    CHECK(starts_with(error_of("[reminders]\nweekly = \"someday\"\n"),
                      "test.toml:2: reminders.weekly must look like"));
    CHECK(starts_with(error_of("[reminders]\nweekly = \"mon 25:00\"\n"), "test.toml:2: reminders.weekly"));
    CHECK(starts_with(error_of("[reminders]\nweekly = \"Monday 09:00\"\n"), "test.toml:2: reminders.weekly"));
    CHECK(starts_with(error_of("[slack]\nmode = \"websocket\"\n"),
                      "test.toml:2: slack.mode must be \"socket\""));
    CHECK(starts_with(error_of("[http]\nlisten = \"8080\"\n"), "test.toml:2: http.listen must be host:port"));
    CHECK(starts_with(error_of("[http]\nlisten = \"localhost:99999\"\n"), "test.toml:2: http.listen"));
    CHECK(starts_with(error_of("[http]\nlisten = \"::1:8080\"\n"), "test.toml:2: http.listen"));
    CHECK(contains(error_of("[capture]\nemojis = [\":pushpin:\"]\n"), "test.toml:2: capture.emojis"));
    CHECK(contains(error_of("[capture]\nemojis = [\":pushpin:\"]\n"), "without colons"));
    CHECK(
        contains(error_of("[capture]\nconfirm_emoji = \":eyes:\"\n"), "test.toml:2: capture.confirm_emoji"));
    CHECK(contains(error_of("[capture]\nprefixes = [\"!tl\", \"\"]\n"), "test.toml:2: capture.prefixes"));
    CHECK(contains(error_of("[incidents]\ncommand = \"/incident\"\n"), "without the slash"));
    CHECK(error_of("time_zone = \"Mars/Olympus\"\n") ==
          "test.toml:1: time_zone 'Mars/Olympus' is not a known IANA time zone (like \"Europe/Berlin\" or "
          "\"UTC\")");
    CHECK(contains(error_of("time_zone = \"../../etc/passwd\"\n"), "not a known IANA time zone"));
    CHECK(contains(error_of("time_zone = \"zone.tab\"\n"), "not a known IANA time zone"));
    CHECK(contains(error_of("time_zone = \"Europe\"\n"), "not a known IANA time zone"));
    CHECK(contains(error_of("log_level = \"loud\"\n"), "test.toml:1: log_level must be one of"));
    CHECK(contains(error_of("[storage]\npath = \"\"\n"), "test.toml:2: storage.path must not be empty"));
    CHECK(contains(error_of("[http]\nmax_body_bytes = 10\n"),
                   "test.toml:2: http.max_body_bytes must be between"));
    CHECK(contains(error_of("[http]\ntls_cert = \"c.pem\"\n"),
                   "test.toml:2: http.tls_cert is set but http.tls_key"));
}

TEST_CASE("remote URLs are TLS except on loopback") {
    CHECK(
        contains(error_of("[slack]\napi_url = \"http://example.com/api/\"\n"), "test.toml:2: slack.api_url"));
    CHECK(contains(error_of("[slack]\napi_url = \"http://example.com/api/\"\n"), "loopback"));
    CHECK(contains(error_of("[slack]\napi_url = \"http://localhost.evil.example/api/\"\n"), "loopback"));
    CHECK(contains(error_of("[slack]\napi_url = \"ftp://slack.com/api/\"\n"), "https://"));
    CHECK(contains(error_of("[slack]\napi_url = \"https://user:pw@slack.com/api/\"\n"),
                   "user name or password"));
    CHECK(contains(error_of("[mattermost]\nurl = \"http://chat.example.com\"\n"),
                   "test.toml:2: mattermost.url"));
    for (const char* ok :
         {"http://localhost:8065", "http://127.0.0.1:8065/", "http://[::1]:8065", "https://chat.x"}) {
        auto loaded = load_config_text(std::string("[mattermost]\nurl = \"") + ok + "\"\n", "t.toml", no_env);
        INFO(ok);
        CHECK(loaded);
    }
}

TEST_CASE("a syntax error reports file, line and column") {
    auto message = error_of("[capture]\nemojis = [\"a\"]\n\nprefixes = [\"!tl\"\n");
    CHECK(starts_with(message, "test.toml:4:"));
    auto header = error_of("[capture\nemojis = 1\n");
    CHECK(starts_with(header, "test.toml:1:"));
    CHECK(header.size() > std::string("test.toml:1:1: ").size());    // toml++'s description follows
    CHECK(starts_with(error_of("a = 1\na = 2\n"), "test.toml:2:"));  // a redefined key
}

TEST_CASE("several problems are all reported, in line order") {
    auto message = error_of("[review]\nmax_whys = 0\n[capture]\nemojis = 1\n[reminders]\nweeky = 1\n");
    CHECK(message ==
          "test.toml:2: review.max_whys must be between 1 and 10 (not 0)\n"
          "test.toml:4: capture.emojis must be an array of strings\n"
          "test.toml:6: unknown key 'reminders.weeky' (did you mean 'reminders.weekly'?)");
}

TEST_CASE("a secret in the file is refused without echoing it") {
    auto message = error_of("[slack]\nmode = \"socket\"\nbot_token = \"xoxb-very-secret\"\n");
    CHECK(starts_with(message, "test.toml:3: slack.bot_token is a secret"));
    CHECK(contains(message, "SLACK_BOT_TOKEN"));
    CHECK_FALSE(contains(message, "xoxb-very-secret"));
    CHECK(contains(error_of("[slack]\napp_token = \"xapp-1\"\n"), "SLACK_APP_TOKEN"));
    CHECK(contains(error_of("[slack]\nsigning_secret = \"s\"\n"), "SLACK_SIGNING_SECRET"));
    CHECK(contains(error_of("[mattermost]\ntoken = \"t\"\n"), "MATTERMOST_TOKEN"));
    CHECK(contains(error_of("[mattermost]\ncommand_token = \"t\"\n"), "MATTERMOST_COMMAND_TOKEN"));
    auto generic = error_of("[secrets]\nslack = \"xoxb-hidden\"\n");
    CHECK(starts_with(generic, "test.toml:1: unknown key 'secrets'"));
    CHECK(contains(generic, "environment"));
    CHECK_FALSE(contains(generic, "xoxb-hidden"));
}

TEST_CASE("secrets come from the environment or from *_FILE") {
    temp_file app_token("app", "xapp-from-file\n\n");
    auto loaded = load_config_text("", "t.toml",
                                   env_of({{"SLACK_BOT_TOKEN", "xoxb-secret-value"},
                                           {"SLACK_APP_TOKEN_FILE", app_token.path.string()},
                                           {"MATTERMOST_URL", "https://chat.example.com/"},
                                           {"MATTERMOST_TOKEN", "mm-token-value"},
                                           {"MATTERMOST_COMMAND_TOKEN", "mm-command-value"},
                                           {"SLACK_SIGNING_SECRET", "signing-value"}}));
    REQUIRE(loaded);
    CHECK(loaded->secret.slack_bot_token == "xoxb-secret-value");
    CHECK(loaded->secret.slack_app_token == "xapp-from-file");  // trailing newlines trimmed
    CHECK(loaded->secret.slack_signing_secret == "signing-value");
    CHECK(loaded->secret.mattermost_url == "https://chat.example.com");
    CHECK(loaded->secret.mattermost_token == "mm-token-value");
    CHECK(loaded->secret.mattermost_command_token == "mm-command-value");

    // default_settings reads them too
    auto defaults = default_settings(env_of({{"SLACK_BOT_TOKEN_FILE", app_token.path.string()}}));
    CHECK(defaults.secret.slack_bot_token == "xapp-from-file");

    // the plain variable wins over *_FILE
    auto both = load_config_text(
        "", "t.toml",
        env_of({{"SLACK_BOT_TOKEN", "plain"}, {"SLACK_BOT_TOKEN_FILE", app_token.path.string()}}));
    REQUIRE(both);
    CHECK(both->secret.slack_bot_token == "plain");

    // MATTERMOST_URL overrides mattermost.url from the file
    auto file_url = load_config_text("[mattermost]\nurl = \"https://file.example.com\"\n", "t.toml", no_env);
    REQUIRE(file_url);
    CHECK(file_url->secret.mattermost_url == "https://file.example.com");
    auto env_url = load_config_text("[mattermost]\nurl = \"https://file.example.com\"\n", "t.toml",
                                    env_of({{"MATTERMOST_URL", "https://env.example.com"}}));
    REQUIRE(env_url);
    CHECK(env_url->secret.mattermost_url == "https://env.example.com");
}

TEST_CASE("an unreadable *_FILE is an error naming the variable") {
    auto missing = load_config_text("", "t.toml", env_of({{"MATTERMOST_TOKEN_FILE", "/nonexistent/token"}}));
    REQUIRE_FALSE(missing);
    CHECK(missing.failure().code == hindsight::errc::config_invalid);
    CHECK(starts_with(missing.failure().message, "MATTERMOST_TOKEN_FILE"));

    auto directory = load_config_text(
        "", "t.toml", env_of({{"SLACK_BOT_TOKEN_FILE", std::filesystem::temp_directory_path().string()}}));
    REQUIRE_FALSE(directory);
    CHECK(starts_with(directory.failure().message, "SLACK_BOT_TOKEN_FILE"));

    temp_file empty("empty", "\n");
    auto blank = load_config_text("", "t.toml", env_of({{"SLACK_APP_TOKEN_FILE", empty.path.string()}}));
    REQUIRE_FALSE(blank);
    CHECK(starts_with(blank.failure().message, "SLACK_APP_TOKEN_FILE"));

    auto bad_url = load_config_text("", "t.toml", env_of({{"MATTERMOST_URL", "http://chat.example.com"}}));
    REQUIRE_FALSE(bad_url);
    CHECK(starts_with(bad_url.failure().message, "MATTERMOST_URL must"));
    CHECK_FALSE(contains(bad_url.failure().message, "chat.example.com"));

    // default_settings is lenient: the unreadable secret is just unset
    auto lenient = default_settings(env_of({{"MATTERMOST_TOKEN_FILE", "/nonexistent/token"}}));
    CHECK(lenient.secret.mattermost_token.empty());

    auto no_file = load_config_file("/nonexistent/hindsight.toml", no_env);
    REQUIRE_FALSE(no_file);
    CHECK(starts_with(no_file.failure().message, "/nonexistent/hindsight.toml: cannot read"));
}

TEST_CASE("describe_for_log never shows a secret") {
    temp_file command_token("command", "mm-command-from-file\n");
    auto loaded = load_config_text("", "t.toml",
                                   env_of({{"SLACK_BOT_TOKEN", "xoxb-secret-value"},
                                           {"SLACK_APP_TOKEN", "xapp-secret-value"},
                                           {"SLACK_SIGNING_SECRET", "signing-secret-value"},
                                           {"MATTERMOST_URL", "https://secret-host.example.com"},
                                           {"MATTERMOST_TOKEN", "mm-token-value"},
                                           {"MATTERMOST_COMMAND_TOKEN_FILE", command_token.path.string()}}));
    REQUIRE(loaded);
    auto line = describe_for_log(*loaded);
    for (const char* secret : {"xoxb-secret-value", "xapp-secret-value", "signing-secret-value",
                               "secret-host", "mm-token-value", "mm-command-from-file"}) {
        INFO(secret);
        CHECK_FALSE(contains(line, secret));
    }
    CHECK(contains(line, "SLACK_BOT_TOKEN=set"));
    CHECK(contains(line, "MATTERMOST_COMMAND_TOKEN=set"));
    CHECK(line.find('\n') == std::string::npos);

    auto none = describe_for_log(default_settings(no_env));
    CHECK(contains(none, "SLACK_BOT_TOKEN=unset"));
    CHECK(contains(none, "MATTERMOST_URL=unset"));
}

TEST_CASE("has_slack and has_mattermost") {
    settings cfg;
    CHECK_FALSE(has_slack(cfg));
    cfg.secret.slack_bot_token = "xoxb";
    CHECK_FALSE(has_slack(cfg));  // socket mode needs the app token
    cfg.secret.slack_app_token = "xapp";
    CHECK(has_slack(cfg));
    cfg.slack.mode = slack_mode::http;
    CHECK_FALSE(has_slack(cfg));  // http mode needs the signing secret
    cfg.secret.slack_signing_secret = "signing";
    CHECK(has_slack(cfg));
    cfg.secret.slack_bot_token.clear();
    CHECK_FALSE(has_slack(cfg));

    CHECK_FALSE(has_mattermost(cfg));
    cfg.secret.mattermost_url = "https://chat.example.com";
    CHECK_FALSE(has_mattermost(cfg));
    cfg.secret.mattermost_token = "token";
    CHECK(has_mattermost(cfg));
    cfg.secret.mattermost_url.clear();
    CHECK_FALSE(has_mattermost(cfg));

    auto from_env = load_config_text("[mattermost]\nurl = \"https://chat.example.com\"\n", "t.toml",
                                     env_of({{"MATTERMOST_TOKEN", "token"}}));
    REQUIRE(from_env);
    CHECK(has_mattermost(*from_env));
}

TEST_CASE(
    "enabled decides whether a platform connects: unset follows the secrets, false never, true requires "
    "them") {
    auto env = env_of({{"SLACK_BOT_TOKEN", "xoxb-1"}, {"SLACK_APP_TOKEN", "xapp-1"}});
    auto unset = load_config_text("", "t.toml", env);
    REQUIRE(unset);
    CHECK(has_slack(*unset));
    CHECK_FALSE(has_mattermost(*unset));
    CHECK(missing_platform_secrets(*unset).empty());
    auto off = load_config_text("[slack]\nenabled = false\n", "t.toml", env);
    CHECK_FALSE(has_slack(*off));
    auto required = load_config_text("[mattermost]\nenabled = true\n", "t.toml", env);
    CHECK(missing_platform_secrets(*required) ==
          "mattermost.enabled is true but MATTERMOST_URL and MATTERMOST_TOKEN are not both set");
    auto http = load_config_text("[slack]\nenabled = true\nmode = \"http\"\n", "t.toml", env);
    CHECK(missing_platform_secrets(*http) ==
          "slack.enabled is true but SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not both set");
}

TEST_CASE("alert routes are read whole, and every problem names its line") {
    auto loaded = load_config_text(R"(
[alerts]
unrouted_channel = "C-ops"
alertmanager_url = "http://127.0.0.1:9093/"
silence_lookback = "14d"
[[alerts.routes]]
matchers = ['service="checkout"', 'severity=~"critical|page"']
channel = "C1"
declare = true
private = true
severity_labels = { critical = "sev1", page = "sev2" }
[[alerts.routes]]
channel = "C2"
)",
                                   "test.toml", env_of({{"ALERTS_TOKEN", "tok"}}));
    INFO((loaded ? std::string() : loaded.failure().message));
    REQUIRE(loaded);
    const auto& a = loaded->alerts;
    REQUIRE(a.routes.size() == 2);
    CHECK(a.routes[0].matchers.size() == 2);
    CHECK(a.routes[0].declare);
    CHECK(a.routes[0].private_channel);
    CHECK(a.routes[0].severity_labels ==
          std::vector<std::pair<std::string, std::string>>{{"critical", "sev1"}, {"page", "sev2"}});
    CHECK(a.routes[1].matchers.empty());
    CHECK(a.routes[1].private_channel);  // unsaid: assumed private
    CHECK(a.alertmanager_url == "http://127.0.0.1:9093");
    CHECK(a.silence_lookback == "14d");
    CHECK(loaded->secret.alerts_token == "tok");

    auto message = error_of(R"(
[[alerts.routes]]
matchers = ['service=~"("']
channel = "C1"
[[alerts.routes]]
declare = true
[[alerts.routes]]
channel = "C3"
severity_labels = { critical = "urgent" }
colour = "red"
[alerts]
silence_lookback = "a month"
alertmanager_url = "http://alertmanager.example:9093"
)");
    CHECK(contains(message, "test.toml:3: alerts.routes.matchers has "));
    CHECK(contains(message, "test.toml:5: alerts.routes needs a channel"));
    CHECK(contains(message,
                   "test.toml:9: alerts.routes.severity_labels.critical must be sev1, sev2, sev3 or sev4"));
    INFO(message);
    CHECK(contains(message, "test.toml:10: unknown key 'alerts.routes.colour'"));
    CHECK(contains(message, "alerts.silence_lookback must be a duration"));
    CHECK(contains(message, "alerts.alertmanager_url "));
    CHECK(contains(error_of("[alerts]\ntoken = \"x\"\n"), "ALERTS_TOKEN"));
}

TEST_CASE("[trackers]: a GitHub repository, routes, users; secrets only from the environment") {
    auto loaded =
        load_config_text(R"(
[trackers]
close_issues = false
[trackers.github]
repo = "acme/reliability"
api_url = "http://127.0.0.1:9000"
labels = ["hindsight", "postmortem-action"]
[[trackers.routes]]
tracker = "github"
types = ["tooling", "detection"]
private = true
[[trackers.routes]]
[trackers.users]
"U024BE7LH" = { github = "alice" }
)",
                         "test.toml", env_of({{"GITHUB_TOKEN", "ghp_x"}, {"GITHUB_WEBHOOK_SECRET", "s"}}));
    INFO((loaded ? std::string() : loaded.failure().message));
    REQUIRE(loaded);
    const auto& t = loaded->trackers;
    CHECK_FALSE(t.close_issues);
    CHECK(t.github.repo == "acme/reliability");
    CHECK(t.github.api_url == "http://127.0.0.1:9000/");
    CHECK(t.github.labels == std::vector<std::string>{"hindsight", "postmortem-action"});
    REQUIRE(t.routes.size() == 2);
    CHECK(t.routes[0].types == std::vector<std::string>{"tooling", "detection"});
    CHECK(t.routes[0].allow_private);
    CHECK(t.routes[1].tracker == "github");
    CHECK_FALSE(t.routes[1].allow_private);
    REQUIRE(t.users.size() == 1);
    CHECK(t.users[0].chat_user == "U024BE7LH");
    CHECK(t.users[0].github == "alice");
    CHECK(loaded->secret.github_token == "ghp_x");
    CHECK(loaded->secret.github_webhook_secret == "s");
    CHECK(missing_platform_secrets(*loaded).empty());

    auto message = error_of(R"(
[trackers.github]
repo = "not a repo"
token = "ghp_leak"
[[trackers.routes]]
tracker = "jira"
types = ["chores"]
when = "always"
[trackers.users]
"U1" = "alice"
)");
    INFO(message);
    CHECK(contains(message, "test.toml:3: trackers.github.repo must be owner/name"));
    CHECK(contains(message, "GITHUB_TOKEN"));
    CHECK_FALSE(contains(message, "ghp_leak"));
    CHECK(contains(message, "trackers.routes names \"jira\" but trackers.jira.url is not set"));
    CHECK(contains(message, "trackers.routes.types must hold action types"));
    CHECK(contains(message, "unknown key 'trackers.routes.when'"));
    CHECK(contains(message, "trackers.users.U1 must be a table"));
    CHECK(
        contains(error_of("[[trackers.routes]]\ntracker = \"github\"\n"), "trackers.github.repo is not set"));
    auto without_token = load_config_text("[trackers.github]\nrepo = \"acme/r\"\n", "test.toml", no_env);
    REQUIRE(without_token);
    CHECK(contains(missing_platform_secrets(*without_token), "GITHUB_TOKEN"));
}

TEST_CASE("[trackers.jira]: Cloud or Data Center, a project, won't-do resolutions; its secrets") {
    auto loaded = load_config_text(
        R"(
[trackers.jira]
url = "https://acme.atlassian.net"
project = "OPS"
issue_type = "Bug"
labels = ["postmortem-action"]
wontdo_resolutions = ["Won't Fix"]
[[trackers.routes]]
tracker = "jira"
[trackers.users]
"U024BE7LH" = { github = "alice", jira = "5b10ac8d82e05b22cc7d4ef5" }
)",
        "test.toml",
        env_of({{"JIRA_EMAIL", "bot@acme.example"}, {"JIRA_API_TOKEN", "t"}, {"JIRA_WEBHOOK_SECRET", "w"}}));
    INFO((loaded ? std::string() : loaded.failure().message));
    REQUIRE(loaded);
    const auto& j = loaded->trackers.jira;
    CHECK(j.url == "https://acme.atlassian.net/");
    CHECK(j.cloud);
    CHECK(j.project == "OPS");
    CHECK(j.issue_type == "Bug");
    CHECK(j.labels == std::vector<std::string>{"postmortem-action"});
    CHECK(j.wontdo_resolutions == std::vector<std::string>{"Won't Fix"});
    CHECK(loaded->trackers.routes.at(0).tracker == "jira");
    CHECK(loaded->trackers.users.at(0).jira == "5b10ac8d82e05b22cc7d4ef5");
    CHECK(loaded->secret.jira_webhook_secret == "w");
    CHECK(missing_platform_secrets(*loaded).empty());

    auto dc = load_config_text(
        "[trackers.jira]\nurl = \"https://jira.corp\"\nflavor = \"datacenter\"\nproject = \"OPS\"\n",
        "test.toml", no_env);
    REQUIRE(dc);
    CHECK_FALSE(dc->trackers.jira.cloud);
    CHECK(contains(missing_platform_secrets(*dc), "JIRA_PAT"));
    auto cloud = load_config_text(
        "[trackers.jira]\nurl = \"https://acme.atlassian.net\"\nproject = \"OPS\"\n", "test.toml", no_env);
    REQUIRE(cloud);
    CHECK(contains(missing_platform_secrets(*cloud), "JIRA_EMAIL and JIRA_API_TOKEN"));

    auto message = error_of(R"(
[trackers.jira]
url = "https://acme.atlassian.net"
flavor = "server"
project = "ops team"
labels = ["two words"]
token = "leaked-token"
)");
    INFO(message);
    CHECK(contains(message, "test.toml:4: trackers.jira.flavor must be \"cloud\""));
    CHECK(contains(message, "trackers.jira.project must be a project key"));
    CHECK(contains(message, "trackers.jira.labels must not contain an empty label, a space"));
    CHECK(contains(message, "JIRA_API_TOKEN"));
    CHECK_FALSE(contains(message, "leaked-token"));
    CHECK(contains(error_of("[trackers.jira]\nurl = \"https://acme.atlassian.net\"\n"),
                   "trackers.jira.url is set but trackers.jira.project is not"));
}
