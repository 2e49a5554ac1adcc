#pragma once
// The guided review's conversation (SPEC §4), shared by the review commands and the thread-reply handler:
// what it asks, how it moves on, what a summary says. Internal to commands/.
#include <optional>
#include <string>
#include <vector>

#include "commands/context.hpp"
#include "domain/causal_map.hpp"
#include "domain/result.hpp"
#include "domain/review_reply.hpp"

namespace hindsight::commands::review {

// Review conversation goes to the review thread when there is one, so the channel stays readable.
void say(context& ctx, const domain::incident& inc, std::string text, std::vector<chat::button> buttons = {});

// The recap's questions in the order they are asked; each is asked only while its field is empty.
inline constexpr std::array<std::string_view, 3> recap_fields{"impact", "detection", "summary"};
std::string* recap_field(domain::incident& inc, std::string_view name);

// Posts the question for where the review stands (prefixed by preface) and logs it, so a reply that
// arrives late answers the question it was written under.
void ask(context& ctx, domain::incident& inc, const std::string& preface = {});
// The node the current "why?" is about (0 outside the causes stage).
std::int64_t focus_node(const domain::incident& inc);
// "causes:17" — which question is current, so a stale `next` (two people at once, an old button) is ignored.
std::string question_token(const domain::incident& inc);

// Opens the review at the recap (or at factors when nothing is missing).
void begin(context& ctx, domain::incident& inc);
// Moves on as a control word says, then asks the next question (or posts the summary).
result<void> move_on(context& ctx, domain::incident& inc, domain::control_word word);

result<domain::cause_node> add_factor(context& ctx, const domain::incident& inc, const std::string& text);
// A cause of parent; refused when parent was removed or the branch is already review.max_whys deep.
result<domain::cause_node> add_cause(context& ctx, const domain::incident& inc,
                                     const domain::cause_node& parent, const std::string& text);
// Closes a branch (`done`): no more "why?" about the node or anything under it.
void close_branch(context& ctx, const domain::cause_node& node);
// Past the questions: the stage becomes summary (the caller brings the summary post up to date).
void enter_summary(context& ctx, domain::incident& inc);
// `F2.1 = F1.2`: the older node stays.
result<domain::causal_map::join_plan> join(context& ctx, const domain::incident& inc, std::string_view a,
                                           std::string_view b);

// After any change: the summary is edited once it exists, and the incident becomes reviewed when
// complete.
void after_change(context& ctx, domain::incident& inc);
// The summary so far: factors with their causes, the lists, the action items, and what is still missing.
std::string summary_text(stores& store, const config::settings& cfg, const domain::incident& inc,
                         const std::function<std::string(const std::string&)>& who, bool with_missing);

// The incident a review thread belongs to (the thread's incident wins over whatever else is open there).
std::optional<domain::incident> incident_of_thread(context& ctx, const std::string& channel,
                                                   const std::string& root);

}  // namespace hindsight::commands::review
