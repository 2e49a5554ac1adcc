#include "bot/common/channel_creation.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace hindsight::common {

namespace asio = boost::asio;

namespace {

struct named_channel {
    std::string name;
    std::string id;
};

// The channel, or what the caller is told instead.
struct creation {
    std::optional<named_channel> channel;
    chat::call_result failure;
};

asio::awaitable<creation> create_with_free_name(const chat::channel_request& request,
                                                std::vector<std::string>& names_tried,
                                                const channel_calls& calls) {
    for (int attempt = 1; attempt <= 5; ++attempt) {
        auto name = attempt == 1 ? request.name : request.name + "-" + std::to_string(attempt);
        bool tried_before = std::find(names_tried.begin(), names_tried.end(), name) != names_tried.end();
        if (!tried_before) names_tried.push_back(name);
        auto created = co_await calls.create(name);
        if (created.what == create_attempt::kind::created)
            co_return creation{named_channel{name, created.channel_id}, {}};
        if (created.what == create_attempt::kind::failed) co_return creation{std::nullopt, created.failure};
        // Taken by someone else (or another incident) unless this very request tried the name before.
        if (!tried_before) continue;
        auto check = co_await calls.own_orphan(name);
        if (check.unknown)
            co_return creation{std::nullopt,
                               {chat::call_result::outcome::retry,
                                {},
                                calls.what + ": cannot tell whether " + name + " is ours"}};
        if (check.id) co_return creation{named_channel{name, *check.id}, {}};
    }
    co_return creation{
        std::nullopt,
        {chat::call_result::outcome::rejected,
         {},
         calls.what + ": name_taken (" + request.name + " and its numbered variants all exist)"}};
}

asio::awaitable<std::string> invite_asker(asio::io_context& io, const std::string& channel_id,
                                          const std::string& user, const channel_calls& calls) {
    invite_attempt invited;
    for (int attempt = 0; attempt < 3; ++attempt) {
        invited = co_await calls.invite(channel_id);
        if (invited.what != invite_attempt::kind::retry) break;
        // Its own timer: nobody else's wait may be woken or moved by this one.
        asio::steady_timer wait(io);
        wait.expires_after(std::clamp(invited.retry_after, std::chrono::milliseconds{500},
                                      std::chrono::milliseconds{10000}));
        boost::system::error_code ignored;
        co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    if (invited.what == invite_attempt::kind::done) co_return std::string();
    spdlog::warn("{}: could not invite {} to the new channel {}: {}", calls.what, user, channel_id,
                 invited.error);
    co_return invited.error.empty() ? std::string("the invitation kept failing") : invited.error;
}

}  // namespace

asio::awaitable<chat::call_result> create_channel_flow(asio::io_context& io,
                                                       const chat::channel_request& request,
                                                       const std::string& bot_user,
                                                       std::vector<std::string>& names_tried,
                                                       const channel_calls& calls) {
    auto created = co_await create_with_free_name(request, names_tried, calls);
    if (!created.channel) co_return created.failure;
    names_tried.clear();
    auto result = chat::call_result::success(created.channel->id);
    result.created_name = created.channel->name;
    // The channel exists either way: a failed invitation must not make the worker create another. The caller
    // is told instead (the warning travels in error).
    if (!request.invite_user.empty() && request.invite_user != bot_user)
        result.error = co_await invite_asker(io, created.channel->id, request.invite_user, calls);
    co_return result;
}

}  // namespace hindsight::common
