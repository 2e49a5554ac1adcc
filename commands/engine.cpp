#include "commands/engine.hpp"

#include "commands/command_table.hpp"
#include "commands/handlers.hpp"
#include "commands/reminders.hpp"
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
            if constexpr (std::is_same_v<T, chat::message_edited> ||
                          std::is_same_v<T, chat::message_deleted> ||
                          std::is_same_v<T, chat::alert_received> || std::is_same_v<T, chat::history_read> ||
                          std::is_same_v<T, chat::tracker_issue_changed> ||
                          std::is_same_v<T, chat::tracker_mention>)
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
        notices.push_back(
            {in.workspace,
             private_note(command->channel, command->user, "⚠️ That could not be recorded: " + reason),
             reason});
    }
    return notices;
}

std::string identity_key(const chat::event& e) {
    return std::visit(
        [](const auto& ev) -> std::string {
            using T = std::decay_t<decltype(ev)>;
            std::string base = ev.channel.id + ":";
            if constexpr (std::is_same_v<T, chat::alert_received>)
                return "alert:" + domain::alert_identity(ev.alert) + ":" +
                       std::string(domain::to_string(ev.alert.status));
            else if constexpr (std::is_same_v<T, chat::history_read>)
                return "history:" + std::to_string(ev.import_id);
            else if constexpr (std::is_same_v<T, chat::tracker_issue_changed>)
                return "tracker:" + ev.tracker + ":" + ev.issue + ":" + ev.state + ":" + ev.assignee + ":" +
                       std::to_string(domain::to_millis(ev.at));
            else if constexpr (std::is_same_v<T, chat::tracker_mention>)
                return "mention:" + ev.tracker + ":" + ev.url + ":" + ev.what;
            else if constexpr (std::is_same_v<T, chat::command_invoked> ||
                               std::is_same_v<T, chat::member_joined>)
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
            else if constexpr (std::is_same_v<T, chat::member_joined>)
                return "joined:" + base + ":" + ev.user;
            else if constexpr (std::is_same_v<T, chat::command_invoked>)
                return "command:" + base + ":" + ev.user;
            else
                return base;  // not reached: alerts returned above
        },
        e);
}

engine::engine(storage::database& db, const config::settings& cfg, std::string platform)
    : db_(db), cfg_(cfg), platform_(std::move(platform)), stores_(db) {}

void engine::set_bot_user(const std::string& workspace, const std::string& user_id) {
    for (auto& [ws, id] : bot_users_)
        if (ws == workspace) {
            id = user_id;
            return;
        }
    bot_users_.emplace_back(workspace, user_id);
}

void engine::set_platform(const std::string& workspace, const std::string& platform) {
    platforms_[workspace] = platform;
    db_.transact([&] { stores_.incidents.set_workspace_platform(workspace, platform); });
}

const std::string& engine::platform_of(const std::string& workspace) {
    auto known = platforms_.find(workspace);
    if (known == platforms_.end()) {
        // Events recorded before a restart may be handled before their platform is back: the database knows.
        auto stored = stores_.incidents.workspace_platform(workspace);
        known = platforms_.emplace(workspace, stored.empty() ? platform_ : stored).first;
    }
    return known->second;
}

std::vector<bool> engine::accept(const std::vector<chat::inbound>& batch, domain::timestamp now) {
    std::vector<bool> fresh(batch.size(), false);
    std::vector<std::pair<std::int64_t, std::size_t>> recorded;  // inbox id, index in batch
    try {
        db_.transact([&] {
            for (std::size_t i = 0; i < batch.size(); ++i) {
                const auto& in = batch[i];
                auto key = in.dedup_key.empty() ? identity_key(in.payload) : in.dedup_key;
                auto id = stores_.queue.inbox_add(in.workspace, key, storage::encode_event(in.payload), now);
                fresh[i] = id.has_value();
                if (id) recorded.emplace_back(*id, i);
            }
        });
    } catch (const storage::storage_error&) {
        throw;
    } catch (const std::exception& failure) {
        storage::rethrow_as_storage_error(failure, "recording incoming events");
    }
    // Durable now; keep the decoded form too, so handling does not parse back what was just written.
    for (const auto& [id, index] : recorded)
        if (accepted_.size() < max_remembered_events) {
            accepted_.emplace(id, batch[index].payload);
            accepted_workspaces_.emplace(id, batch[index].workspace);
        }
    return fresh;
}

std::vector<chat::outgoing> engine::handle(const std::string& workspace, const chat::event& e,
                                           domain::timestamp now, std::optional<missing_message>* missing) {
    context ctx{cfg_, stores_, workspace, platform_of(workspace), channel_of(e), {}, user_of(e), now, {}};
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
                if (ev.import_id != 0) return on_imported_reaction(ctx, ev, bot_user);
                auto needed = on_reaction(ctx, ev, bot_user);
                if (missing) *missing = needed;
            } else if constexpr (std::is_same_v<T, chat::member_joined>) {
                on_member_joined(ctx, ev, bot_user);
            } else if constexpr (std::is_same_v<T, chat::alert_received>) {
                on_alert(ctx, ev);
            } else if constexpr (std::is_same_v<T, chat::history_read>) {
                on_history_read(ctx, ev);
            } else if constexpr (std::is_same_v<T, chat::tracker_issue_changed>) {
                on_tracker_issue(ctx, ev);
            } else if constexpr (std::is_same_v<T, chat::tracker_mention>) {
                on_tracker_mention(ctx, ev);
            } else {
                ctx.thread_root = ev.thread_root;
                dispatch_command(ctx, ev.text);
            }
        },
        e);
    return std::move(ctx.replies);
}

namespace {

std::string reason_for(const std::exception& failure) {
    try {
        storage::rethrow_as_storage_error(failure, "handling an event");
    } catch (const storage::storage_error& mapped) {
        return mapped.what();
    }
}

}  // namespace

processing_report engine::run_batch(const std::vector<storage::inbox_row>& rows, domain::timestamp now,
                                    bool careful, std::vector<std::pair<std::int64_t, std::string>>& failed,
                                    deadline stop_after) {
    processing_report report;
    std::int64_t handled_up_to = 0;
    for (const auto& row : rows) {
        // At least one event per round, so a slow one cannot stall the inbox.
        if (handled_up_to > 0 && std::chrono::steady_clock::now() >= stop_after) break;
        std::optional<chat::event> decoded;
        if (auto cached = accepted_.find(row.id); cached != accepted_.end()) {
            decoded = std::move(cached->second);
            accepted_.erase(cached);
            accepted_workspaces_.erase(row.id);
        } else {
            decoded = storage::decode_event(row.payload);
        }
        if (!decoded) {
            failed.emplace_back(row.id, "unreadable payload");
            handled_up_to = row.id;
            continue;
        }
        auto run_one = [&] {
            std::optional<missing_message> missing;
            auto replies = handle(row.workspace, *decoded, now, &missing);
            if (missing) {
                report.needs_message = std::make_pair(row.workspace, *missing);
                report.waiting_inbox_id = row.id;
                return;
            }
            for (const auto& reply : replies) stores_.queue.outbox_add(row.workspace, reply, now);
        };
        if (!careful) {
            run_one();
        } else {
            try {
                db_.transact(run_one);  // a savepoint: a failing event is undone alone
            } catch (const std::exception& failure) {
                auto reason = reason_for(failure);
                failed.emplace_back(row.id, reason);
                // Only a command's author is waiting for an answer; other events fail quietly (logged).
                chat::outgoing notice = chat::channel_post{};
                if (std::holds_alternative<chat::command_invoked>(*decoded))
                    notice = private_note(channel_of(*decoded), user_of(*decoded),
                                          "⚠️ That could not be saved: " + reason);
                report.failures.push_back({row.workspace, std::move(notice), reason});
                handled_up_to = row.id;
                continue;
            }
        }
        if (report.needs_message) break;
        handled_up_to = row.id;
        ++report.handled;
    }
    if (handled_up_to > 0) {
        stores_.queue.inbox_advance(handled_up_to);
        report.progressed = true;
    }
    return report;
}

processing_report engine::process_pending(domain::timestamp now, std::size_t limit, deadline stop_after) {
    auto rows = stores_.queue.inbox_pending(limit);
    if (rows.empty()) return {};
    std::vector<std::pair<std::int64_t, std::string>> failed;
    // Optimistic first: the whole batch in one transaction without per-event savepoints, which is what a
    // burst costs. If anything fails, it is all rolled back and handled again with a savepoint per event.
    bool committed = false;
    processing_report optimistic;
    try {
        db_.transact([&] { optimistic = run_batch(rows, now, false, failed, stop_after); });
        committed = true;
    } catch (const std::exception&) {
    }
    if (committed) {
        // Unreadable rows did not stop the batch; they are only marked, never handled twice.
        for (const auto& [id, reason] : failed) {
            try {
                db_.transact([&] { stores_.queue.inbox_mark_failed(id, reason); });
            } catch (const std::exception&) {
            }
        }
        return optimistic;
    }
    failed.clear();
    stores_.timeline.forget_speakers();  // what the rolled-back batch noted was not written
    processing_report report;
    try {
        // The careful pass takes the whole batch: cut at the deadline (passed by now), it would redo the
        // optimistic work for every event after a failing one.
        db_.transact([&] { report = run_batch(rows, now, true, failed, deadline::max()); });
    } catch (const std::exception& failure) {
        // Even the watermark could not be written (the disk is still full): nothing of the batch was saved
        // and it is handled again later. The people affected are told now.
        report.handled = 0;
        report.progressed = false;
        report.needs_message.reset();
        if (report.failures.empty())
            report.failures.push_back({rows.front().workspace, {}, reason_for(failure)});
        return report;
    }
    // The reasons are kept in their own small transaction, best effort: they are for operators, not for
    // correctness.
    for (const auto& [id, reason] : failed) {
        try {
            db_.transact([&] { stores_.queue.inbox_mark_failed(id, reason); });
        } catch (const std::exception&) {
        }
    }
    return report;
}

engine::reminder_report engine::send_due_reminders(domain::timestamp now) {
    reminder_report report;
    for (const auto& workspace : stores_.incidents.workspaces()) {
        auto plan = plan_reminders(cfg_, stores_, workspace, now);
        if (plan.next_check && (!report.next_check || *plan.next_check < *report.next_check))
            report.next_check = plan.next_check;
        if (plan.due.empty()) continue;
        db_.transact([&] {
            for (const auto& r : plan.due) {
                if (!stores_.queue.claim_reminder(workspace, r.kind, r.recipient, r.period, now)) continue;
                stores_.queue.outbox_add(workspace, r.message, now);
                ++report.queued;
            }
        });
    }
    return report;
}

std::vector<std::pair<std::string, std::string>> engine::unknown_users(std::size_t limit) {
    std::vector<std::pair<std::string, std::string>> unknown;
    for (const auto& [id, e] : accepted_) {
        auto user = user_of(e);
        if (user.empty()) continue;
        auto workspace = accepted_workspaces_.count(id) ? accepted_workspaces_.at(id) : std::string();
        if (workspace.empty() || asked_about_.count(workspace + "/" + user)) continue;
        asked_about_.insert(workspace + "/" + user);  // asked once per process, found or not
        if (stores_.incidents.find_user(workspace, user)) continue;
        unknown.emplace_back(workspace, user);
        if (unknown.size() >= limit) break;
    }
    return unknown;
}

void engine::learn_user(const std::string& workspace, const storage::user_profile& user) {
    db_.transact([&] { stores_.incidents.upsert_user(workspace, user); });
}

std::int64_t engine::prune_inbox(domain::timestamp now) {
    std::int64_t removed = 0;
    db_.transact([&] { removed = stores_.queue.inbox_prune(now - std::chrono::days{7}); });
    return removed;
}

namespace {

// Messages for the placeholder now go to the channel, and the incident (with its timeline) moves there.
void bind_channel(stores& store, const std::string& workspace, const std::string& placeholder,
                  const std::string& channel) {
    store.queue.set_thread_root(workspace, placeholder, channel, channel);
    store.incidents.move_channel(workspace, placeholder, channel);
}

}  // namespace

void engine::channel_created(const std::string& workspace, const chat::channel_request& request,
                             const std::string& channel, const std::string& name,
                             const std::string& invite_problem, domain::timestamp now) {
    bind_channel(stores_, workspace, request.placeholder, channel);
    auto inc = stores_.incidents.current_in_channel(workspace, channel);
    if (!inc) return;
    auto caller = quote("@" + stores_.incidents.display_name(workspace, request.invite_user));
    auto where = "#" + (name.empty() ? request.name : name);
    auto queue = [&](chat::outgoing o) { stores_.queue.outbox_add(workspace, o, now); };
    if (!request.requested_in.empty() && !inc->private_channel) {
        queue(chat::channel_post{request.requested_in, "🚨 " + inc->label() + ": " + quote(inc->title) + " (" +
                                                           std::string(domain::to_string(inc->sev)) +
                                                           ") declared by " + caller + ". It is handled in " +
                                                           where + "."});
    } else {
        // Declared in a private channel or a direct message: only the caller hears where it went.
        auto text =
            inc->label() + " is handled in " + where + (invite_problem.empty() ? "; you are in it." : ".");
        queue(request.requested_in.empty()
                  ? chat::outgoing{chat::direct_message{request.invite_user, std::move(text)}}
                  : chat::outgoing{
                        chat::ephemeral_note{request.requested_in, request.invite_user, std::move(text)}});
    }
    if (!invite_problem.empty())
        queue(
            chat::direct_message{request.invite_user, "I created " + where + " for " + inc->label() +
                                                          " but could not add you to it (" + invite_problem +
                                                          "). Join it, or ask someone in it to invite you."});
}

void engine::channel_not_created(const std::string& workspace, const chat::channel_request& request,
                                 const std::string& reason, domain::timestamp now) {
    auto inc = stores_.incidents.current_in_channel(workspace, request.placeholder);
    if (!inc) return;
    auto origin = request.requested_in;  // empty when it was asked for in a direct message
    std::optional<domain::incident> there;
    if (!origin.empty()) there = stores_.incidents.current_in_channel(workspace, origin);
    bool origin_free = !origin.empty() && !(there && (there->status == domain::incident_status::active ||
                                                      there->status == domain::incident_status::mitigated));
    auto cause = "Could not create #" + request.name + " for " + inc->label() + " (" + reason + "). ";
    chat::outgoing notice;
    if (origin_free) {
        // Messages already written for the placeholder (the declaration) follow the incident there.
        bind_channel(stores_, workspace, request.placeholder, origin);
        notice = chat::channel_post{origin, cause + inc->label() + " is handled in this channel instead."};
    } else {
        // Closed for good (reviewed: no review reminders, no reopening of a channel that never existed).
        inc->status = domain::incident_status::reviewed;
        if (!inc->mitigated_at) inc->mitigated_at = now;
        inc->resolved_at = now;
        inc->reviewed_at = now;
        inc->summary = "Closed unopened: its channel could not be created.";
        stores_.incidents.update(*inc);
        notice = chat::direct_message{
            request.invite_user, cause + inc->label() + " was closed unopened; declare it again with `/" +
                                     cfg_.incidents.command + " start` in a channel of its own."};
    }
    stores_.queue.outbox_add(workspace, notice, now);
}

void engine::remember(const std::string& workspace, const storage::cached_message& message) {
    auto copy = message;
    copy.workspace = workspace;
    db_.transact([&] { stores_.timeline.remember(copy); });
}

void engine::give_up_waiting(std::int64_t inbox_id, const std::string& reason) {
    db_.transact([&] {
        stores_.queue.inbox_mark_failed(inbox_id, reason);
        stores_.queue.inbox_advance(inbox_id);
    });
}

}  // namespace hindsight::commands
