#pragma once
// What a reply in a review thread is (SPEC §4): an answer, a control word that moves the review on, a node
// addressed by number, a join of two nodes, a command, or something the bot leaves to the humans (chatter,
// a question, an aside). Pure, so the rules people rely on are unit-tested word by word.
#include <optional>
#include <string>
#include <string_view>

namespace hindsight::domain {

enum class reply_kind {
    answer,     // text for the question asked
    control,    // next, skip, done, none
    addressed,  // "F2.1: <text>" — a cause of that node (or a control word for it: "F2.1: done")
    join,       // "F2.1 = F1.2"
    command,    // "incident factor …" or "/incident factor …" typed as a reply
    chatter,    // +1, agree, thanks, emoji only …: never recorded
    question,   // ends with "?": left to the humans
    aside,      // starts with ">"
};

enum class control_word { next, skip, done, none };

struct review_reply {
    reply_kind kind = reply_kind::answer;
    std::optional<control_word> control;  // for control, and for addressed text that is a control word
    std::string node;                     // addressed / join: normalised label ("F2.1")
    std::string other;                    // join: the second node
    std::string text;                     // answer or addressed text, or the command after the trigger
};

// trigger is the slash command's word without the slash ("incident").
review_reply classify_review_reply(std::string_view text, std::string_view trigger);

// "next", "Skip.", "DONE!" → the control word; anything else → nullopt. Exactly the four words, alone.
std::optional<control_word> parse_control_word(std::string_view text);

// A reply made only of emoji (and :shortcodes:) and spaces.
bool is_emoji_only(std::string_view text);

}  // namespace hindsight::domain
