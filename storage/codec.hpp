#pragma once
// JSON forms of neutral events and outgoing messages, as kept in the inbox and outbox tables.
#include <optional>
#include <string>

#include "chat/event.hpp"
#include "chat/outgoing.hpp"

namespace hindsight::storage {

std::string encode_event(const chat::event& e);
std::optional<chat::event> decode_event(const std::string& json);  // nullopt: unreadable row
std::string encode_outgoing(const chat::outgoing& o);
std::optional<chat::outgoing> decode_outgoing(const std::string& json);

}  // namespace hindsight::storage
