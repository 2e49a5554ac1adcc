#include "bot/mattermost/session.hpp"

namespace hindsight::mattermost {

session::session(unsigned seed) : random_(seed) {}

std::chrono::milliseconds session::delay_before_connect() {
    return policy_.delay(random_);
}

std::string session::resume_query() const {
    if (connection_id_.empty()) return {};
    return "?connection_id=" + connection_id_ + "&sequence_number=" + std::to_string(expected_seq_);
}

session::hello_step session::hello(std::string_view connection_id, std::int64_t seq) {
    hello_kind kind = connection_id_.empty()            ? hello_kind::first
                      : connection_id == connection_id_ ? hello_kind::resumed
                                                        : hello_kind::new_connection;
    connection_id_ = std::string(connection_id);
    expected_seq_ = seq + 1;
    bool catch_up = kind == hello_kind::new_connection || !caught_up_once_;
    caught_up_once_ = true;
    return {kind, catch_up};
}

session::event_step session::event(std::int64_t seq) {
    if (seq < expected_seq_) return event_step::replay;
    if (seq != expected_seq_) return event_step::reconnect;
    expected_seq_ = seq + 1;
    return event_step::deliver;
}

void session::commit_failed() {
    connection_id_.clear();
    caught_up_once_ = false;
}

std::string_view describe(session::hello_kind kind) {
    switch (kind) {
        case session::hello_kind::first:
            return "first";
        case session::hello_kind::resumed:
            return "resumed";
        case session::hello_kind::new_connection:
            return "new connection";
    }
    return "unknown";
}

}  // namespace hindsight::mattermost
