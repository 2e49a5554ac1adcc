// The review's commands (`review`, `factor`, `why`, the lists, `postmortem`). The conversation they share
// with thread replies lives in review_flow.cpp; replies themselves in review_replies.cpp.
#include <algorithm>
#include <set>

#include "commands/handlers.hpp"
#include "commands/review_flow.hpp"
#include "domain/blame_checker.hpp"
#include "domain/postmortem.hpp"
#include "domain/rules.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {

using domain::incident;
using domain::review_stage;

namespace {

std::string thread_key_of(const incident& inc) {
    return "review:" + std::to_string(inc.id);
}

// "F2.1" or "F2.1:" as the next word: the node a `why` names.
std::optional<std::string> take_node_label(arguments& args) {
    auto word = args.peek();
    if (!word) return std::nullopt;
    auto bare = *word;
    if (!bare.empty() && bare.back() == ':') bare.remove_suffix(1);
    auto label = domain::parse_node_label(bare);
    if (label) args.next();
    return label;
}

result<void> add_review_note(context& ctx, arguments& args, domain::review_list list) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    auto text = checked_text(args.rest(), "text", domain::max_text_length);
    if (!text) return text.failure();
    auto inc = *target;
    ctx.store.review.add_note(inc.id, {0, list, *text, ctx.user});
    static const char* headings[] = {"went well", "went wrong", "got lucky"};
    review::say(ctx, inc,
                inc.label() + " · recorded under “" + std::string(headings[static_cast<int>(list)]) +
                    "” from " + ctx.who(ctx.user) + ": " + quote(*text));
    nudge_if_blaming(ctx, *text);
    review::after_change(ctx, inc);
    return {};
}

// `review [INC-n] next|skip|done|none [token]`: the Next button carries the question it was under, so a
// second click (or a second person) after the review moved on does nothing.
result<void> review_control(context& ctx, incident& inc, domain::control_word word, arguments& args) {
    if (inc.stage == review_stage::none)
        return make_error(errc::conflict, "The review of " + inc.label() + " is not open yet: `" +
                                              ctx.trigger() + " review " + inc.label() + "` opens it.");
    if (auto token = args.next(); token && *token != review::question_token(inc)) {
        ctx.tell("The review of " + inc.label() + " has already moved on.");
        return {};
    }
    return review::move_on(ctx, inc, word);
}

// `review [INC-n] answer impact|detection|summary <text>` (the recap's Answer button): added to the field,
// as a reply in the thread would be, never replacing what others said.
result<void> answer_recap(context& ctx, incident& inc, arguments& args) {
    auto field = std::string(args.next().value_or(""));
    auto* value = review::recap_field(inc, field);
    if (!value) return make_error(errc::bad_input, "Answer impact, detection or summary.");
    auto text = checked_text(args.rest(), field, domain::max_text_length);
    if (!text) return text.failure();
    *value += (value->empty() ? "" : "\n") + *text;
    ctx.store.incidents.update(inc);
    review::say(
        ctx, inc,
        inc.label() + " · added to the " + field + " from " + ctx.who(ctx.user) + ": " + quote(*text));
    nudge_if_blaming(ctx, *text);
    return {};
}

// `review finish`: the facilitator's way past the remaining questions, for a team that reviewed with
// commands (or in a meeting) rather than by replies: the summary says what is still missing.
result<void> finish_review(context& ctx, incident& inc) {
    if (inc.stage == review_stage::none)
        return make_error(errc::conflict, "The review of " + inc.label() + " is not open yet: `" +
                                              ctx.trigger() + " review " + inc.label() + "` opens it.");
    review::enter_summary(ctx, inc);
    ctx.store.incidents.update(inc);
    review::after_change(ctx, inc);
    return {};
}

}  // namespace

void nudge_if_blaming(context& ctx, std::string_view text) {
    auto findings = domain::check_blame(text);
    if (findings.empty()) return;
    std::string out = "💡 A blameless nudge (only you see this; your text was recorded as written):\n";
    for (const auto& f : findings) out += "• “" + quote(f.phrase) + "” — " + f.suggestion + "\n";
    ctx.tell(out);
}

void start_review_thread(context& ctx, incident& inc) {
    if (!inc.review_thread.empty()) {
        review::ask(ctx, inc, "The review continues here. ");
        if (inc.channel != ctx.channel.id)
            ctx.tell("The review thread of " + inc.label() + " is in its channel.");
        return;
    }
    inc.review_thread = thread_key_of(inc);
    auto duration = (inc.resolved_at ? *inc.resolved_at : ctx.now) - inc.started_at;
    chat::channel_post root;
    root.channel = inc.channel;
    root.defines_thread = inc.review_thread;
    root.text =
        "🔎 *Post-incident review of " + inc.label() + ": " + quote(inc.title) + "*\n" +
        std::string(domain::to_string(inc.sev)) + " · lasted " + domain::format_duration(duration) + " · " +
        domain::plural(static_cast<std::size_t>(ctx.store.timeline.count_live(inc.id)), "timeline entry",
                       "timeline entries") +
        ".\nThis review is blameless: we look for the conditions that made actions reasonable at the time, "
        "not for whom to blame. Reply in this thread; everyone can answer (`" +
        ctx.trigger() + " help review` explains how).";
    ctx.replies.push_back(std::move(root));
    if (!inc.impact.empty()) review::say(ctx, inc, inc.label() + " · Impact: " + quote(inc.impact));
    review::begin(ctx, inc);
    if (inc.channel != ctx.channel.id)
        ctx.tell("Opened the review thread of " + inc.label() + " in its channel.");
}

void complete_review_if_ready(context& ctx, incident& inc) {
    review::after_change(ctx, inc);
}

result<void> open_review(context& ctx, arguments& args) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    auto inc = *target;
    auto verb = domain::ascii_lower(args.next().value_or(""));
    if (verb == "start") return start_timebox(ctx, inc, args);
    if (verb == "finish") return finish_review(ctx, inc);
    if (verb == "answer") return answer_recap(ctx, inc, args);
    if (auto word = domain::parse_control_word(verb)) return review_control(ctx, inc, *word, args);
    if (!verb.empty())
        return make_error(errc::bad_input, "'" + quote(verb) + "' is not something `review` does.");
    if (inc.status == domain::incident_status::active || inc.status == domain::incident_status::mitigated)
        ctx.tell(inc.label() + " is still " + std::string(domain::to_string(inc.status)) +
                 "; the review is open early, and completes once it is resolved.");
    start_review_thread(ctx, inc);
    return {};
}

result<void> add_factor(context& ctx, arguments& args) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    auto text = checked_text(args.rest(), "factor", domain::max_text_length);
    if (!text) return text.failure();
    auto inc = *target;
    auto factor = review::add_factor(ctx, inc, *text);
    if (!factor) return factor.failure();
    review::say(
        ctx, inc,
        inc.label() + " · *" + factor->label + "* recorded from " + ctx.who(ctx.user) + ": " + quote(*text));
    review::after_change(ctx, inc);
    return {};
}

result<void> answer_why(context& ctx, arguments& args) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    auto inc = *target;
    auto named = take_node_label(args);
    auto map = ctx.store.review.map(inc.id);
    const domain::cause_node* node = nullptr;
    if (named) {
        node = map.find(*named);
        if (!node)
            return make_error(errc::not_found,
                              "There is no " + *named + " in the causal map of " + inc.label() + ".");
    } else if (inc.stage == review_stage::causes) {
        node = map.find(review::focus_node(inc));
    }
    if (!node)
        return make_error(errc::conflict,
                          "No “why?” is being asked in " + inc.label() +
                              " right now; name the node: `why F2 <text>` (or add a factor first).");
    if (domain::parse_control_word(args.rest()) == domain::control_word::done) {
        bool asked_now = inc.stage == review_stage::causes && map.find(review::focus_node(inc)) == node;
        if (asked_now) return review::move_on(ctx, inc, domain::control_word::done);
        review::close_branch(ctx, *node);
        review::say(ctx, inc, inc.label() + " · closed the branch at *" + node->label + "*.");
        review::after_change(ctx, inc);
        return {};
    }
    auto text = checked_text(args.rest(), "cause", domain::max_text_length);
    if (!text) return text.failure();
    auto cause = review::add_cause(ctx, inc, *node, *text);
    if (!cause) return cause.failure();
    review::say(ctx, inc,
                inc.label() + " · *" + cause->label + "* (why " + node->label + " happened) recorded from " +
                    ctx.who(ctx.user) + ": " + quote(*text));
    review::after_change(ctx, inc);
    return {};
}

result<void> add_went_well(context& ctx, arguments& args) {
    return add_review_note(ctx, args, domain::review_list::went_well);
}
result<void> add_went_wrong(context& ctx, arguments& args) {
    return add_review_note(ctx, args, domain::review_list::went_wrong);
}
result<void> add_lucky(context& ctx, arguments& args) {
    return add_review_note(ctx, args, domain::review_list::lucky);
}

result<void> render_postmortem(context& ctx, arguments& args) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    bool with_transcript = false;
    if (auto word = args.peek(); word && *word == "--transcript") {
        args.next();
        with_transcript = true;
    }
    if (!args.empty())
        return make_error(errc::bad_input, "postmortem takes only an incident id and `--transcript`.");
    auto record = load_record(ctx.store, *target);
    if (with_transcript) load_transcript(ctx.store, record, ctx.now);
    record.as_of = ctx.today();
    auto names = domain::remember_names(
        [&](const std::string& id) { return ctx.store.incidents.display_name(ctx.workspace, id); });
    auto markdown = domain::render_postmortem_markdown(record, names, ctx.cfg.review.max_whys);
    chat::file_upload file;
    file.channel = ctx.channel.id;
    file.file_name = domain::ascii_lower(target->label()) + "-postmortem.md";
    file.content = std::move(markdown);
    ctx.replies.push_back(std::move(file));
    return {};
}

domain::incident_record load_record(stores& store, const incident& inc) {
    domain::incident_record record;
    record.inc = inc;
    record.timeline = store.timeline.list(inc.id);
    record.map = store.review.map(inc.id);
    record.notes = store.review.notes(inc.id);
    record.actions = store.actions.list({inc.workspace, std::nullopt, inc.id, false});
    std::set<std::string> people;
    for (const auto& e : record.timeline)
        if (e.kind != domain::entry_kind::event && !e.author.empty()) people.insert(e.author);
    for (const auto& n : record.map.nodes()) people.insert(n.author);
    for (const auto& n : record.notes) people.insert(n.author);
    for (const auto& a : record.actions) people.insert(a.created_by);
    for (auto& author : store.timeline.speakers(inc.id)) people.insert(std::move(author));
    people.erase("");
    record.participants.assign(people.begin(), people.end());
    load_relations(store, record);
    return record;
}

void load_transcript(stores& store, domain::incident_record& record, domain::timestamp now) {
    // Twenty thousand lines is a week of a very busy channel; a document longer than that is not read.
    constexpr std::size_t most_lines = 20000;
    const auto& inc = record.inc;
    auto from = inc.started_at;
    if (inc.detected_at) from = std::min(from, *inc.detected_at);
    if (auto imported = store.imports.earliest_since(inc.id)) from = std::min(from, *imported);
    auto to = inc.reviewed_at.value_or(now);
    std::set<std::string> on_timeline;
    for (const auto& e : record.timeline)
        if (e.state == domain::entry_state::live && !e.source.message_id.empty())
            on_timeline.insert(e.source.message_id);
    // Enough rows that the limit still holds once the timeline's own messages are taken out.
    auto messages =
        store.timeline.transcript(inc.workspace, inc.channel, from, to, most_lines + on_timeline.size() + 1);
    record.transcript.emplace();
    for (auto& m : messages) {
        if (on_timeline.count(m.message_id)) continue;
        if (record.transcript->size() == most_lines) {
            record.transcript_cut = true;
            break;
        }
        record.transcript->push_back({std::move(m.message_id), std::move(m.thread_root), std::move(m.author),
                                      std::move(m.text), std::move(m.permalink), m.posted_at});
    }
}

}  // namespace hindsight::commands
