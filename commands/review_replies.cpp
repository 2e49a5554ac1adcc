// Replies in a review thread (SPEC §4): each is one answer to the question posted last before it, from
// whoever wrote it, confirmed with a reaction; edits and deletions follow into what it became.
#include "commands/command_table.hpp"
#include "commands/handlers.hpp"
#include "commands/review_flow.hpp"
#include "domain/rules.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {

using domain::incident;
using domain::review_stage;
using storage::review_store;

namespace {

void confirm(context& ctx, const chat::message_posted& m) {
    ctx.react(m.channel.id, m.message_id, ctx.cfg.capture.confirm_emoji);
}

void remember(context& ctx, const chat::message_posted& m, std::string kind, std::int64_t target) {
    ctx.store.review.record_reply(ctx.workspace, m.channel.id, m.message_id, {std::move(kind), target});
}

// The question a reply was written under: the one posted last at or before its own time, else the current
// one. Ties go to the newer question, so a reply at the same instant answers what is asked now.
review_store::question question_for(context& ctx, const incident& inc, const chat::message_posted& m) {
    review_store::question current{inc.stage, inc.review_focus, ctx.now};
    auto before = ctx.store.review.question_before(inc.id, m.at);
    return before ? *before : current;
}

bool is_current(const incident& inc, const review_store::question& q) {
    return q.stage == inc.stage && q.focus == inc.review_focus;
}

void add_to_recap(context& ctx, incident& inc, const std::string& field, const std::string& text,
                  const chat::message_posted& m) {
    auto* value = review::recap_field(inc, field);
    if (!value) return;
    *value += (value->empty() ? "" : "\n") + text;
    ctx.store.incidents.update(inc);
    remember(ctx, m, field, inc.id);
    nudge_if_blaming(ctx, text);
    confirm(ctx, m);
}

void add_list_items(context& ctx, const incident& inc, review_stage stage, const std::string& text,
                    const chat::message_posted& m) {
    auto list = stage == review_stage::went_well    ? domain::review_list::went_well
                : stage == review_stage::went_wrong ? domain::review_list::went_wrong
                                                    : domain::review_list::lucky;
    std::size_t added = 0;
    for (auto line : split_lines(text)) {
        auto item = checked_text(line, "item", domain::max_text_length);
        if (!item) {
            ctx.tell(item.failure().message);
            continue;
        }
        remember(ctx, m, "note", ctx.store.review.add_note(inc.id, {0, list, *item, ctx.user}));
        nudge_if_blaming(ctx, *item);
        ++added;
    }
    if (added > 0) confirm(ctx, m);
}

void add_reply_action(context& ctx, const incident& inc, const std::string& text,
                      const chat::message_posted& m) {
    auto before = ctx.store.actions.list({ctx.workspace, std::nullopt, inc.id, false});
    auto line = inc.label() + " " + text;  // arguments keeps a view: the line must outlive it
    arguments args(line);
    auto outcome = create_action(ctx, args);
    if (!outcome) {
        ctx.tell(outcome.failure().message);
        return;
    }
    auto after = ctx.store.actions.list({ctx.workspace, std::nullopt, inc.id, false});
    if (after.size() > before.size()) remember(ctx, m, "action", after.back().id);
}

void add_cause_reply(context& ctx, const incident& inc, std::int64_t parent_id, const std::string& text,
                     const chat::message_posted& m) {
    auto map = ctx.store.review.map(inc.id);
    const auto* parent = map.find(parent_id);
    if (!parent) {
        ctx.tell(inc.label() +
                 ": the node that question was about is gone; give the cause as `F<n>: <text>`.");
        return;
    }
    auto node = review::add_cause(ctx, inc, *parent, text);
    if (!node) {
        ctx.tell(node.failure().message);
        return;
    }
    remember(ctx, m, "node", node->id);
    confirm(ctx, m);
}

void answer(context& ctx, incident& inc, const std::string& raw, const chat::message_posted& m) {
    auto checked = checked_text(raw, "answer", domain::max_text_length);
    if (!checked) {
        ctx.tell(checked.failure().message);
        return;
    }
    const auto& text = *checked;
    auto q = question_for(ctx, inc, m);
    switch (q.stage) {
        case review_stage::recap:
            return add_to_recap(ctx, inc, q.focus, text, m);
        case review_stage::factors:
            if (auto node = review::add_factor(ctx, inc, text)) {
                remember(ctx, m, "node", node->id);
                confirm(ctx, m);
            }
            return;
        case review_stage::causes:
            return add_cause_reply(ctx, inc, std::strtoll(q.focus.c_str(), nullptr, 10), text, m);
        case review_stage::went_well:
        case review_stage::went_wrong:
        case review_stage::lucky:
            return add_list_items(ctx, inc, q.stage, text, m);
        case review_stage::actions:
            return add_reply_action(ctx, inc, text, m);
        case review_stage::none:
        case review_stage::summary:
            return;  // past the questions: conversation, not answers
    }
}

void addressed(context& ctx, incident& inc, const domain::review_reply& reply,
               const chat::message_posted& m) {
    auto map = ctx.store.review.map(inc.id);
    const auto* node = map.find(reply.node);
    if (!node) {
        ctx.tell("There is no " + reply.node + " in the causal map of " + inc.label() + ".");
        return;
    }
    if (reply.control == domain::control_word::done) {
        review::close_branch(ctx, *node);
        confirm(ctx, m);
        return;
    }
    if (reply.control) {
        ctx.tell("`" + reply.node + ": done` closes that branch; `next` alone moves the review on.");
        return;
    }
    auto text = checked_text(reply.text, "cause", domain::max_text_length);
    if (!text) {
        ctx.tell(text.failure().message);
        return;
    }
    add_cause_reply(ctx, inc, node->id, *text, m);
}

bool names_a_command(std::string_view text) {
    auto words = split_words(text);
    if (words.empty()) return true;  // the trigger word alone: help
    auto first = domain::ascii_lower(words.front());
    return first == "help" || find_command(first) != nullptr;
}

void control(context& ctx, incident& inc, domain::control_word word, const chat::message_posted& m) {
    // Two people saying `next` at once move the review on once: a control word written under an older
    // question is late, and is ignored.
    if (!is_current(inc, question_for(ctx, inc, m))) return;
    if (auto moved = review::move_on(ctx, inc, word); !moved)
        ctx.tell(inc.label() + ": " + moved.failure().message);
}

}  // namespace

bool on_review_reply(context& ctx, const chat::message_posted& m) {
    auto found = review::incident_of_thread(ctx, m.channel.id, m.thread_root);
    if (!found) return false;
    auto inc = *found;
    ctx.thread_root = m.thread_root;
    ctx.store.timeline.add_speaker(inc.id, m.user);
    auto reply = domain::classify_review_reply(domain::sanitize_utf8(m.text), ctx.cfg.incidents.command);
    switch (reply.kind) {
        case domain::reply_kind::chatter:
        case domain::reply_kind::question:
        case domain::reply_kind::aside:
            return true;
        case domain::reply_kind::command:
            if (names_a_command(reply.text)) {
                dispatch_command(ctx, reply.text);  // the thread root makes it act on this thread's incident
                return true;
            }
            // "Incident commander was paged late": an answer that happens to start with the trigger word.
            answer(ctx, inc, std::string(domain::trim(domain::sanitize_utf8(m.text))), m);
            break;
        case domain::reply_kind::join:
            if (auto joined = review::join(ctx, inc, reply.node, reply.other)) {
                remember(ctx, m, "join", joined->merged);  // deleting the reply undoes the join
                confirm(ctx, m);
            } else {
                ctx.tell(joined.failure().message);
            }
            break;
        case domain::reply_kind::addressed:
            addressed(ctx, inc, reply, m);
            break;
        case domain::reply_kind::control:
            control(ctx, inc, *reply.control, m);
            return true;  // move_on already brought the summary up to date
        case domain::reply_kind::answer:
            answer(ctx, inc, reply.text, m);
            break;
    }
    review::after_change(ctx, inc);
    return true;
}

}  // namespace hindsight::commands
