#include "commands/delivery_policy.hpp"

#include <algorithm>

namespace hindsight::commands {

namespace {

using kind = delivery_plan::kind;

delivery_plan wait_until(domain::timestamp at) {
    return {kind::wait, {}, at, {}};
}

delivery_plan give_up(std::string reason) {
    return {kind::give_up, {}, {}, std::move(reason)};
}

std::optional<delivery_plan> resolve_channel(chat::outgoing& message, domain::timestamp now,
                                             const delivery_lookups& lookups) {
    if (!message.channel.starts_with(chat::new_channel_prefix)) return std::nullopt;
    // Addressed to a channel that `start --new-channel` asked for: wait until it exists.
    auto created = lookups.channel(message.channel);
    switch (created.what) {
        case named::state::ready:
            message.channel = created.value;
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
    if (message.how != chat::delivery::update) return std::nullopt;
    // A later edit of the same message exists (waiting or sent): this one would only put an older state back.
    if (!message.thread_key.empty() && lookups.newer_edit(message.thread_key))
        return delivery_plan{kind::done};
    if (!message.message_id.empty()) return std::nullopt;
    auto target = lookups.thread(message.thread_key);
    switch (target.what) {
        case named::state::ready:
            message.message_id = target.value;
            message.thread_key.clear();
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
    if (message.thread_key.empty() || !message.thread_root.empty()) return std::nullopt;
    auto root = lookups.thread(message.thread_key);
    switch (root.what) {
        case named::state::ready:
            message.thread_root = root.value;
            break;
        case named::state::waiting:  // the root is only late (a retry, pacing): wait rather than spill over
            return wait_until(now + std::chrono::seconds{1});
        case named::state::gone:  // the root was given up on: say it in the channel instead
            message.how = chat::delivery::channel;
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
    message->idempotency_key = idempotency_key(row);
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
    return std::string(message.how == chat::delivery::reaction ? "react:" : "post:") + workspace + ":" +
           (message.channel.empty() ? "dm:" + message.user : message.channel);
}

std::string idempotency_key(const storage::outbox_row& row) {
    return "hindsight-" + row.workspace + "-" + std::to_string(row.id);
}

}  // namespace hindsight::commands
