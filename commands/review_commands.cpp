#include <algorithm>
#include <array>

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
// Buttons, when given, go under the message in the incident's channel (not under a private confirmation).
void say_in_review(context& ctx, const incident& inc, std::string text,
                   std::vector<chat::button> buttons = {}) {
    if (inc.review_thread.empty()) {
        if (inc.channel == ctx.channel.id) {
            ctx.announce(std::move(text));
            ctx.replies.back().buttons = std::move(buttons);
        } else {
            ctx.post_in(inc.channel, text);
            ctx.replies.back().buttons = std::move(buttons);
            ctx.tell("Recorded: " + text);
        }
        return;
    }
    chat::outgoing o;
    o.how = chat::delivery::thread;
    o.channel = inc.channel;
    o.thread_key = inc.review_thread;
    o.text = std::move(text);
    o.buttons = std::move(buttons);
    ctx.replies.push_back(std::move(o));
}

std::string why_prompt(const domain::factor& f) {
    std::string previous = f.whys.empty() ? f.text : f.whys.back().text;
    return "Why " + std::to_string(f.whys.size() + 1) + " for factor " + std::to_string(f.position) +
           ": why did “" + quote(domain::truncate_utf8(previous, 200)) +
           "” happen? (answer with `why <text>`, or `why done`)";
}

constexpr std::array<std::string_view, 7> review_stages{"impact", "factors", "went-well", "went-wrong",
                                                        "lucky",  "actions", "complete"};

std::string stage_of(const incident& inc) {
    return inc.review_stage.empty() ? "factors" : inc.review_stage;
}

std::string stage_after(std::string_view stage) {
    auto at = std::find(review_stages.begin(), review_stages.end(), stage);
    if (at == review_stages.end() || at + 1 == review_stages.end()) return "complete";
    return std::string(*(at + 1));
}

// What the review asks next: an open why-chain first, then wherever the guided review stands.
std::string next_step(context& ctx, const incident& inc) {
    auto factors = ctx.store.review.factors(inc.id);
    auto current = domain::current_factor(factors, ctx.cfg.review.max_whys);
    if (current >= 0) return why_prompt(factors[static_cast<std::size_t>(current)]);
    auto stage = stage_of(inc);
    if (stage == "impact" && inc.impact.empty())
        return "What was the impact on customers and the business? Reply here (or `" + ctx.trigger() +
               " impact <text>`).";
    if (stage == "impact" || stage == "factors") {
        if (factors.empty())
            return "What conditions allowed this to happen? Reply with one contributing factor per message "
                   "(or `" +
                   ctx.trigger() + " factor <text>`).";
        return "Any other contributing factor? Reply with it, or `next` to move on.";
    }
    if (stage == "went-well") return "What went well? Reply (one item per line), or `skip`.";
    if (stage == "went-wrong") return "What went wrong? Reply (one item per line), or `skip`.";
    if (stage == "lucky") return "Where did we get lucky? Reply (one item per line), or `skip`.";
    if (stage == "actions")
        return "Which action items make this less likely or less harmful next time? Reply with one per "
               "message: "
               "`<what will exist when done> @owner due <date> [type]`; `none` if no action is needed; "
               "`done` when "
               "finished.";
    return "The review is complete; commands still add to it.";
}

// Shortcuts for what the review asks next (see next_step); each opens a form on platforms that have them.
std::vector<chat::button> prompt_buttons(context& ctx, const incident& inc) {
    auto factors = ctx.store.review.factors(inc.id);
    // Each names the incident: a newer incident in the same channel must not catch the answer.
    auto for_this = [&](const char* command) { return std::string(command) + " " + inc.label(); };
    if (domain::current_factor(factors, ctx.cfg.review.max_whys) >= 0)
        return {{"Answer", for_this("why"), "Why did it happen?"},
                {"End this chain", for_this("why") + " done"}};
    auto stage = stage_of(inc);
    if (stage == "impact" && inc.impact.empty())
        return {{"Describe the impact", for_this("impact"),
                 "What was the impact on customers and the business?"}};
    if (stage == "impact" || stage == "factors")
        return {{"Add a factor", for_this("factor"), "What condition allowed this to happen?"}};
    if (stage == "went-well") return {{"Add what went well", for_this("went-well"), "What went well?"}};
    if (stage == "went-wrong") return {{"Add what went wrong", for_this("went-wrong"), "What went wrong?"}};
    if (stage == "lucky") return {{"Add where we got lucky", for_this("lucky"), "Where did we get lucky?"}};
    if (stage == "actions")
        return {{"Add an action", for_this("action"),
                 "What will exist when it is done? Add @owner and due <date> if you know them."}};
    return {};
}

// A message that ends with the review's next question: it carries the buttons that answer it.
void ask_in_review(context& ctx, const incident& inc, std::string text) {
    say_in_review(ctx, inc, std::move(text), prompt_buttons(ctx, inc));
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
        ask_in_review(ctx, inc, "The review of " + inc.label() + " continues here. " + next_step(ctx, inc));
        if (inc.channel != ctx.channel.id)
            ctx.tell("The review thread of " + inc.label() + " is in its channel.");
        return;
    }
    inc.review_thread = thread_key_of(inc);
    inc.review_stage = inc.impact.empty() ? "impact" : "factors";
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
    if (!inc.impact.empty()) say_in_review(ctx, inc, "Impact: " + quote(inc.impact));
    ask_in_review(ctx, inc, next_step(ctx, inc));
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
    refresh_header(ctx, inc);
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
    ask_in_review(ctx, inc,
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
        ask_in_review(ctx, inc,
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
    ask_in_review(ctx, inc, reply);
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

namespace {

bool is_one_of(std::string_view word, std::initializer_list<std::string_view> options) {
    return std::find(options.begin(), options.end(), word) != options.end();
}

std::optional<incident> review_of_thread(context& ctx, const std::string& channel, const std::string& root) {
    auto key = ctx.store.queue.thread_key_for_root(ctx.workspace, channel, root);
    if (!key || !key->starts_with("review:")) return std::nullopt;
    auto inc = ctx.store.incidents.find_by_id(std::stoll(key->substr(7)));
    if (!inc || inc->channel != channel) return std::nullopt;
    return inc;
}

void record(context& ctx, const chat::message_posted& m, std::string kind, std::int64_t target) {
    ctx.store.review.record_answer(ctx.workspace, m.channel.id, m.message_id, {std::move(kind), target});
}

void set_stage(context& ctx, incident& inc, std::string stage) {
    inc.review_stage = std::move(stage);
    ctx.store.incidents.update(inc);
}

}  // namespace

bool on_review_reply(context& ctx, const chat::message_posted& m) {
    if (m.thread_root.empty()) return false;
    auto found = review_of_thread(ctx, m.channel.id, m.thread_root);
    if (!found) return false;
    auto inc = *found;
    auto text = std::string(domain::trim(domain::sanitize_utf8(m.text)));
    if (text.empty()) return true;
    ctx.thread_root = m.thread_root;
    auto word = domain::ascii_lower(text);
    while (!word.empty() && (word.back() == '.' || word.back() == '!')) word.pop_back();
    auto with_incident = [&](const std::string& rest) { return inc.label() + " " + rest; };
    auto report = [&](result<void> outcome) {
        if (!outcome) ctx.tell(outcome.failure().message);
    };

    auto factors = ctx.store.review.factors(inc.id);
    auto open_chain = domain::current_factor(factors, ctx.cfg.review.max_whys);
    auto stage = stage_of(inc);
    if (open_chain >= 0 && (stage == "factors" || stage == "impact")) {
        // An answer to the why that was asked.
        const auto& factor = factors[static_cast<std::size_t>(open_chain)];
        bool closing = is_one_of(word, {"done", "why done", "stop", "enough"});
        auto line =
            with_incident(closing ? "done" : text);  // arguments keeps a view: the line must outlive it
        arguments args(line);
        auto outcome = answer_why(ctx, args);
        if (outcome && !closing)
            record(ctx, m, "why",
                   ctx.store.review.why_rowid(factor.id, static_cast<int>(factor.whys.size()) + 1));
        report(outcome);
        return true;
    }
    if (stage == "impact") {
        auto checked = checked_text(text, "impact", domain::max_text_length);
        if (!checked) {
            ctx.tell(checked.failure().message);
            return true;
        }
        inc.impact = *checked;
        inc.review_stage = "factors";
        ctx.store.incidents.update(inc);
        record_event(ctx, inc, "Impact set by " + ctx.who(ctx.user) + ": " + *checked);
        record(ctx, m, "impact", inc.id);
        ask_in_review(ctx, inc,
                      "Impact recorded from " + ctx.who(ctx.user) + ": " + quote(*checked) + "\n" +
                          next_step(ctx, inc));
        nudge_if_blaming(ctx, *checked);
        return true;
    }
    if (stage == "factors") {
        if (is_one_of(word, {"next", "no", "none", "no more", "done", "skip"})) {
            if (factors.empty()) {
                ctx.tell(
                    "The review needs at least one contributing factor: what condition allowed this to "
                    "happen?");
                return true;
            }
            set_stage(ctx, inc, stage_after(stage));
            ask_in_review(ctx, inc, next_step(ctx, inc));
            return true;
        }
        auto line = with_incident(text);
        arguments args(line);
        auto outcome = add_factor(ctx, args);
        if (outcome) record(ctx, m, "factor", ctx.store.review.factors(inc.id).back().id);
        report(outcome);
        return true;
    }
    if (stage == "went-well" || stage == "went-wrong" || stage == "lucky") {
        if (!is_one_of(word, {"skip", "none", "nothing", "next", "no"})) {
            auto list = *domain::parse_review_list(stage == "lucky" ? "lucky" : stage);
            std::size_t added = 0;
            for (auto line : split_lines(text)) {
                auto item = checked_text(line, "item", domain::max_text_length);
                if (!item) {
                    ctx.tell(item.failure().message);
                    continue;
                }
                auto id = ctx.store.review.add_note(inc.id, {list, *item, ctx.user});
                if (added++ == 0) record(ctx, m, "note", id);
                nudge_if_blaming(ctx, *item);
            }
            if (added == 0) return true;  // nothing usable: the question stands
            say_in_review(ctx, inc,
                          "Recorded " + std::to_string(added) + " item(s) from " + ctx.who(ctx.user) + ".");
        }
        set_stage(ctx, inc, stage_after(stage));
        ask_in_review(ctx, inc, next_step(ctx, inc));
        return true;
    }
    if (stage == "actions") {
        if (word == "done" || word == "finished") {
            auto actions = ctx.store.actions.list({ctx.workspace, std::nullopt, inc.id, false});
            if (actions.empty() && !inc.no_action_decided) {
                ctx.tell(
                    "There is no action item yet: reply with one, or `none` if the review decides no action "
                    "is needed.");
                return true;
            }
            set_stage(ctx, inc, "complete");
            complete_review_if_ready(ctx, inc);
            ask_in_review(ctx, inc, next_step(ctx, inc));
            return true;
        }
        auto line = with_incident(word == "none" ? "none" : text);
        arguments args(line);
        auto outcome = create_action(ctx, args);
        if (outcome && word != "none") {
            auto actions = ctx.store.actions.list({ctx.workspace, std::nullopt, inc.id, false});
            if (!actions.empty()) record(ctx, m, "action", actions.back().id);
        }
        report(outcome);
        if (outcome) ask_in_review(ctx, inc, next_step(ctx, inc));
        return true;
    }
    return false;  // a complete review: replies are just conversation
}

bool on_review_reply_edited(context& ctx, const chat::message_edited& m) {
    auto answer = ctx.store.review.find_answer(ctx.workspace, m.channel.id, m.message_id);
    if (!answer) return false;
    // Edit events do not say who edited; the author of the reply is who gets the confirmation.
    if (auto original = ctx.store.timeline.find_message(ctx.workspace, m.channel.id, m.message_id)) {
        ctx.user = original->author;
        ctx.thread_root = original->thread_root;
    }
    auto text = checked_text(domain::sanitize_utf8(m.text), "answer", domain::max_text_length);
    if (!text) return true;  // an edit to nothing keeps the answer as it was
    std::string what;
    if (answer->kind == "factor") {
        ctx.store.review.update_factor_text(answer->target_id, *text);
        what = "factor";
    } else if (answer->kind == "why") {
        ctx.store.review.update_why_text(answer->target_id, *text);
        what = "answer";
    } else if (answer->kind == "note") {
        ctx.store.review.update_note_text(answer->target_id, *text);
        what = "item";
    } else if (answer->kind == "impact") {
        if (auto inc = ctx.store.incidents.find_by_id(answer->target_id)) {
            inc->impact = *text;
            ctx.store.incidents.update(*inc);
        }
        what = "impact";
    } else if (answer->kind == "action") {
        what = "action";
        // Only the text follows an edit; owner and due date change with `assign` and `due`.
        for (auto a : ctx.store.actions.list({ctx.workspace, std::nullopt, std::nullopt, false})) {
            if (a.id != answer->target_id) continue;
            auto full = ctx.store.actions.find(ctx.workspace, a.number);
            if (!full) break;
            full->text = *text;
            ctx.store.actions.update(*full);
            ctx.store.actions.record_change(full->id, {m.at, ctx.user, "text edited"});
        }
    }
    ctx.tell("Updated the " + what + " to: " + quote(*text));
    return true;
}

}  // namespace hindsight::commands
