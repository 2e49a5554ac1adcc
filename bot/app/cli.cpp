#include "bot/app/cli.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "bot/alerts/receiver.hpp"
#include "bot/alerts/silence_watch.hpp"
#include "bot/app/app.hpp"
#include "bot/common/reconnect_policy.hpp"
#include "bot/console/platform.hpp"
#include "bot/mattermost/platform.hpp"
#include "bot/net/http_server.hpp"
#include "bot/slack/platform.hpp"
#include "bot/trackers/github_worker.hpp"
#include "bot/trackers/jira_worker.hpp"
#include "commands/arguments.hpp"
#include "commands/handlers.hpp"
#include "commands/zones.hpp"
#include "config/config.hpp"
#include "domain/blame_checker.hpp"
#include "domain/postmortem.hpp"
#include "storage/action_store.hpp"
#include "storage/incident_store.hpp"
#include "storage/review_store.hpp"
#include "storage/timeline_store.hpp"

#ifndef HINDSIGHT_VERSION
#define HINDSIGHT_VERSION "dev"
#endif

namespace hindsight::bot {
namespace asio = boost::asio;

namespace {

struct common_options {
    std::string config_path;
    std::string db_path;
};

// Loads the configuration (or the defaults) and applies --db. Prints the reason and returns nullopt on
// failure.
std::optional<config::settings> load_settings(const common_options& common) {
    auto env = config::process_environment();
    config::settings cfg;
    if (common.config_path.empty()) {
        cfg = config::default_settings(env);
    } else {
        auto loaded = config::load_config_file(common.config_path, env);
        if (!loaded) {
            std::cerr << "hindsight: " << loaded.failure().message << "\n";
            return std::nullopt;
        }
        cfg = *loaded;
    }
    if (!common.db_path.empty()) cfg.storage.path = common.db_path;
    return cfg;
}

std::unique_ptr<storage::database> open_database(const config::settings& cfg, bool read_only = false) {
    if (read_only && !std::filesystem::exists(cfg.storage.path)) {
        std::cerr << "hindsight: there is no database at " << cfg.storage.path << " (set it with --db)\n";
        return nullptr;
    }
    try {
        return std::make_unique<storage::database>(cfg.storage.path,
                                                   storage::open_options{.read_only = read_only});
    } catch (const storage::storage_error& failure) {
        std::cerr << "hindsight: " << failure.what() << "\n";
        return nullptr;
    }
}

int run_console(const common_options& common, const std::string& user, const std::string& start_time) {
    auto cfg = load_settings(common);
    if (!cfg) return 2;
    std::optional<domain::timestamp> start;
    if (!start_time.empty()) {
        start = domain::parse_iso(start_time);
        if (!start) {
            std::cerr << "hindsight: --now '" << start_time << "' is not a time like 2026-03-01T10:00:00Z\n";
            return 2;
        }
    }
    auto db = open_database(*cfg);
    if (!db) return 2;
    asio::io_context io;
    clock time(start);
    app application(io, *db, *cfg, time, "console");
    console_platform console(std::cin, std::cout, time, user, cfg->incidents.command);
    application.add_platform(console);
    application.run_imports_inline();
    int exit_code = 0;
    asio::co_spawn(io, console.run(application.sink()), [&](std::exception_ptr failure) {
        if (!failure) return;
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            std::cerr << "hindsight: " << e.what() << "\n";
            exit_code = 1;
        }
    });
    io.run();
    return exit_code;
}

asio::awaitable<http_response> ready_response(http_response response) {
    co_return response;
}

// Which configured platforms are up: /readyz names the ones that are not, and why.
class platform_health {
public:
    void set(const std::string& name, std::string state) { states_[name] = std::move(state); }
    std::string problems() const {
        std::string out;
        for (const auto& [name, state] : states_)
            if (state != "up") out += name + ": " + state + "\n";
        return out;
    }

private:
    std::map<std::string, std::string> states_;
};

void add_service_routes(http_server& server, app& application, const platform_health& health) {
    // Handlers compute their answer synchronously and hand back a ready awaitable: no coroutine lambdas.
    server.route("GET", "/healthz", [](const http_request&) {
        return ready_response({200, "text/plain; charset=utf-8", "ok\n"});
    });
    server.route("GET", "/readyz", [&application, &health](const http_request&) {
        auto problems = health.problems();
        bool ready = problems.empty() && application.ready();
        return ready_response(
            {ready ? 200 : 503, "text/plain; charset=utf-8", ready ? "ready\n" : "not ready\n" + problems});
    });
    server.route("GET", "/metrics", [&application, &server](const http_request&) {
        auto body = application.stats().render();
        body +=
            "# HELP hindsight_http_rejected_total HTTP requests refused as malformed or too large\n"
            "# TYPE hindsight_http_rejected_total counter\nhindsight_http_rejected_total " +
            std::to_string(server.rejected()) + "\n";
        return ready_response({200, "text/plain; version=0.0.4; charset=utf-8", std::move(body)});
    });
}

// Connects one platform, retrying with backoff while it cannot be reached (DNS or the network down during an
// incident must not take the other platform, the listener and the reminders with it), then runs it.
asio::awaitable<void> bring_up(chat::platform* platform, app* application, http_server* server,
                               platform_health* health) {
    auto name = platform->name();
    asio::steady_timer wait(co_await asio::this_coro::executor);
    // Routes first: until the platform is up they answer 503, which Slack and Mattermost retry (a 404 they
    // would not).
    platform->add_routes(*server);
    for (int failures = 1;; ++failures) {
        std::string refused;
        try {
            auto connected = co_await platform->connect();
            if (connected) break;
            refused = connected.failure().message;
        } catch (const std::exception& failure) {
            refused = std::string("connecting failed: ") + failure.what();
        }
        health->set(name, "down (" + refused + ")");
        // A refused token is retried too, on the same backoff: it is often fixed (reinstalled, re-scoped)
        // while the bot runs, and exiting would take the other platform and the reminders down with it.
        auto delay = common::jittered_backoff(failures, std::chrono::seconds{60});
        spdlog::warn("{}: {}; trying again in {} ms", name, refused, delay.count());
        wait.expires_after(delay);
        co_await wait.async_wait(asio::use_awaitable);
    }
    health->set(name, "up");
    application->add_platform(*platform);
    spdlog::info("{} workspace {} connected", name, platform->workspaces().front().first);
    co_await platform->run(application->sink());
}

using connections = std::vector<std::unique_ptr<chat::platform>>;

void start_platform(asio::io_context& io, std::unique_ptr<chat::platform> platform, app& application,
                    http_server& server, platform_health& health, connections& out) {
    health.set(platform->name(), "connecting");
    application.expect_platform();
    auto name = platform->name();
    spawn_logged(io, bring_up(platform.get(), &application, &server, &health), name);
    out.push_back(std::move(platform));
}

connections start_platforms(asio::io_context& io, const config::settings& cfg, clock& time, app& application,
                            http_server& server, platform_health& health) {
    connections out;
    if (config::has_slack(cfg)) {
        start_platform(io, std::make_unique<slack_platform>(io, cfg, time, application.stats()), application,
                       server, health, out);
        spdlog::info("Slack: events over {}", cfg.slack.mode == config::slack_mode::http
                                                  ? "the Events API at /slack/events"
                                                  : "Socket Mode");
    }
    if (config::has_mattermost(cfg)) {
        start_platform(io, std::make_unique<mattermost_platform>(io, cfg, time, application.stats()),
                       application, server, health, out);
        if (cfg.secret.mattermost_command_token.empty())
            spdlog::warn("MATTERMOST_COMMAND_TOKEN is unset: every slash command will be refused with 401");
    }
    return out;
}

// On SIGINT/SIGTERM: stop taking work, let the worker finish the delivery in flight, then exit; after nine
// seconds, exit anyway.
class graceful_stop {
public:
    graceful_stop(asio::io_context& io, app& application, http_server& server, connections& platforms)
        : io_(io),
          signals_(io, SIGINT, SIGTERM),
          poll_(io),
          application_(application),
          server_(server),
          platforms_(platforms) {
        signals_.async_wait([this](const boost::system::error_code& error, int signal) {
            if (!error) begin(signal);
        });
    }

private:
    void begin(int signal) {
        spdlog::info("signal {}: stopping", signal);
        requested_ = std::chrono::steady_clock::now();
        server_.stop();
        application_.stop();
        for (auto& platform : platforms_) platform->stop();
        wait_for_worker();
    }
    void wait_for_worker() {
        bool late = std::chrono::steady_clock::now() - requested_ > std::chrono::seconds{9};
        if (application_.worker_done() || late) {
            if (late) spdlog::warn("stopping with work still in flight");
            io_.stop();
            return;
        }
        poll_.expires_after(std::chrono::milliseconds{20});
        poll_.async_wait([this](const boost::system::error_code&) { wait_for_worker(); });
    }

    asio::io_context& io_;
    asio::signal_set signals_;
    asio::steady_timer poll_;
    app& application_;
    http_server& server_;
    connections& platforms_;
    std::chrono::steady_clock::time_point requested_{};
};

int run_service(const common_options& common, bool http_only) {
    auto cfg = load_settings(common);
    if (!cfg) return 2;
    spdlog::info("starting hindsight {} ({})", HINDSIGHT_VERSION, config::describe_for_log(*cfg));
    if (auto missing = config::missing_platform_secrets(*cfg); !missing.empty()) {
        std::cerr << "hindsight: " << missing << ".\n";
        return 2;
    }
    if (!config::has_slack(*cfg) && !config::has_mattermost(*cfg) && !http_only) {
        std::cerr << "hindsight: no Slack or Mattermost workspace is configured (set SLACK_BOT_TOKEN and "
                     "SLACK_APP_TOKEN, or MATTERMOST_URL and MATTERMOST_TOKEN).\n"
                     "Try the bot locally with `hindsight console`, or serve only the HTTP endpoints with "
                     "`hindsight run --http-only`.\n";
        return 2;
    }
    auto db = open_database(*cfg);
    if (!db) return 2;
    asio::io_context io(1);
    clock time;
    app application(io, *db, *cfg, time, "none");
    std::unique_ptr<http_server> server;
    try {
        http_limits limits;
        limits.max_body_bytes = cfg->http.max_body_bytes;
        limits.body_limits_by_prefix.emplace_back("/alerts/", cfg->alerts.max_body_bytes);
        limits.tls_cert_file = cfg->http.tls_cert;
        limits.tls_key_file = cfg->http.tls_key;
        server = std::make_unique<http_server>(io, cfg->http.listen, limits);
    } catch (const std::exception& failure) {
        std::cerr << "hindsight: cannot listen on " << cfg->http.listen << ": " << failure.what() << "\n";
        return 2;
    }
    platform_health health;
    add_service_routes(*server, application, health);
    alerts::alert_receiver alert_routes(
        io, *cfg, time, application.stats(), application.sink(),
        [&application] { return application.workspaces(); },
        !http_only && (config::has_slack(*cfg) || config::has_mattermost(*cfg)));
    alert_routes.add_routes(*server);
    spawn_logged(io, alert_routes.run(), "alert commits");
    std::optional<alerts::silence_watch> silences;
    if (!cfg->alerts.alertmanager_url.empty()) {
        silences.emplace(io, *cfg, time, application.stats(), application.engine());
        spawn_logged(io, silences->run(), "silence watch");
    }
    std::vector<std::unique_ptr<trackers::tracker_worker>> tracker_workers;
    auto workspaces = [&application] { return application.workspaces(); };
    auto wake_outbox = [&application] { application.wake(); };
    if (!cfg->trackers.github.repo.empty())
        tracker_workers.push_back(std::make_unique<trackers::github_worker>(
            io, *cfg, time, application.stats(), application.engine(), application.sink(), workspaces,
            wake_outbox));
    if (!cfg->trackers.jira.url.empty())
        tracker_workers.push_back(
            std::make_unique<trackers::jira_worker>(io, *cfg, time, application.stats(), application.engine(),
                                                    application.sink(), workspaces, wake_outbox));
    for (auto& worker : tracker_workers) {
        worker->add_routes(*server);
        spawn_logged(io, worker->run(), worker->name());
    }
    auto platforms =
        http_only ? connections{} : start_platforms(io, *cfg, time, application, *server, health);
    spdlog::info("listening on {}:{}", cfg->http.listen.substr(0, cfg->http.listen.rfind(':')),
                 server->port());
    spawn_logged(io, server->run(), "http");
    spawn_logged(io, application.run_worker(), "outbox worker");
    spawn_logged(io, application.run_imports(), "imports");
    graceful_stop stopping(io, application, *server, platforms);
    io.run();
    spdlog::info("stopped");
    return 0;
}

// The workspace a one-workspace database means, or the one named; "" after saying why there is none.
std::string pick_workspace(storage::incident_store& incidents, const std::string& named) {
    if (!named.empty()) return named;
    auto known = incidents.workspaces();
    if (known.size() > 1) {
        std::cerr << "hindsight: this database has several workspaces; name one with --workspace:";
        for (const auto& w : known) std::cerr << " " << w;
        std::cerr << "\n";
        return {};
    }
    return known.empty() ? "console" : known.front();
}

int export_incident(const common_options& common, const std::string& id, const std::string& format,
                    const std::string& workspace_option, bool with_transcript) {
    auto number = commands::parse_incident_ref(id);
    if (!number) {
        std::cerr << "hindsight: '" << id << "' is not an incident id like INC-7\n";
        return 2;
    }
    if (format != "md" && format != "json") {
        std::cerr << "hindsight: --format must be md or json\n";
        return 2;
    }
    auto cfg = load_settings(common);
    if (!cfg) return 2;
    auto db = open_database(*cfg, true);
    if (!db) return 2;
    storage::incident_store incidents(*db);
    auto workspace = pick_workspace(incidents, workspace_option);
    if (workspace.empty()) return 2;
    auto inc = incidents.find(workspace, *number);
    if (!inc) {
        std::cerr << "hindsight: there is no " << id << " in workspace " << workspace << " ("
                  << cfg->storage.path << ")\n";
        return 1;
    }
    commands::stores store(*db);
    auto record = commands::load_record(store, *inc);
    auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    record.as_of = commands::local_date(now, cfg->time_zone);
    if (with_transcript) commands::load_transcript(store, record, now);
    auto names = domain::remember_names(
        [&](const std::string& user_id) { return incidents.display_name(workspace, user_id); });
    auto max_whys = cfg->review.max_whys;
    std::cout << (format == "json" ? domain::render_postmortem_json(record, names, max_whys)
                                   : domain::render_postmortem_markdown(record, names, max_whys));
    return 0;
}

struct report_options {
    std::string since, until, service, format = "md", workspace;
};

// `hindsight report --since <date> [--until <date>] [--service <name>] [--format md|json]` (SPEC §11):
// days are UTC and both ends are included.
int print_report(const common_options& common, const report_options& options) {
    auto since = domain::parse_date(options.since);
    auto until =
        options.until.empty() ? std::optional<domain::civil_date>{} : domain::parse_date(options.until);
    if (!since || (!options.until.empty() && !until)) {
        std::cerr << "hindsight: --since and --until take a day: 2026-01-31\n";
        return 2;
    }
    if (until && std::chrono::sys_days{*until} < std::chrono::sys_days{*since}) {
        std::cerr << "hindsight: --until " << options.until << " comes before --since " << options.since
                  << "\n";
        return 2;
    }
    auto service =
        options.service.empty() ? std::optional<std::string>{""} : domain::label_name(options.service);
    if (!service) {
        std::cerr << "hindsight: '" << options.service << "' is not a service name\n";
        return 2;
    }
    if (options.format != "md" && options.format != "json") {
        std::cerr << "hindsight: --format must be md or json\n";
        return 2;
    }
    auto cfg = load_settings(common);
    if (!cfg) return 2;
    auto db = open_database(*cfg, true);
    if (!db) return 2;
    commands::stores store(*db);
    auto workspace = pick_workspace(store.incidents, options.workspace);
    if (workspace.empty()) return 2;
    auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    domain::timestamp from{std::chrono::sys_days{*since}};
    auto to = until ? domain::timestamp{std::chrono::sys_days{*until} + std::chrono::days{1}} : now;
    auto report = commands::compute_report(store, *cfg, workspace, from, to, *service);
    auto names = domain::remember_names(
        [&](const std::string& user_id) { return store.incidents.display_name(workspace, user_id); });
    std::cout << (options.format == "json" ? domain::insights_json(report, names)
                                           : domain::insights_markdown(report, names));
    return 0;
}

int blame_check(const std::string& file) {
    std::ifstream input_file;
    std::istream* input = &std::cin;
    std::string label = file.empty() || file == "-" ? "-" : file;
    if (label != "-") {
        input_file.open(file);
        if (!input_file) {
            std::cerr << "hindsight: cannot read " << file << "\n";
            return 2;
        }
        input = &input_file;
    }
    std::string line;
    int number = 0, found = 0;
    while (std::getline(*input, line)) {
        ++number;
        for (const auto& finding : domain::check_blame(line)) {
            ++found;
            std::cout << label << ":" << number << ": " << finding.phrase << ": " << finding.suggestion
                      << "\n";
        }
    }
    return found > 0 ? 1 : 0;
}

std::string default_console_user() {
    const char* user = std::getenv("USER");
    std::string name = user && *user && std::string(user) != "root" ? user : "responder";
    return commands::parse_user_mention("@" + name) ? name : "responder";
}

int check_config(const std::string& path) {
    if (path.empty()) {
        std::cerr << "hindsight: check-config needs a file: hindsight check-config <file>\n";
        return 2;
    }
    auto loaded = config::load_config_file(path, config::process_environment());
    if (!loaded) {
        std::cerr << "hindsight: " << loaded.failure().message << "\n";
        return 1;
    }
    std::cout << path << ": ok (" << config::describe_for_log(*loaded) << ")\n";
    return 0;
}

int migrate_database(const common_options& common) {
    auto cfg = load_settings(common);
    if (!cfg) return 2;
    try {
        storage::database db(cfg->storage.path, {.migrate = false});
        int before = db.schema_version();
        db.migrate();
        std::cout << cfg->storage.path << ": schema " << before << " -> " << db.schema_version() << "\n";
    } catch (const storage::storage_error& failure) {
        std::cerr << "hindsight: " << failure.what() << "\n";
        return 2;
    }
    return 0;
}

// Every subcommand's options, filled in by CLI11; which subcommand was chosen is asked after parsing.
struct command_line {
    common_options common;
    bool http_only = false;
    std::string console_user = default_console_user();
    std::string start_time;
    std::string incident_id, format = "md", workspace;
    bool with_transcript = false;
    std::string check_path;
    std::string blame_file = "-";
    report_options report;
    CLI::App *run = nullptr, *console = nullptr, *exporter = nullptr, *check = nullptr, *migrate = nullptr,
             *version = nullptr, *blame = nullptr, *reporter = nullptr;

    void define(CLI::App& cli);
    int dispatch() const;
};

void command_line::define(CLI::App& cli) {
    auto add_common = [this](CLI::App* sub) {
        sub->add_option("--config", common.config_path, "TOML configuration file");
        sub->add_option("--db", common.db_path, "SQLite database file (overrides storage.path)");
        return sub;
    };
    run = add_common(cli.add_subcommand("run", "connect to the configured workspaces and serve HTTP"));
    run->add_flag("--http-only", http_only, "serve only /healthz, /readyz and /metrics");

    console = add_common(cli.add_subcommand("console", "a local REPL simulating one workspace"));
    console->add_option("--as", console_user, "the user you speak as");
    console->add_option("--now", start_time,
                        "freeze the clock at this UTC time (for scripts), e.g. 2026-03-01T10:00:00Z");

    exporter = add_common(cli.add_subcommand("export", "render a postmortem as Markdown or JSON"));
    exporter->add_option("incident", incident_id, "INC-n")->required();
    exporter->add_option("--format", format, "md or json");
    exporter->add_option("--workspace", workspace, "workspace id (default: console)");
    exporter->add_flag("--transcript", with_transcript, "append the channel's messages not on the timeline");

    reporter =
        add_common(cli.add_subcommand("report", "insights over a window: Markdown with charts, or JSON"));
    reporter->add_option("--since", report.since, "first day, YYYY-MM-DD (UTC)")->required();
    reporter->add_option("--until", report.until, "last day, YYYY-MM-DD (UTC; default: now)");
    reporter->add_option("--service", report.service, "only incidents of this service");
    reporter->add_option("--format", report.format, "md or json");
    reporter->add_option("--workspace", report.workspace, "workspace id (default: the only one)");

    check = cli.add_subcommand("check-config", "validate a configuration file");
    check->add_option("file", check_path, "TOML configuration file");
    check->add_option("--config", check_path, "TOML configuration file");
    check->add_option("--db", common.db_path, "ignored");

    migrate = add_common(cli.add_subcommand("migrate", "create or upgrade the database schema"));
    version = add_common(cli.add_subcommand("version", "print the version"));
    blame = add_common(cli.add_subcommand("blame-check", "lint text for blaming language (exit 1 if any)"));
    blame->add_option("file", blame_file, "file to check, or - for stdin");
}

int command_line::dispatch() const {
    if (*version) {
        std::cout << "hindsight " << HINDSIGHT_VERSION << " (schema " << storage::database::latest_version()
                  << ")\n";
        return 0;
    }
    if (*console) return run_console(common, console_user, start_time);
    if (*run) return run_service(common, http_only);
    if (*exporter) return export_incident(common, incident_id, format, workspace, with_transcript);
    if (*blame) return blame_check(blame_file);
    if (*reporter) return print_report(common, report);
    if (*check) return check_config(check_path);
    if (*migrate) return migrate_database(common);
    return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
    spdlog::set_default_logger(spdlog::stderr_color_mt("hindsight"));
    CLI::App cli{
        "hindsight — incident timelines, blameless reviews and action items for Slack and Mattermost"};
    cli.require_subcommand(1);
    command_line options;
    options.define(cli);
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& failure) {
        return cli.exit(failure);
    }
    return options.dispatch();
}

}  // namespace hindsight::bot
