#include "commands/delivery_policy.hpp"

#include <algorithm>
#include <type_traits>

namespace hindsight::commands {

namespace {

using kind = delivery_plan::kind;

delivery_plan wait_until(domain::timestamp at) {
    return {kind::wait, {}, at, {}};
}

delivery_plan give_up(std::string reason) {
    return {kind::give_up, {}, {}, std::move(reason)};
}

// The channel field of the kinds that are addressed to one (a channel request's is where it was asked).
std::string* addressed_channel(chat::outgoing& message) {
    return std::visit(
        [](auto& m) -> std::string* {
            using kind_type = std::decay_t<decltype(m)>;
            if constexpr (requires { m.channel; } && !std::is_same_v<kind_type, chat::channel_request>)
                return &m.channel;
            else
                return nullptr;
        },
        message);
}

std::optional<delivery_plan> resolve_channel(chat::outgoing& message, domain::timestamp now,
                                             const delivery_lookups& lookups) {
    auto* channel = addressed_channel(message);
    if (!channel || !channel->starts_with(chat::new_channel_prefix)) return std::nullopt;
    // Addressed to a channel that `start --new-channel` asked for: wait until it exists.
    auto created = lookups.channel(*channel);
    switch (created.what) {
        case named::state::ready:
            *channel = created.value;
            return std::nullopt;
        case named::state::waiting:
            return wait_until(now + std::chrono::seconds{1});
        case named::state::gone:
            break;
    }
    return give_up("its channel was never created");
}

std::optional<delivery_plan> resolve_edit(chat::outgoing& message, domain::timestamp now,
                                          const delivery_lookups& lookups) {
    auto* edit = std::get_if<chat::message_edit>(&message);
    if (!edit) return std::nullopt;
    // A later edit of the same message exists (waiting or sent): this one would only put an older state back.
    if (!edit->edit_key.empty() && lookups.newer_edit(edit->edit_key)) return delivery_plan{kind::done};
    if (!edit->message_id.empty()) return std::nullopt;
    if (edit->edit_key.empty()) return delivery_plan{kind::done};  // names no message: nothing to edit
    auto target = lookups.thread(edit->edit_key);
    switch (target.what) {
        case named::state::ready:
            edit->message_id = target.value;
            return std::nullopt;
        case named::state::waiting:
            return wait_until(now + std::chrono::seconds{1});
        case named::state::gone:
            break;
    }
    // Posted before messages were named (an older version), or given up on: nothing to edit.
    return delivery_plan{kind::done};
}

std::optional<delivery_plan> resolve_thread(chat::outgoing& message, domain::timestamp now,
                                            const delivery_lookups& lookups) {
    auto* reply = std::get_if<chat::thread_reply>(&message);
    if (!reply || reply->thread_key.empty() || !reply->thread_root.empty()) return std::nullopt;
    auto root = lookups.thread(reply->thread_key);
    switch (root.what) {
        case named::state::ready:
            reply->thread_root = root.value;
            break;
        case named::state::waiting:  // the root is only late (a retry, pacing): wait rather than spill over
            return wait_until(now + std::chrono::seconds{1});
        case named::state::gone:  // the root was given up on: say it in the channel instead
            message = chat::channel_post{reply->channel, std::move(reply->text), std::move(reply->buttons),
                                         std::move(reply->defines_thread)};
            break;
    }
    return std::nullopt;
}

}  // namespace

delivery_plan plan_delivery(const storage::outbox_row& row, std::optional<chat::outgoing> message,
                            bool platform_found, bool platforms_coming, domain::timestamp now,
                            const delivery_lookups& lookups) {
    // A platform still coming up (unreachable at start-up): its rows wait instead of being dropped, for a day
    // at most, after which they are given up like any row no platform serves.
    if (message && !platform_found && platforms_coming && now - row.created_at < std::chrono::hours{24})
        return wait_until(now + std::chrono::seconds{5});
    if (!message) return give_up("unreadable outbox row");
    if (!platform_found) {
        auto plan = give_up("no platform for workspace");
        plan.message = std::move(*message);  // a create_channel given up still tells its incident
        return plan;
    }
    for (auto* step : {&resolve_channel, &resolve_edit, &resolve_thread})
        if (auto stop = step(*message, now, lookups)) {
            if (stop->what == kind::give_up) stop->message = *message;
            return *stop;
        }
    return {kind::send, std::move(*message), {}, {}};
}

delivery_verdict judge_delivery(const chat::call_result& result, int attempts_so_far, domain::timestamp now) {
    using outcome = chat::call_result::outcome;
    if (result.status == outcome::deferred) return {delivery_verdict::kind::held, now + result.retry_after};
    if (result.ok()) return {delivery_verdict::kind::sent, now};
    if (result.status == outcome::retry && attempts_so_far + 1 < max_delivery_attempts)
        return {delivery_verdict::kind::retry,
                now + std::max(result.retry_after, delivery_backoff(attempts_so_far))};
    return {delivery_verdict::kind::give_up, now};
}

std::chrono::milliseconds delivery_backoff(int attempts) {
    auto delay = std::chrono::milliseconds{1000} * (1LL << std::clamp(attempts, 0, 9));
    return std::min<std::chrono::milliseconds>(delay, std::chrono::minutes{5});
}

std::string pacing_destination(const std::string& workspace, const chat::outgoing& message) {
    const auto& channel = chat::channel_of(message);
    return std::string(std::holds_alternative<chat::reaction>(message) ? "react:" : "post:") + workspace +
           ":" + (channel.empty() ? "dm:" + chat::user_of(message) : channel);
}

std::string idempotency_key(const storage::outbox_row& row) {
    return "hindsight-" + row.workspace + "-" + std::to_string(row.id);
}

}  // namespace hindsight::commands
