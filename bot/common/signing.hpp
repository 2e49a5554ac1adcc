#pragma once
// Request signing helpers both chat platforms use: HMAC-SHA256 as lower-case hex, and comparisons that take
// the same time however much of a forged value matches.
#include <string>
#include <string_view>

namespace hindsight::common {

std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// Constant time in the contents; sizes may differ (a wrong length says nothing about a secret's bytes).
bool equal_in_constant_time(std::string_view a, std::string_view b);

// A shared secret offered by a caller: never accepted when none is configured.
inline bool matches_secret(std::string_view configured, std::string_view offered) {
    return !configured.empty() && equal_in_constant_time(configured, offered);
}

}  // namespace hindsight::common
