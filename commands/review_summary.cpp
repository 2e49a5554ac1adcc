// The review's summary (SPEC §4 "Completion"): written once the team passes the actions stage, edited in
// place when more arrives, and the same text closes a time-boxed session.
#include <algorithm>
#include <set>

#include "commands/handlers.hpp"
#include "commands/review_flow.hpp"
#include "domain/rules.hpp"
#include "domain/text.hpp"

namespace hindsight::commands::review {

using domain::incident;

namespace {

using name_of = std::function<std::string(const std::string&)>;

std::string summary_key(const incident& inc) {
    return "review-summary:" + std::to_string(inc.id);
}

void append_causes(std::string& out, const domain::causal_map& map, const domain::cause_node& node,
                   const name_of& who, int indent, std::set<std::int64_t>& shown, int max_whys) {
    for (const auto* cause : map.causes_of(node.id)) {
        out += std::string(static_cast<std::size_t>(indent) * 2, ' ') + "◦ *" + cause->label + "* ";
        if (!shown.insert(cause->id).second) {
            out += "(see above)\n";  // a joined cause is told once, then pointed to
            continue;
        }
        out += (cause->removed ? std::string("(removed)") : quote(domain::truncate_utf8(cause->text, 300))) +
               " — " + who(cause->author) +
               (map.is_root_cause(*cause, max_whys) ? " · root cause"
                : cause->skipped                    ? " · not explored"
                                                    : "") +
               "\n";
        append_causes(out, map, *cause, who, indent + 1, shown, max_whys);
    }
}

void append_lists(std::string& out, const std::vector<domain::review_note>& notes) {
    static constexpr std::array<std::pair<domain::review_list, std::string_view>, 3> headings{
        {{domain::review_list::went_well, "Went well"},
         {domain::review_list::went_wrong, "Went wrong"},
         {domain::review_list::lucky, "Got lucky"}}};
    for (const auto& [list, heading] : headings) {
        std::string items;
        for (const auto& n : notes)
            if (n.list == list)
                items += (items.empty() ? "" : "; ") + quote(domain::truncate_utf8(n.text, 200));
        out += "*" + std::string(heading) + ":* " + (items.empty() ? "—" : items) + "\n";
    }
}

std::string missing_text(const domain::review_progress& p) {
    std::vector<std::string> missing;
    if (p.factors == 0) missing.push_back("no contributing factor");
    for (const auto& f : p.factors_without_causes) missing.push_back(f + " has no cause");
    for (const auto& n : p.open_branches)
        if (std::find(p.factors_without_causes.begin(), p.factors_without_causes.end(), n) ==
            p.factors_without_causes.end())
            missing.push_back(n + " still asks why (answer it, or `" + n + ": done`)");
    if (!p.has_actions_or_decision) missing.push_back("no action item (or `none`)");
    if (!p.passed_actions) missing.push_back("the team has not passed the action items yet");
    std::string out;
    for (const auto& m : missing) out += (out.empty() ? "" : "; ") + m;
    return out;
}

}  // namespace

std::string summary_text(stores& store, const config::settings& cfg, const incident& inc, const name_of& who,
                         bool with_missing) {
    auto map = store.review.map(inc.id);
    auto actions = store.actions.list({inc.workspace, std::nullopt, inc.id, false});
    auto progress = domain::assess_review(inc, map, actions.size(), cfg.review.max_whys);
    std::string out =
        "📘 *Review summary of " + inc.label() + "*" + (progress.complete() ? " (complete)" : "") + "\n";
    std::set<std::int64_t> shown;
    for (const auto* f : map.factors()) {
        shown.insert(f->id);
        out += "• *" + f->label + "* " +
               (f->removed ? std::string("(removed)") : quote(domain::truncate_utf8(f->text, 300))) + " — " +
               who(f->author) + "\n";
        append_causes(out, map, *f, who, 1, shown, cfg.review.max_whys);
    }
    if (map.factors().empty()) out += "No contributing factors yet.\n";
    append_lists(out, store.review.notes(inc.id));
    out += "*Action items:*" +
           (actions.empty() ? std::string(inc.no_action_decided ? " none needed" : " —") : "") + "\n";
    for (const auto& a : actions)
        out += "• " + a.label() + " " + quote(domain::truncate_utf8(a.text, 200)) + " — " + who(a.owner) +
               ", due " + domain::format_date(a.due) + " · " + std::string(domain::to_string(a.type)) +
               (a.status == domain::action_status::open ? ""
                                                        : " · " + std::string(domain::to_string(a.status))) +
               "\n";
    if (with_missing && !progress.complete()) out += "*Still missing:* " + missing_text(progress) + ".\n";
    return out;
}

void after_change(context& ctx, incident& inc) {
    if (inc.stage != domain::review_stage::summary) return;
    auto who = [&](const std::string& id) { return ctx.who(id); };
    bool was_reviewed = inc.status == domain::incident_status::reviewed;
    auto map = ctx.store.review.map(inc.id);
    auto actions = ctx.store.actions.list({ctx.workspace, std::nullopt, inc.id, false});
    auto progress = domain::assess_review(inc, map, actions.size(), ctx.cfg.review.max_whys);
    if (progress.complete() && inc.status == domain::incident_status::resolved) {
        inc.status = domain::incident_status::reviewed;
        inc.reviewed_at = ctx.now;
        record_event(ctx, inc, "Review completed");
        refresh_header(ctx, inc);
    }
    auto text = summary_text(ctx.store, ctx.cfg, inc, who, true);
    if (inc.status == domain::incident_status::reviewed)
        text += "Export it with `" + ctx.trigger() + " postmortem " + inc.label() + "`.";
    else if (inc.status == domain::incident_status::active ||
             inc.status == domain::incident_status::mitigated)
        text += inc.label() + " is still open: the review completes once it is resolved.";
    if (!inc.summary_posted) {
        say(ctx, inc, std::move(text));
        // The post itself, not the private confirmation that may follow it (said from another channel).
        for (auto it = ctx.replies.rbegin(); it != ctx.replies.rend(); ++it)
            if (chat::kind_of(*it) == chat::delivery::channel ||
                chat::kind_of(*it) == chat::delivery::thread) {
                chat::define_thread(*it, summary_key(inc));
                break;
            }
        inc.summary_posted = true;
    } else {
        chat::message_edit edit;
        edit.channel = inc.channel;
        edit.edit_key = summary_key(inc);
        edit.text = std::move(text);
        ctx.replies.push_back(std::move(edit));
    }
    ctx.store.incidents.update(inc);
    if (!was_reviewed && inc.status == domain::incident_status::reviewed)
        say(ctx, inc, "✅ The review of " + inc.label() + " is complete. Thank you, everyone.");
}

}  // namespace hindsight::commands::review
