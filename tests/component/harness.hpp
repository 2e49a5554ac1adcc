#pragma once
// Commands + real SQLite (a temporary file) + a manual clock, no sockets: the engine as the app drives it.
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "commands/engine.hpp"
#include "config/config.hpp"
#include "storage/database.hpp"

namespace hindsight::testing {

class temp_db_path {
public:
    temp_db_path();
    ~temp_db_path();
    const std::string& str() const { return path_; }

private:
    std::string path_;
};

class harness {
public:
    explicit harness(config::settings cfg = config::default_settings([](const std::string&) {
                         return std::nullopt;
                     }));

    // Types a command as user in channel; returns the texts of every reply.
    std::vector<chat::outgoing> command(const std::string& user, const std::string& channel,
                                        const std::string& text);
    // Joined text of all replies of the last call, for easy matching.
    std::string say(const std::string& user, const std::string& channel, const std::string& text);
    std::string say_private(const std::string& user, const std::string& channel, const std::string& text);

    // Messages and reactions as the platform would report them; returns the message id.
    std::string post(const std::string& user, const std::string& channel, const std::string& text,
                     const std::string& thread_root = {});
    std::vector<chat::outgoing> react(const std::string& user, const std::string& channel,
                                      const std::string& message_id, const std::string& emoji,
                                      bool added = true);
    void edit(const std::string& channel, const std::string& message_id, const std::string& text);
    void remove(const std::string& channel, const std::string& message_id);

    // Sends one event through accept + process_pending, like the app; returns the replies written to the
    // outbox.
    std::vector<chat::outgoing> send(chat::event e, std::string dedup_key = {});

    std::vector<chat::outgoing> drain_outbox();
    // A reply in a thread, as the user would post it; returns everything the bot answered.
    std::vector<chat::outgoing> reply(const std::string& user, const std::string& channel,
                                      const std::string& thread_root, const std::string& text,
                                      std::string* message_id = nullptr);
    void advance(std::chrono::milliseconds by) { now_ += by; }
    void set_now(domain::timestamp t) { now_ = t; }
    // Runs the reminder planner at the current time; returns what it queued (and marks it delivered).
    std::vector<chat::outgoing> reminders();
    domain::timestamp now() const { return now_; }

    commands::engine& engine() { return *engine_; }
    storage::database& db() { return *db_; }
    config::settings& cfg() { return cfg_; }
    const std::string& path() const { return path_.str(); }
    // Reopens the database and engine, as a restart would.
    void restart();
    std::set<std::string> private_channels;
    bool fail_channel_creation = false;  // create_channel replies fail for good instead of creating the name

private:
    chat::channel_ref channel(const std::string& id) const;

    temp_db_path path_;
    config::settings cfg_;
    std::unique_ptr<storage::database> db_;
    std::unique_ptr<commands::engine> engine_;
    domain::timestamp now_;
    int sequence_ = 0;
};

std::string joined(const std::vector<chat::outgoing>& replies);

}  // namespace hindsight::testing
