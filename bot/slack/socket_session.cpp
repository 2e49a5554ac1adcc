#include "bot/slack/socket_session.hpp"

#include <algorithm>

#include "bot/slack/socket_mode.hpp"

namespace hindsight::slack {

socket_session::socket_session(unsigned seed) : random_(seed) {}

socket_session::link* socket_session::find(int id) {
    auto found = std::find_if(links_.begin(), links_.end(), [id](const link& l) { return l.id == id; });
    return found == links_.end() ? nullptr : &*found;
}

bool socket_session::connected() const {
    return std::any_of(links_.begin(), links_.end(), [](const link& l) { return !l.draining; });
}

void socket_session::hold_off(time_point until) {
    not_before_ = std::max(not_before_, until);
}

socket_session::step socket_session::next(time_point now) const {
    if (stopping_ || disabled_) return {step::kind::stop};
    if (connected() && !replacement_wanted_) return {step::kind::wait};
    if (now < not_before_)
        return {step::kind::sleep, std::chrono::ceil<std::chrono::milliseconds>(not_before_ - now)};
    return {step::kind::open};
}

std::vector<int> socket_session::opened(int id, time_point now) {
    std::vector<int> replaced;
    for (auto& old : links_)
        if (!old.draining) {
            old.draining = true;
            replaced.push_back(old.id);
        }
    links_.push_back({id, now, false});
    replacement_wanted_ = false;
    return replaced;
}

void socket_session::open_failed(time_point now, bool give_up, std::chrono::milliseconds retry_after) {
    if (give_up) {
        disabled_ = true;
        return;
    }
    policy_.failed();
    hold_off(now + std::max(retry_after, policy_.delay(random_)));
}

socket_session::link_action socket_session::disconnected(int id, std::string_view reason) {
    auto* from = find(id);
    switch (on_disconnect(reason)) {
        case disconnect_action::replace:
            // Slack closes it soon: a new connection first. One already replaced needs no second successor.
            if (from && !from->draining) replacement_wanted_ = true;
            return link_action::keep;
        case disconnect_action::reconnect:
            return link_action::close;
        case disconnect_action::stop:
            disabled_ = true;
            return link_action::close;
    }
    return link_action::keep;
}

void socket_session::closed(int id, time_point now) {
    auto* gone = find(id);
    if (!gone) return;
    bool replaced = gone->draining;
    auto opened_at = gone->opened_at;
    std::erase_if(links_, [id](const link& l) { return l.id == id; });
    if (replaced || stopping_) return;
    // Lost rather than replaced: reconnect, slowing down if connections keep dying young.
    policy_.ended(opened_at, now);
    hold_off(now + policy_.delay(random_));
}

}  // namespace hindsight::slack
