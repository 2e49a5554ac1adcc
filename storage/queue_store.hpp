#pragma once
// The inbox (persist-then-ack, deduplicated) and the outbox (durable delivery with retries), plus the roots
// of threads the bot opened, so replies queued before their root was delivered find it.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chat/outgoing.hpp"
#include "domain/time.hpp"
#include "storage/database.hpp"

namespace SQLite {
class Statement;
}

namespace hindsight::storage {

struct inbox_row {
    std::int64_t id = 0;
    std::string workspace;
    std::string payload;
};

struct outbox_row {
    std::int64_t id = 0;
    std::string workspace;
    std::string payload;
    int attempts = 0;
    domain::timestamp created_at{};
};

class queue_store {
public:
    explicit queue_store(database& db);
    ~queue_store();

    // nullopt when the key was seen before: a replay, a retry, a reconnect overlap.
    std::optional<std::int64_t> inbox_add(const std::string& workspace, const std::string& dedup_key,
                                          const std::string& payload, domain::timestamp received_at);
    // Rows after the watermark, in order.
    std::vector<inbox_row> inbox_pending(std::size_t limit);
    // Everything up to and including id is handled (failed rows too: they keep their reason).
    void inbox_advance(std::int64_t handled_up_to);
    void inbox_mark_failed(std::int64_t id, const std::string& reason);
    std::int64_t inbox_depth();
    // Done rows older than the cutoff no longer protect against replays worth worrying about.
    std::int64_t inbox_prune(domain::timestamp done_before);

    // The names the message defines or waits for are kept in columns beside its payload.
    std::int64_t outbox_add(const std::string& workspace, const chat::outgoing& message,
                            domain::timestamp now);
    std::vector<outbox_row> outbox_due(domain::timestamp now, std::size_t limit);
    void outbox_sent(std::int64_t id);
    void outbox_retry(std::int64_t id, domain::timestamp next_attempt_at, const std::string& error);
    void outbox_give_up(std::int64_t id, const std::string& error);
    // Not yet: pacing holds it back until at, without counting an attempt.
    void outbox_defer(std::int64_t id, domain::timestamp at);
    std::int64_t outbox_depth();
    std::optional<domain::timestamp> outbox_next_due();

    // Records that a reminder went out; false when this (kind, recipient, period) was sent before. Written in
    // the same transaction as the outbox row, so a restart can neither lose nor repeat it.
    bool claim_reminder(const std::string& workspace, const std::string& kind, const std::string& recipient,
                        const std::string& period, domain::timestamp now);

    void set_thread_root(const std::string& workspace, const std::string& key, const std::string& channel,
                         const std::string& root_message_id);
    std::optional<std::string> thread_root(const std::string& workspace, const std::string& key);
    // The post that opens this thread is still waiting in the outbox (delayed, not lost).
    bool thread_root_pending(const std::string& workspace, const std::string& key);
    // A later edit (after outbox row `id`, in any state) of the message named edit_key.
    bool newer_edit_exists(const std::string& workspace, std::int64_t id, const std::string& edit_key);
    // A create_channel for this placeholder is still waiting for delivery.
    bool channel_pending(const std::string& workspace, const std::string& placeholder);
    // The bot's own thread that a message id is the root of ("review:7"), if any.
    std::optional<std::string> thread_key_for_root(const std::string& workspace, const std::string& channel,
                                                   const std::string& root_message_id);

private:
    database& db_;
    std::unique_ptr<SQLite::Statement> inbox_add_statement_;
    std::unique_ptr<SQLite::Statement> outbox_add_statement_;
};

}  // namespace hindsight::storage
