#include "commands/engine.hpp"

#include "commands/command_table.hpp"
#include "storage/codec.hpp"

namespace hindsight::commands {
namespace {

const chat::channel_ref& channel_of(const chat::event& e) {
    return std::visit([](const auto& ev) -> const chat::channel_ref& { return ev.channel; }, e);
}

std::string user_of(const chat::event& e) {
    return std::visit(
        [](const auto& ev) -> std::string {
            using T = std::decay_t<decltype(ev)>;
            if constexpr (std::is_same_v<T, chat::message_edited> || std::is_same_v<T, chat::message_deleted>)
                return {};
            else
                return ev.user;
        },
        e);
}

}  // namespace

std::vector<failed_event> unrecorded_notices(const std::vector<chat::inbound>& batch,
                                             const std::string& reason) {
    std::vector<failed_event> notices;
    for (const auto& in : batch) {
        auto* command = std::get_if<chat::command_invoked>(&in.payload);
        if (!command) continue;
        chat::outgoing notice;
        notice.how = command->channel.is_direct ? chat::delivery::direct : chat::delivery::ephemeral;
        notice.channel = command->channel.id;
        notice.user = command->user;
        notice.text = "⚠️ That could not be recorded: " + reason;
        notices.push_back({in.workspace, std::move(notice), reason});
    }
    return notices;
}

std::string identity_key(const chat::event& e) {
    return std::visit(
        [](const auto& ev) -> std::string {
            using T = std::decay_t<decltype(ev)>;
            std::string base = ev.channel.id + ":";
            if constexpr (std::is_same_v<T, chat::command_invoked>)
                base += std::to_string(domain::to_millis(ev.at));
            else
                base += ev.message_id;
            if constexpr (std::is_same_v<T, chat::message_posted>)
                return "posted:" + base;
            else if constexpr (std::is_same_v<T, chat::message_edited>)
                return "edited:" + base + ":" + std::to_string(domain::to_millis(ev.at));
            else if constexpr (std::is_same_v<T, chat::message_deleted>)
                return "deleted:" + base;
            else if constexpr (std::is_same_v<T, chat::reaction_changed>)
                return std::string(ev.added ? "react+:" : "react-:") + base + ":" + ev.user + ":" + ev.emoji +
                       ":" + std::to_string(domain::to_millis(ev.at));
            else
                return "command:" + base + ":" + ev.user;
        },
        e);
}

engine::engine(storage::database& db, const config::settings& cfg, std::string platform)
    : db_(db), cfg_(cfg), platform_(std::move(platform)), stores_(db), queue_(db) {}

void engine::set_bot_user(const std::string& workspace, const std::string& user_id) {
    for (auto& [ws, id] : bot_users_)
        if (ws == workspace) {
            id = user_id;
            return;
        }
    bot_users_.emplace_back(workspace, user_id);
}

std::vector<bool> engine::accept(const std::vector<chat::inbound>& batch, domain::timestamp now) {
    std::vector<bool> fresh(batch.size(), false);
    try {
        db_.transact([&] {
            for (std::size_t i = 0; i < batch.size(); ++i) {
                const auto& in = batch[i];
                auto key = in.dedup_key.empty() ? identity_key(in.payload) : in.dedup_key;
                fresh[i] =
                    queue_.inbox_add(in.workspace, key, storage::encode_event(in.payload), now).has_value();
            }
        });
    } catch (const storage::storage_error&) {
        throw;
    } catch (const std::exception& failure) {
        storage::rethrow_as_storage_error(failure, "recording incoming events");
    }
    return fresh;
}

std::vector<chat::outgoing> engine::handle(const std::string& workspace, const chat::event& e,
                                           domain::timestamp now, std::optional<missing_message>* missing) {
    context ctx{cfg_, stores_, workspace, platform_, channel_of(e), {}, user_of(e), now, {}};
    std::string bot_user;
    for (const auto& [ws, id] : bot_users_)
        if (ws == workspace) bot_user = id;
    std::visit(
        [&](const auto& ev) {
            using T = std::decay_t<decltype(ev)>;
            if constexpr (std::is_same_v<T, chat::message_posted>) {
                ctx.thread_root = ev.thread_root;
                on_message_posted(ctx, ev, bot_user);
            } else if constexpr (std::is_same_v<T, chat::message_edited>) {
                on_message_edited(ctx, ev);
            } else if constexpr (std::is_same_v<T, chat::message_deleted>) {
                on_message_deleted(ctx, ev);
            } else if constexpr (std::is_same_v<T, chat::reaction_changed>) {
                auto needed = on_reaction(ctx, ev, bot_user);
                if (missing) *missing = needed;
            } else {
                ctx.thread_root = ev.thread_root;
                dispatch_command(ctx, ev.text);
            }
        },
        e);
    return std::move(ctx.replies);
}

processing_report engine::process_pending(domain::timestamp now, std::size_t limit) {
    processing_report report;
    auto rows = queue_.inbox_pending(limit);
    if (rows.empty()) return report;
    std::vector<std::pair<std::int64_t, std::string>> failed;  // inbox id, reason: recorded after the batch
    db_.transact([&] {
        for (const auto& row : rows) {
            auto decoded = storage::decode_event(row.payload);
            if (!decoded) {
                queue_.inbox_finish(row.id, "unreadable payload");
                continue;
            }
            try {
                db_.transact([&] {
                    std::optional<missing_message> missing;
                    auto replies = handle(row.workspace, *decoded, now, &missing);
                    if (missing) {
                        report.needs_message = std::make_pair(row.workspace, *missing);
                        report.waiting_inbox_id = row.id;
                        return;
                    }
                    for (const auto& reply : replies)
                        queue_.outbox_add(row.workspace, storage::encode_outgoing(reply), now);
                    queue_.inbox_finish(row.id, {});
                });
            } catch (const std::exception& failure) {
                // The savepoint is rolled back: nothing of this event was half-written.
                std::string reason;
                try {
                    storage::rethrow_as_storage_error(failure, "handling an event");
                } catch (const storage::storage_error& mapped) {
                    reason = mapped.what();
                }
                failed.emplace_back(row.id, reason);
                chat::outgoing notice;
                auto channel = channel_of(*decoded);
                notice.how = channel.is_direct ? chat::delivery::direct : chat::delivery::ephemeral;
                notice.channel = channel.id;
                notice.user = user_of(*decoded);
                notice.text = "⚠️ That could not be saved: " + reason;
                if (std::holds_alternative<chat::command_invoked>(*decoded))
                    report.failures.push_back({row.workspace, std::move(notice), reason});
                else
                    report.failures.push_back({row.workspace, {}, reason});
                continue;
            }
            if (report.needs_message) return;
            ++report.handled;
        }
    });
    // Failed events are closed in their own small transaction; when even that fails (the disk is still full),
    // they stay pending and are retried after a restart, which is safe because nothing of them was written.
    for (const auto& [id, reason] : failed) {
        try {
            db_.transact([&] { queue_.inbox_finish(id, reason); });
        } catch (const std::exception&) {
        }
    }
    return report;
}

void engine::remember(const std::string& workspace, const storage::cached_message& message) {
    auto copy = message;
    copy.workspace = workspace;
    db_.transact([&] { stores_.timeline.remember(copy); });
}

void engine::give_up_waiting(std::int64_t inbox_id, const std::string& reason) {
    db_.transact([&] { queue_.inbox_finish(inbox_id, reason); });
}

}  // namespace hindsight::commands
