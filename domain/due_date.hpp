#pragma once
#include <string_view>

#include "domain/result.hpp"
#include "domain/time.hpp"

namespace hindsight::domain {

// Due dates as people type them, relative to the caller's local date:
//   "2026-03-06"; "fri"/"friday" and "next fri" (the next one after today); "today", "tomorrow";
//   "+3d", "+2w", "in 3 days", "in 1 week"; "March 20", "20 Mar", "mar 20th"; "end of month".
// Dates in the past are refused because they are almost always a typo. The error names the text as typed.
result<civil_date> parse_due_date(std::string_view text, civil_date today);

// True when a word could start a due date ("fri", "next", "in", "20", "+3d", "march", "someday"): the
// action parser uses it to tell "due next fryday" (a mistyped date, an error) from "due to load" (text).
bool looks_like_date_start(std::string_view word);

// The most words any due-date form takes ("end of the month").
inline constexpr std::size_t max_due_date_words = 4;

inline constexpr std::string_view due_date_forms =
    "YYYY-MM-DD, a weekday (fri), next fri, today, tomorrow, +3d, +2w, in 3 days, March 20 or end of month";

}  // namespace hindsight::domain
