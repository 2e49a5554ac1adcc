#pragma once
// The blameless-language nudge: spots wording that points at a person instead of at the conditions around
// them.
#include <string>
#include <string_view>
#include <vector>

namespace hindsight::domain {

struct blame_finding {
    std::string phrase;      // the words that were found, as written in the text (e.g. "should have")
    std::string suggestion;  // one sentence: the blameless alternative (describe the condition that made the
                             // action reasonable)
    std::size_t offset = 0;  // byte offset of the phrase in the text
};

// Finds blaming language. Saying what someone did ("Alice rolled back at 14:05") is not blame.
// Pure and allocation-light: it runs on every captured message, so it scans words once and uses no regex.
std::vector<blame_finding> check_blame(std::string_view text);

}  // namespace hindsight::domain
