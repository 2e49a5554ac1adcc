#pragma once
// application/x-www-form-urlencoded bodies, as Slack and Mattermost send slash commands.
#include <map>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace hindsight::domain {

// → fields (later duplicates win). Malformed %-escapes are an error.
result<std::map<std::string, std::string>> parse_form(std::string_view body);

// The other way: every byte but A-Z a-z 0-9 - _ . as %XX, for a query or form value.
std::string percent_encode(std::string_view value);

}  // namespace hindsight::domain
