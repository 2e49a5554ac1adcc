#pragma once
#include <string_view>
#include <vector>

namespace hindsight::storage {

// Migration i (0-based) takes the schema from user_version i to i + 1. Never edit a released step: add one.
const std::vector<std::string_view>& migrations();

}  // namespace hindsight::storage
