#include "commands/handlers.hpp"
#include "domain/blame_checker.hpp"
#include "domain/postmortem.hpp"
#include "domain/rules.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {

using domain::incident;

namespace {

std::string thread_key_of(const incident& inc) {
    return "review:" + std::to_string(inc.id);
}

// Review conversation goes to the review thread when there is one, so the channel stays readable.
void say_in_review(context& ctx, const incident& inc, std::string text) {
    if (inc.review_thread.empty()) {
        if (inc.channel == ctx.channel.id)
            ctx.announce(std::move(text));
        else {
            ctx.post_in(inc.channel, text);
            ctx.tell("Recorded: " + text);
        }
        return;
    }
    chat::outgoing o;
    o.how = chat::delivery::thread;
    o.channel = inc.channel;
    o.thread_key = inc.review_thread;
    o.text = std::move(text);
    ctx.replies.push_back(std::move(o));
}

std::string why_prompt(const domain::factor& f) {
    std::string previous = f.whys.empty() ? f.text : f.whys.back().text;
    return "Why " + std::to_string(f.whys.size() + 1) + " for factor " + std::to_string(f.position) +
           ": why did “" + quote(domain::truncate_utf8(previous, 200)) +
           "” happen? (answer with `why <text>`, or `why done`)";
}

// What the review should ask for next, given what it has.
std::string next_step(context& ctx, const incident& inc) {
    auto factors = ctx.store.review.factors(inc.id);
    auto current = domain::current_factor(factors, ctx.cfg.review.max_whys);
    if (current >= 0) return why_prompt(factors[static_cast<std::size_t>(current)]);
    auto actions = ctx.store.actions.list({ctx.workspace, std::nullopt, inc.id, false});
    auto progress =
        domain::assess_review(factors, actions.size(), inc.no_action_decided, ctx.cfg.review.max_whys);
    if (progress.factors == 0)
        return "What conditions allowed this to happen? Add each contributing factor with `" + ctx.trigger() +
               " factor <text>`.";
    if (!progress.has_actions_or_decision)
        return "What went well, what went wrong, where did we get lucky (`went-well`, `went-wrong`, "
               "`lucky`)? Then "
               "add action items with `" +
               ctx.trigger() + " action <text> @owner due <date>` (or `action none`).";
    return "Add another factor, or more action items, whenever you like.";
}

result<void> add_review_note(context& ctx, arguments& args, domain::review_list list) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    auto text = checked_text(args.rest(), "text", domain::max_text_length);
    if (!text) return text.failure();
    ctx.store.review.add_note(target->id, {list, *text, ctx.user});
    static const char* headings[] = {"went well", "went wrong", "got lucky"};
    say_in_review(ctx, *target,
                  "Recorded under “" + std::string(headings[static_cast<int>(list)]) + "” from " +
                      ctx.who(ctx.user) + ": " + quote(*text));
    nudge_if_blaming(ctx, *text);
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
        say_in_review(ctx, inc, "The review of " + inc.label() + " continues here. " + next_step(ctx, inc));
        if (inc.channel != ctx.channel.id)
            ctx.tell("The review thread of " + inc.label() + " is in its channel.");
        return;
    }
    inc.review_thread = thread_key_of(inc);
    ctx.store.incidents.update(inc);
    auto duration = (inc.resolved_at ? *inc.resolved_at : ctx.now) - inc.started_at;
    chat::outgoing root;
    root.how = chat::delivery::channel;
    root.channel = inc.channel;
    root.defines_thread = inc.review_thread;
    root.text = "🔎 *Post-incident review of " + inc.label() + ": " + quote(inc.title) + "*\n" +
                std::string(domain::to_string(inc.sev)) + " · lasted " + domain::format_duration(duration) +
                " · " + std::to_string(ctx.store.timeline.count_live(inc.id)) +
                " timeline entries.\nThis review is blameless: we look for the conditions that made actions "
                "reasonable at the time, not for whom to blame. Reply in this thread.";
    ctx.replies.push_back(std::move(root));
    if (inc.impact.empty())
        say_in_review(ctx, inc, "What was the impact? Set it with `" + ctx.trigger() + " impact <text>`.");
    else
        say_in_review(ctx, inc, "Impact: " + quote(inc.impact));
    say_in_review(ctx, inc, next_step(ctx, inc));
    if (inc.channel != ctx.channel.id)
        ctx.tell("Opened the review thread of " + inc.label() + " in its channel.");
}

void complete_review_if_ready(context& ctx, incident& inc) {
    if (inc.status != domain::incident_status::resolved) return;
    auto factors = ctx.store.review.factors(inc.id);
    auto actions = ctx.store.actions.list({ctx.workspace, std::nullopt, inc.id, false});
    auto progress =
        domain::assess_review(factors, actions.size(), inc.no_action_decided, ctx.cfg.review.max_whys);
    if (!progress.complete() || progress.open_chains > 0) return;
    inc.status = domain::incident_status::reviewed;
    inc.reviewed_at = ctx.now;
    ctx.store.incidents.update(inc);
    record_event(ctx, inc, "Review completed");
    std::string summary = "✅ *Review of " + inc.label() + " complete.* " + std::to_string(factors.size()) +
                          " contributing factor(s), " + std::to_string(actions.size()) + " action item(s).\n";
    for (const auto& a : actions)
        summary += "• " + a.label() + " " + quote(a.text) + " — " + ctx.who(a.owner) + ", due " +
                   domain::format_date(a.due) + "\n";
    summary += "Export it with `" + ctx.trigger() + " postmortem " + inc.label() + "`.";
    say_in_review(ctx, inc, summary);
}

result<void> open_review(context& ctx, arguments& args) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    if (!args.empty()) return make_error(errc::bad_input, "review takes only an incident id.");
    auto inc = *target;
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
    auto factor = ctx.store.review.add_factor(inc.id, *text, ctx.user);
    say_in_review(ctx, inc,
                  "Factor " + std::to_string(factor.position) + " recorded from " + ctx.who(ctx.user) + ": " +
                      quote(*text) + "\n" + why_prompt(factor));
    nudge_if_blaming(ctx, *text);
    return {};
}

result<void> answer_why(context& ctx, arguments& args) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    auto inc = *target;
    auto factors = ctx.store.review.factors(inc.id);
    auto index = domain::current_factor(factors, ctx.cfg.review.max_whys);
    if (index < 0)
        return make_error(errc::conflict, "No why-chain is open for " + inc.label() +
                                              ". Add a factor first: `" + ctx.trigger() + " factor <text>`.");
    auto& factor = factors[static_cast<std::size_t>(index)];
    if (domain::ascii_lower(args.rest()) == "done") {
        if (factor.whys.empty())
            return make_error(errc::conflict,
                              "Factor " + std::to_string(factor.position) +
                                  " has no answer yet; answer at least one why before `why done`.");
        ctx.store.review.close_chain(factor.id);
        say_in_review(ctx, inc,
                      "Closed the why-chain of factor " + std::to_string(factor.position) + " after " +
                          std::to_string(factor.whys.size()) + " why(s). " + next_step(ctx, inc));
        complete_review_if_ready(ctx, inc);
        return {};
    }
    auto text = checked_text(args.rest(), "answer", domain::max_text_length);
    if (!text) return text.failure();
    int position = static_cast<int>(factor.whys.size()) + 1;
    ctx.store.review.add_why(factor.id, position, *text, ctx.user);
    factor.whys.push_back({position, *text, ctx.user});
    std::string reply = "Why " + std::to_string(position) + " of factor " + std::to_string(factor.position) +
                        " recorded from " + ctx.who(ctx.user) + ": " + quote(*text) + "\n";
    if (position >= ctx.cfg.review.max_whys) {
        ctx.store.review.close_chain(factor.id);
        reply +=
            "That is " + std::to_string(position) + " whys; the chain is complete. " + next_step(ctx, inc);
    } else {
        reply += why_prompt(factor);
    }
    say_in_review(ctx, inc, reply);
    nudge_if_blaming(ctx, *text);
    complete_review_if_ready(ctx, inc);
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
    if (!args.empty()) return make_error(errc::bad_input, "postmortem takes only an incident id.");
    domain::incident_record record;
    record.inc = *target;
    record.timeline = ctx.store.timeline.list(target->id);
    record.factors = ctx.store.review.factors(target->id);
    record.notes = ctx.store.review.notes(target->id);
    record.actions = ctx.store.actions.list({ctx.workspace, std::nullopt, target->id, false});
    auto markdown =
        domain::render_postmortem_markdown(record, domain::remember_names([&](const std::string& id) {
                                               return ctx.store.incidents.display_name(ctx.workspace, id);
                                           }));
    chat::outgoing file;
    file.how = chat::delivery::file;
    file.channel = ctx.channel.id;
    file.file_name = domain::ascii_lower(target->label()) + "-postmortem.md";
    file.text = std::move(markdown);
    ctx.replies.push_back(std::move(file));
    return {};
}

}  // namespace hindsight::commands
