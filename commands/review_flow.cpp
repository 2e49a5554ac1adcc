#include "commands/review_flow.hpp"

#include <algorithm>

#include "commands/handlers.hpp"
#include "domain/rules.hpp"
#include "domain/text.hpp"

namespace hindsight::commands::review {

using domain::control_word;
using domain::incident;
using domain::plural;
using domain::review_stage;

void say(context& ctx, const incident& inc, std::string text, std::vector<chat::button> buttons) {
    if (inc.review_thread.empty()) {
        if (inc.channel == ctx.channel.id) {
            ctx.announce(std::move(text));
            chat::attach_buttons(ctx.replies.back(), std::move(buttons));
        } else {
            ctx.post_in(inc.channel, text);
            chat::attach_buttons(ctx.replies.back(), std::move(buttons));
            ctx.tell("Recorded: " + text);
        }
        return;
    }
    chat::thread_reply o;
    o.channel = inc.channel;
    o.thread_key = inc.review_thread;
    o.text = std::move(text);
    o.buttons = std::move(buttons);
    ctx.replies.push_back(std::move(o));
}

std::string* recap_field(incident& inc, std::string_view name) {
    if (name == "impact") return &inc.impact;
    if (name == "detection") return &inc.detection;
    if (name == "summary") return &inc.summary;
    return nullptr;
}

namespace {

struct prompt {
    std::string text;
    std::vector<chat::button> buttons;
};

// The first recap question after `after` (or the first of all) whose field is still empty.
std::optional<std::string_view> missing_recap_field(incident& inc, std::string_view after) {
    bool passed = after.empty();
    for (auto name : recap_fields) {
        if (passed && recap_field(inc, name)->empty()) return name;
        if (name == after) passed = true;
    }
    return std::nullopt;
}

std::string recap_question(std::string_view field) {
    if (field == "impact") return "What was the impact on customers and the business?";
    if (field == "detection")
        return "How was it detected (an alert, a customer, someone noticed …), and when?";
    return "In a sentence or two, what happened? (the summary)";
}

std::string short_quote(std::string_view text) {
    return "“" + quote(domain::truncate_utf8(text, 200)) + "”";
}

prompt causes_prompt(const incident& inc, const domain::causal_map& map, const domain::cause_node& node) {
    const auto* factor = map.factor_of(node.id);
    std::string factor_label = factor ? factor->label : node.label;
    auto for_this = [&](std::string_view command) { return std::string(command) + " " + inc.label(); };
    return {
        "*" + node.label + "* — Why did " + short_quote(node.text) +
            " happen? Reply with a cause (several replies are several branches). `next` goes on, `done` if "
            "this is a root cause, `skip` leaves the rest of " +
            factor_label + ".",
        {{"Answer", for_this("why") + " " + node.label, "Why did it happen?"},
         {"Root cause: done", for_this("why") + " " + node.label + " done"},
         {"Next", "review " + inc.label() + " next " + question_token(inc)}}};
}

prompt prompt_for(context& ctx, const incident& inc) {
    auto next_button = chat::button{"Next", "review " + inc.label() + " next " + question_token(inc)};
    auto for_this = [&](std::string_view command) { return std::string(command) + " " + inc.label(); };
    switch (inc.stage) {
        case review_stage::recap:
            return {
                recap_question(inc.review_focus) + " Reply here; several people can answer. `next` moves on.",
                {{"Answer", "review " + inc.label() + " answer " + inc.review_focus,
                  recap_question(inc.review_focus)},
                 next_button}};
        case review_stage::factors:
            return {
                "What conditions allowed this to happen? Reply with one contributing factor per message; "
                "anyone can add. `next` when the list is complete.",
                {{"Add a factor", for_this("factor"), "What condition allowed this to happen?"},
                 next_button}};
        case review_stage::causes: {
            auto map = ctx.store.review.map(inc.id);
            if (const auto* node = map.find(focus_node(inc))) return causes_prompt(inc, map, *node);
            return {"Every branch of causes is answered. `next` moves on.", {next_button}};
        }
        case review_stage::went_well:
            return {"What went well? One item per line; `next` moves on.",
                    {{"Add what went well", for_this("went-well"), "What went well?"}, next_button}};
        case review_stage::went_wrong:
            return {"What went wrong? One item per line; `next` moves on.",
                    {{"Add what went wrong", for_this("went-wrong"), "What went wrong?"}, next_button}};
        case review_stage::lucky:
            return {"Where did we get lucky? One item per line; `next` moves on.",
                    {{"Add where we got lucky", for_this("lucky"), "Where did we get lucky?"}, next_button}};
        case review_stage::actions:
            return {
                "Which action items make this less likely or less harmful next time? One per reply: "
                "`<what will exist when done> @owner due <date> #type`. `done` when finished, `none` if no "
                "action is needed.",
                {{"Add an action", for_this("action"),
                  "What will exist when it is done? Add @owner and due <date> if you know them."},
                 {"Finished", "review " + inc.label() + " done " + question_token(inc)}}};
        case review_stage::none:
        case review_stage::summary:
            break;
    }
    return {"The review has passed its questions; commands and `F2: …` replies still add to it.", {}};
}

void set_stage(incident& inc, review_stage stage, std::string focus = {}) {
    inc.stage = stage;
    inc.review_focus = std::move(focus);
}

// Into the causes at the first question of the map, or past them when every branch is answered.
void enter_causes(incident& inc, const domain::cause_node* first) {
    if (first)
        set_stage(inc, review_stage::causes, std::to_string(first->id));
    else
        set_stage(inc, review_stage::went_well);
}

}  // namespace

void enter_summary(context& ctx, incident& inc) {
    inc.stage = review_stage::summary;
    inc.review_focus.clear();
    // Logged like a question, so replies from now on are conversation, not answers to the last question.
    ctx.store.review.record_question(inc.id, {inc.stage, inc.review_focus, ctx.now});
}

std::int64_t focus_node(const incident& inc) {
    if (inc.stage != review_stage::causes || inc.review_focus.empty()) return 0;
    return std::strtoll(inc.review_focus.c_str(), nullptr, 10);
}

std::string question_token(const incident& inc) {
    return std::string(domain::to_string(inc.stage)) +
           (inc.review_focus.empty() ? "" : ":" + inc.review_focus);
}

void ask(context& ctx, incident& inc, const std::string& preface) {
    auto p = prompt_for(ctx, inc);
    say(ctx, inc, inc.label() + " · " + preface + p.text, std::move(p.buttons));
    ctx.store.review.record_question(inc.id, {inc.stage, inc.review_focus, ctx.now});
}

void begin(context& ctx, incident& inc) {
    if (auto field = missing_recap_field(inc, ""))
        set_stage(inc, review_stage::recap, std::string(*field));
    else
        set_stage(inc, review_stage::factors);
    ctx.store.incidents.update(inc);
    post_related(ctx, inc);  // the recap names the failures this one resembles, with their open actions
    ask(ctx, inc);
}

namespace {

result<void> move_on_in_causes(context& ctx, incident& inc, control_word word) {
    auto map = ctx.store.review.map(inc.id);
    const auto* focus = map.find(focus_node(inc));
    auto max = ctx.cfg.review.max_whys;
    std::int64_t from = focus ? focus->id : 0;
    if (word == control_word::done && focus) {
        ctx.store.review.set_node_closed(focus->id, true);
    } else if (word == control_word::skip && focus) {
        // "closes the rest of this factor": every branch of it still asking is closed, as not explored.
        const auto* factor = map.factor_of(focus->id);
        for (const auto* open : map.open_branches(max))
            if (map.factor_of(open->id) == factor) ctx.store.review.skip_node(open->id);
    } else if (word == control_word::none) {
        return make_error(errc::bad_input, "`none` is for the action items. Here: `next`, `done` or `skip`.");
    }
    map = ctx.store.review.map(inc.id);
    const auto* next = word == control_word::skip ? map.first_question_after_factor(from, max)
                                                  : map.next_question(from, max);
    enter_causes(inc, next);
    return {};
}

result<void> move_on_in_actions(context& ctx, incident& inc, control_word word) {
    auto actions = ctx.store.actions.list({ctx.workspace, std::nullopt, inc.id, false});
    if (word == control_word::skip)
        return make_error(errc::bad_input,
                          "Say `done` when the action items are complete, or `none` if the "
                          "review decides no action is needed.");
    if (word == control_word::none) {
        if (!actions.empty())
            return make_error(errc::conflict, inc.label() + " already has " +
                                                  plural(actions.size(), "action item") +
                                                  "; `none` is only for a review that decides on no action.");
        inc.no_action_decided = true;
        record_event(ctx, inc, "Review decided no action is needed (" + ctx.who(ctx.user) + ")");
    }
    enter_summary(ctx, inc);
    return {};
}

}  // namespace

result<void> move_on(context& ctx, incident& inc, control_word word) {
    auto map = ctx.store.review.map(inc.id);
    switch (inc.stage) {
        case review_stage::recap: {
            if (word != control_word::next && word != control_word::skip)
                return make_error(errc::bad_input, "In the recap, `next` moves on.");
            if (auto field = missing_recap_field(inc, inc.review_focus))
                set_stage(inc, review_stage::recap, std::string(*field));
            else
                set_stage(inc, review_stage::factors);
            break;
        }
        case review_stage::factors:
            if (word != control_word::next)
                return make_error(errc::bad_input, "`next` moves on to the causes of each factor.");
            if (map.factors().empty())
                return make_error(errc::conflict,
                                  "The review needs at least one contributing factor first: what "
                                  "condition allowed this to happen?");
            enter_causes(inc, map.next_question(0, ctx.cfg.review.max_whys));
            break;
        case review_stage::causes:
            if (auto moved = move_on_in_causes(ctx, inc, word); !moved) return moved;
            break;
        case review_stage::went_well:
        case review_stage::went_wrong:
        case review_stage::lucky:
            if (word != control_word::next && word != control_word::skip)
                return make_error(errc::bad_input, "`next` (or `skip`) moves on to the next list.");
            set_stage(inc, static_cast<review_stage>(static_cast<int>(inc.stage) + 1));
            break;
        case review_stage::actions:
            if (auto moved = move_on_in_actions(ctx, inc, word); !moved) return moved;
            break;
        case review_stage::none:
        case review_stage::summary:
            return make_error(errc::conflict, "The review of " + inc.label() +
                                                  " has passed its questions; commands still add to it.");
    }
    ctx.store.incidents.update(inc);
    if (inc.stage == review_stage::summary)
        after_change(ctx, inc);
    else
        ask(ctx, inc);
    return {};
}

result<domain::cause_node> add_factor(context& ctx, const incident& inc, const std::string& text) {
    auto node = ctx.store.review.add_node(inc.id, 0, text, ctx.user, ctx.now);
    nudge_if_blaming(ctx, text);
    note_recurrence(ctx, inc, node);
    return node;
}

result<domain::cause_node> add_cause(context& ctx, const incident& inc, const domain::cause_node& parent,
                                     const std::string& text) {
    if (parent.removed)
        return make_error(errc::conflict, parent.label +
                                              " was removed (its reply was deleted); give the cause "
                                              "under another node.");
    if (parent.depth >= ctx.cfg.review.max_whys)
        return make_error(errc::conflict, parent.label + " is already " +
                                              plural(static_cast<std::size_t>(parent.depth), "why") +
                                              " deep, the most this review asks (review.max_whys).");
    auto node = ctx.store.review.add_node(inc.id, parent.id, text, ctx.user, ctx.now);
    nudge_if_blaming(ctx, text);
    note_recurrence(ctx, inc, node);
    return node;
}

void close_branch(context& ctx, const domain::cause_node& node) {
    ctx.store.review.set_node_closed(node.id, true);
}

result<domain::causal_map::join_plan> join(context& ctx, const incident& inc, std::string_view a,
                                           std::string_view b) {
    auto plan = ctx.store.review.map(inc.id).plan_join(a, b);
    if (!plan) return plan.failure();
    ctx.store.review.join_nodes(plan->kept, plan->merged);
    return *plan;
}

std::optional<incident> incident_of_thread(context& ctx, const std::string& channel,
                                           const std::string& root) {
    if (root.empty()) return std::nullopt;
    auto key = ctx.store.queue.thread_key_for_root(ctx.workspace, channel, root);
    if (!key || !key->starts_with("review:")) return std::nullopt;
    auto inc = ctx.store.incidents.find_by_id(std::stoll(key->substr(7)));
    if (!inc || inc->channel != channel) return std::nullopt;
    return inc;
}

}  // namespace hindsight::commands::review
