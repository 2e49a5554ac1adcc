#pragma once
// What a command handler works with: who asked, where, when, the stores, the settings, and the replies it
// collects. Replies are data; the pipeline writes them to the outbox in the same transaction.
#include <string>
#include <vector>

#include "chat/event.hpp"
#include "chat/outgoing.hpp"
#include "config/config.hpp"
#include "domain/model.hpp"
#include "storage/action_store.hpp"
#include "storage/alert_store.hpp"
#include "storage/import_store.hpp"
#include "storage/incident_store.hpp"
#include "storage/learning_store.hpp"
#include "storage/queue_store.hpp"
#include "storage/review_store.hpp"
#include "storage/timeline_store.hpp"
#include "storage/tracker_store.hpp"

namespace hindsight::commands {

struct stores {
    storage::database& db;
    storage::incident_store incidents;
    storage::timeline_store timeline;
    storage::review_store review;
    storage::action_store actions;
    storage::queue_store queue;
    storage::alert_store alerts;
    storage::import_store imports;
    storage::tracker_store trackers;
    storage::learning_store learning;

    explicit stores(storage::database& database)
        : db(database),
          incidents(database),
          timeline(database),
          review(database),
          actions(database),
          queue(database),
          alerts(database),
          imports(database),
          trackers(database),
          learning(database) {}
};

struct context {
    const config::settings& cfg;
    stores& store;
    std::string workspace;
    std::string platform;
    chat::channel_ref channel;
    std::string thread_root;
    std::string user;
    domain::timestamp now{};
    std::vector<chat::outgoing> replies;

    // Only the caller sees it.
    void tell(std::string text);
    // Everyone in the current channel (in the current thread when the command came from one).
    void announce(std::string text);
    // A post in another channel (the incident's own, when a command names it from elsewhere).
    void post_in(const std::string& channel_id, std::string text);
    void direct_message(const std::string& user_id, std::string text);
    void react(const std::string& channel_id, const std::string& message_id, const std::string& emoji);
    void unreact(const std::string& channel_id, const std::string& message_id, const std::string& emoji);

    // "@alice" for display; user text is never trusted to be free of crowd mentions.
    std::string who(const std::string& user_id);
    std::string user_zone(const std::string& user_id);
    domain::civil_date today();
    std::string trigger() const { return "/" + cfg.incidents.command; }
};

// User text as the bot echoes it: valid UTF-8 and unable to ping a crowd.
std::string quote(std::string_view user_text);

// Said to one person only: an ephemeral note in the channel, or a direct message when that is where they are.
chat::outgoing private_note(const chat::channel_ref& channel, const std::string& user, std::string text,
                            const std::string& thread_root = {});

}  // namespace hindsight::commands
