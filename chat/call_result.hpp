#pragma once
// What an outbound platform call reports, as a value: delivered, not supported, worth a retry, refused, or
// held back by the platform's own rate-limit pause. No Asio here: the delivery policy in commands/ reads it.
#include <chrono>
#include <string>

namespace hindsight::chat {

struct call_result {
    // deferred: nothing was sent (the platform is waiting out a rate limit); try again after retry_after,
    // and do not count it as an attempt.
    enum class outcome { ok, not_supported, retry, rejected, deferred };
    outcome status = outcome::ok;
    std::string message_id;  // of the post that was made, when there is one
    std::string error;       // for logs and the outbox row; never carries a token. On success: a warning
    std::chrono::milliseconds retry_after{0};
    std::string created_name = {};  // create_channel: the name the channel got (a suffix when it was taken)

    static call_result success(std::string id = {}) { return {outcome::ok, std::move(id), {}, {}, {}}; }
    static call_result unsupported(std::string what) {
        return {outcome::not_supported, {}, std::move(what), {}, {}};
    }
    bool ok() const { return status == outcome::ok; }
};

}  // namespace hindsight::chat
