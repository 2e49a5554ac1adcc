#pragma once
// `action <text> [@owner] [due <date>] [#type]` as people type it (SPEC §4, "Action items from text").
// The text never loses a word: options are read only from the trailing run of options at the end, and
// everything before that run is the action, exactly as typed.
#include <optional>
#include <string>
#include <string_view>

#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"

namespace hindsight::domain {

struct parsed_action {
    std::string text;                  // the action as typed, without the trailing options
    std::optional<std::string> owner;  // the owner's mention as typed ("@bob", "<@U123|bob>"); the caller
                                       // resolves it to a user id
    std::optional<civil_date> due;
    std::optional<action_type> type;
    // A trailing "#word" that is not a type ("#proces", "#ops"): it stays in the text, and the caller may
    // point it out so a mistyped type is noticed.
    std::optional<std::string> unknown_tag;
};

// Options, in any order, in the trailing run: `@user` or the platform mention (`<@U123>`,
// `<@U123|name>`), `due <date>` (every form of parse_due_date, the longest that reads), `#<type>` or
// `type <type>`, and a bare type word (`process`) only after another option of the run, so "Document the
// deploy process" keeps its last word. Errors (bad_input): no text before the options, two owners, two
// due dates or two types in the run, and a date after `due` that cannot be read or lies in the past (the
// message names it).
result<parsed_action> parse_action_text(std::string_view input, civil_date today);

// True for `@name`, `<@U123>` and `<@U123|name>`: the forms a chat platform uses to name a person.
bool is_user_mention(std::string_view word);

}  // namespace hindsight::domain
