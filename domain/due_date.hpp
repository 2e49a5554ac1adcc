#pragma once
#include <string_view>

#include "domain/result.hpp"
#include "domain/time.hpp"

namespace hindsight::domain {

// Due dates as people type them: "2026-03-06", "fri"/"friday" (the next one after today), "today",
// "tomorrow", "+3d", "+2w". Relative to the caller's local date; dates in the past are refused because
// they are almost always a typo.
result<civil_date> parse_due_date(std::string_view text, civil_date today);

inline constexpr std::string_view due_date_forms = "YYYY-MM-DD, a weekday (fri), today, tomorrow, +3d or +2w";

}  // namespace hindsight::domain
