// An edited review reply updates the answers it gave; a deleted one removes them and says so (SPEC §4).
#include "commands/handlers.hpp"
#include "commands/review_flow.hpp"
#include "domain/rules.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {

using domain::incident;
using storage::review_store;

namespace {

struct reply_context {
    incident inc;
    std::string old_text;
    std::vector<review_store::reply_target> targets;
};

// What the reply was (its incident, its text before this change, what it became), or nothing when the
// message was not an answer in a review thread.
std::optional<reply_context> reply_of(context& ctx, const std::string& channel,
                                      const std::string& message_id) {
    auto targets = ctx.store.review.replies_of(ctx.workspace, channel, message_id);
    if (targets.empty()) return std::nullopt;
    auto original = ctx.store.timeline.find_message(ctx.workspace, channel, message_id);
    if (!original) return std::nullopt;
    auto inc = review::incident_of_thread(ctx, channel, original->thread_root);
    if (!inc) return std::nullopt;
    // Edit and delete events do not say who acted; the author of the reply is who hears about it.
    ctx.user = original->author;
    ctx.thread_root = original->thread_root;
    return reply_context{*inc, original->text, std::move(targets)};
}

// The words a reply contributed, without an "F2.1:" address in front.
std::string answer_text(std::string_view text, std::string_view trigger) {
    auto reply = domain::classify_review_reply(domain::sanitize_utf8(text), trigger);
    return reply.text;
}

// Recap answers are appended to their field; the edited or deleted reply's part is replaced or cut out.
void replace_in_recap(context& ctx, incident& inc, const std::string& field, const std::string& old_text,
                      const std::string& new_text) {
    auto* value = review::recap_field(inc, field);
    if (!value) return;
    auto at = value->find(old_text);
    if (at == std::string::npos) return;  // overwritten since by a command: the command's text stands
    if (new_text.empty()) {
        auto begin = at > 0 && (*value)[at - 1] == '\n' ? at - 1 : at;
        auto end = at + old_text.size();
        if (begin == at && end < value->size() && (*value)[end] == '\n') ++end;
        value->erase(begin, end - begin);
    } else {
        value->replace(at, old_text.size(), new_text);
    }
    ctx.store.incidents.update(inc);
}

void edit_notes(context& ctx, const incident& inc, const reply_context& reply, const std::string& text,
                const chat::message_edited& m) {
    auto notes = ctx.store.review.notes(inc.id);
    std::optional<domain::review_list> list;
    for (const auto& t : reply.targets) {
        if (t.kind != "note") continue;
        for (const auto& n : notes)
            if (n.id == t.target_id) list = n.list;
        ctx.store.review.delete_note(t.target_id);
    }
    if (!list) return;
    ctx.store.review.forget_replies(ctx.workspace, m.channel.id, m.message_id);
    for (const auto& t : reply.targets)
        if (t.kind != "note") ctx.store.review.record_reply(ctx.workspace, m.channel.id, m.message_id, t);
    for (auto line : split_lines(text)) {
        auto id = ctx.store.review.add_note(inc.id, {0, *list, std::string(line), ctx.user});
        ctx.store.review.record_reply(ctx.workspace, m.channel.id, m.message_id, {"note", id});
    }
}

void edit_action(context& ctx, std::int64_t action_id, const std::string& text, domain::timestamp at) {
    auto full = ctx.store.actions.find_by_id(action_id);
    if (!full) return;
    auto reparsed = reparse_action_text(ctx, *full, text);
    if (!reparsed) {
        ctx.tell(reparsed.failure().message);
        return;
    }
    ctx.store.actions.update(*full);
    ctx.store.actions.record_change(full->id, {at, ctx.user, "edited: " + *reparsed});
    ctx.tell(full->label() + " updated from the edited reply: " + *reparsed);
}

// A node's own number, not the one it was joined into: what the deleted reply gave.
std::string own_label(const domain::causal_map& map, std::int64_t id) {
    for (const auto& n : map.nodes())
        if (n.id == id) return n.label;
    return "an answer";
}

}  // namespace

namespace {

// Takes back every answer a reply gave; returns what went, for the one line that says so.
std::string remove_answers(context& ctx, reply_context& reply, const std::string& channel,
                           const std::string& message_id) {
    auto& inc = reply.inc;
    auto map = ctx.store.review.map(inc.id);
    std::vector<std::string> removed;
    for (const auto& t : reply.targets) {
        if (t.kind == "node") {
            removed.push_back(own_label(map, t.target_id));
            ctx.store.review.remove_node(t.target_id);
        } else if (t.kind == "join") {
            removed.push_back("the join of " + own_label(map, t.target_id));
            ctx.store.review.unjoin(t.target_id);
        } else if (t.kind == "note") {
            ctx.store.review.delete_note(t.target_id);
            if (removed.empty() || removed.back() != "a list item") removed.push_back("a list item");
        } else if (t.kind == "action") {
            if (auto label = withdraw_action(ctx, t.target_id)) removed.push_back(*label);
        } else if (review::recap_field(inc, t.kind)) {
            replace_in_recap(ctx, inc, t.kind, answer_text(reply.old_text, ctx.cfg.incidents.command), "");
            removed.push_back("part of the " + t.kind);
        }
    }
    ctx.store.review.forget_replies(ctx.workspace, channel, message_id);
    std::string list;
    for (const auto& r : removed) list += (list.empty() ? "" : ", ") + r;
    return list;
}

bool is_answer(domain::reply_kind kind) {
    return kind == domain::reply_kind::answer || kind == domain::reply_kind::addressed ||
           kind == domain::reply_kind::join;
}

// A reply that was not an answer (chatter, a question) and is one after the edit: handled as if it had just
// been posted at its original time, so it answers the question it was written under.
bool answer_from_edit(context& ctx, const chat::message_edited& m) {
    auto original = ctx.store.timeline.find_message(ctx.workspace, m.channel.id, m.message_id);
    if (!original || !review::incident_of_thread(ctx, m.channel.id, original->thread_root)) return false;
    auto now = domain::classify_review_reply(domain::sanitize_utf8(m.text), ctx.cfg.incidents.command);
    if (!is_answer(now.kind)) return true;
    ctx.user = original->author;
    chat::message_posted late{
        m.channel,           m.message_id, original->thread_root, original->author, m.text,
        original->posted_at, false,        original->permalink};
    return on_review_reply(ctx, late);
}

void edit_answers(context& ctx, reply_context& reply, const std::string& text,
                  const chat::message_edited& m) {
    auto& inc = reply.inc;
    auto old_text = answer_text(reply.old_text, ctx.cfg.incidents.command);
    bool notes_done = false;
    for (const auto& t : reply.targets) {
        if (t.kind == "node") {
            ctx.store.review.set_node_text(t.target_id, text);
        } else if (t.kind == "note" && !notes_done) {
            edit_notes(ctx, inc, reply, text, m);
            notes_done = true;
        } else if (t.kind == "action") {
            edit_action(ctx, t.target_id, text, m.at);
        } else if (review::recap_field(inc, t.kind)) {
            replace_in_recap(ctx, inc, t.kind, old_text, text);
        }
    }
    nudge_if_blaming(ctx, text);
}

}  // namespace

bool on_review_reply_edited(context& ctx, const chat::message_edited& m) {
    auto reply = reply_of(ctx, m.channel.id, m.message_id);
    if (!reply) return answer_from_edit(ctx, m);
    auto& inc = reply->inc;
    auto now = domain::classify_review_reply(domain::sanitize_utf8(m.text), ctx.cfg.incidents.command);
    if (!is_answer(now.kind)) {
        // Edited into "+1", a question or a control word: the answer it gave is taken back.
        auto removed = remove_answers(ctx, *reply, m.channel.id, m.message_id);
        if (!removed.empty())
            review::say(ctx, inc,
                        inc.label() + " · removed " + removed + ": its reply is no longer an answer.");
        review::after_change(ctx, inc);
        return true;
    }
    auto checked = checked_text(now.text, "answer", domain::max_text_length);
    if (!checked) return true;  // an edit to nothing keeps the answer as it was
    edit_answers(ctx, *reply, *checked, m);
    review::after_change(ctx, inc);
    return true;
}

bool on_review_reply_deleted(context& ctx, const chat::message_deleted& m) {
    auto reply = reply_of(ctx, m.channel.id, m.message_id);
    if (!reply) return false;
    auto removed = remove_answers(ctx, *reply, m.channel.id, m.message_id);
    if (!removed.empty())
        review::say(ctx, reply->inc,
                    reply->inc.label() + " · removed " + removed + ": its reply was deleted.");
    review::after_change(ctx, reply->inc);
    return true;
}

}  // namespace hindsight::commands
