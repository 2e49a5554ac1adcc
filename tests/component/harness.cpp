#include "harness.hpp"

#include <unistd.h>

#include <atomic>

#include "storage/codec.hpp"

namespace hindsight::testing {

temp_db_path::temp_db_path() {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("hindsight-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".db"))
                .string();
    std::filesystem::remove(path_);
}

temp_db_path::~temp_db_path() {
    for (auto suffix : {"", "-wal", "-shm", "-journal"}) {
        std::error_code ignored;
        std::filesystem::remove(path_ + suffix, ignored);
    }
}

harness::harness(config::settings cfg)
    : cfg_(std::move(cfg)), now_(*domain::parse_iso("2026-03-04T10:00:00Z")) {
    restart();
}

void harness::restart() {
    engine_.reset();
    db_.reset();
    db_ = std::make_unique<storage::database>(path_.str());
    engine_ = std::make_unique<commands::engine>(*db_, cfg_, "console");
    engine_->set_bot_user("console", "hindsight");
}

chat::channel_ref harness::channel(const std::string& id) const {
    return {id, private_channels.count(id) > 0 || id.starts_with("dm-"), id.starts_with("dm-")};
}

std::vector<chat::outgoing> harness::send(chat::event e, std::string dedup_key) {
    if (dedup_key.empty()) dedup_key = "test:" + std::to_string(++sequence_);
    std::vector<chat::inbound> batch{{"console", dedup_key, std::move(e)}};
    try {
        engine_->accept(batch, now_);
    } catch (const storage::storage_error& failure) {
        std::vector<chat::outgoing> notices;
        for (auto& notice : commands::unrecorded_notices(batch, failure.what()))
            notices.push_back(notice.notice);
        return notices;
    }
    // Only the replies this event produced: read the outbox rows it added, then mark them sent.
    std::vector<chat::outgoing> replies;
    for (int round = 0; round < 10; ++round) {
        auto report = engine_->process_pending(now_);
        for (auto& failure : report.failures)
            if (!chat::text_of(failure.notice).empty()) replies.push_back(failure.notice);
        if (report.needs_message) {
            engine_->give_up_waiting(report.waiting_inbox_id, "not found in test");
            continue;
        }
        break;
    }
    auto delivered = drain_outbox();
    replies.insert(replies.end(), delivered.begin(), delivered.end());
    now_ += std::chrono::seconds{1};
    return replies;
}

std::vector<chat::outgoing> harness::reminders() {
    engine_->send_due_reminders(now_);
    return drain_outbox();
}

std::vector<chat::outgoing> harness::drain_outbox() {
    std::vector<chat::outgoing> delivered;
    // Delivering can queue more (a failed channel creation says so): a few rounds until nothing is due.
    for (int round = 0; round < 5; ++round) {
        auto rows = engine_->queue().outbox_due(now_ + std::chrono::hours{24 * 365}, 10000);
        if (rows.empty()) break;
        for (const auto& row : rows) {
            auto decoded = storage::decode_outgoing(row.payload);
            engine_->queue().outbox_sent(row.id);
            if (!decoded) continue;
            // What the app does on delivery: a post that opens a thread makes the thread findable.
            if (const auto& key = chat::defined_thread_of(*decoded); !key.empty())
                engine_->queue().set_thread_root("console", key, chat::channel_of(*decoded),
                                                 "bot." + std::to_string(row.id));
            // ... and a created channel takes over from its placeholder (or, failing, the incident moves on).
            if (auto* request = std::get_if<chat::channel_request>(&*decoded)) {
                if (fail_channel_creation)
                    engine_->channel_not_created("console", *request, "name_taken", now_);
                else
                    engine_->channel_created("console", *request, request->name, request->name, "", now_);
            }
            delivered.push_back(*decoded);
        }
    }
    return delivered;
}

std::vector<chat::outgoing> harness::command(const std::string& user, const std::string& ch,
                                             const std::string& text) {
    return send(chat::command_invoked{channel(ch), {}, user, text, now_});
}

std::string harness::say(const std::string& user, const std::string& ch, const std::string& text) {
    return joined(command(user, ch, text));
}

std::string harness::say_private(const std::string& user, const std::string& ch, const std::string& text) {
    std::string out;
    for (const auto& reply : command(user, ch, text))
        if (chat::kind_of(reply) == chat::delivery::ephemeral ||
            chat::kind_of(reply) == chat::delivery::direct)
            out += chat::text_of(reply) + "\n";
    return out;
}

std::string harness::post(const std::string& user, const std::string& ch, const std::string& text,
                          const std::string& thread_root) {
    auto id = std::to_string(domain::to_millis(now_) / 1000) + "." + std::to_string(100000 + ++sequence_);
    send(chat::message_posted{channel(ch), id, thread_root, user, text, now_, user == "hindsight", {}});
    return id;
}

std::vector<chat::outgoing> harness::reply(const std::string& user, const std::string& ch,
                                           const std::string& thread_root, const std::string& text,
                                           std::string* message_id) {
    auto id = std::to_string(domain::to_millis(now_) / 1000) + "." + std::to_string(100000 + ++sequence_);
    if (message_id) *message_id = id;
    return send(chat::message_posted{channel(ch), id, thread_root, user, text, now_, false, {}});
}

std::vector<chat::outgoing> harness::react(const std::string& user, const std::string& ch,
                                           const std::string& message_id, const std::string& emoji,
                                           bool added) {
    return send(chat::reaction_changed{channel(ch), message_id, user, emoji, added, now_});
}

void harness::edit(const std::string& ch, const std::string& message_id, const std::string& text) {
    send(chat::message_edited{channel(ch), message_id, text, now_});
}

void harness::remove(const std::string& ch, const std::string& message_id) {
    send(chat::message_deleted{channel(ch), message_id, now_});
}

std::string joined(const std::vector<chat::outgoing>& replies) {
    std::string out;
    for (const auto& r : replies) out += chat::text_of(r) + "\n";
    return out;
}

}  // namespace hindsight::testing
