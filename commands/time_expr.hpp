#pragma once
// The times a responder types to correct the timeline (SPEC §9): `HH:MM` (today in their zone, or yesterday
// when that would be in the future), `YYYY-MM-DD HH:MM` (in their zone), an ISO 8601 instant
// (`2026-03-02T09:40:00Z`, `…+01:00`), or `-20m` / `-2h` / `-1d` (ago). Never later than now.
#include <string>
#include <string_view>

#include "domain/result.hpp"
#include "domain/time.hpp"

namespace hindsight::commands {

struct typed_time {
    domain::timestamp at;
    std::size_t words = 1;  // how many words of the input the time took (`2026-03-02 09:40` takes two)
};

// Reads a time from the start of `text`. Not a time: bad_input, with the forms that are understood; a time
// in the future: conflict (a refusal, never to be read as note text).
result<typed_time> parse_typed_time(std::string_view text, domain::timestamp now, const std::string& zone);

}  // namespace hindsight::commands
