#pragma once
// Creating an incident's channel, the same way on every chat platform: a taken name (the same title on the
// same day) gets -2, -3 … before giving up; a name this very request tried before may be its own channel from
// an attempt whose answer was lost, adopted when the platform says it is (made by the bot minutes ago, nobody
// else in it); then the person who asked is invited, with a few tries, since in a private channel nobody else
// could let them in. The platform supplies the three calls; this holds the flow.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chat/platform.hpp"

namespace hindsight::common {

struct create_attempt {
    enum class kind { created, taken, failed } what = kind::failed;
    std::string channel_id = {};     // created
    chat::call_result failure = {};  // failed: what the caller gets
};

struct orphan_check {
    bool unknown = false;           // a lookup failed: cannot tell (the create is retried later)
    std::optional<std::string> id;  // our own channel from a lost answer
};

struct invite_attempt {
    enum class kind { done, retry, failed } what = kind::failed;
    std::chrono::milliseconds retry_after = {};
    std::string error = {};  // failed: said to the caller alongside the new channel
};

struct channel_calls {
    std::string what;  // for messages: "conversations.create", "create channel"
    std::function<boost::asio::awaitable<create_attempt>(const std::string& name)> create;
    std::function<boost::asio::awaitable<orphan_check>(const std::string& name)> own_orphan;
    std::function<boost::asio::awaitable<invite_attempt>(const std::string& channel_id)> invite;
};

// names_tried: the names this request (by its outbox key) has tried so far, kept by the platform across
// retries; cleared here once the channel exists.
boost::asio::awaitable<chat::call_result> create_channel_flow(boost::asio::io_context& io,
                                                              const chat::channel_request& request,
                                                              const std::string& bot_user,
                                                              std::vector<std::string>& names_tried,
                                                              const channel_calls& calls);

}  // namespace hindsight::common
