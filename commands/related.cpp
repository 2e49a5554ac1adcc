// Related incidents (SPEC §11): at `start`, when the title or a service changes, and on `related [INC-n]`,
// the past incidents that share words (FTS5 finds the candidates), services or tags with this one, scored by
// domain::related_score and shown with why and with their still-open actions. A private incident is never
// named outside its channel; elsewhere it is at most counted.
#include <algorithm>
#include <map>

#include "commands/handlers.hpp"
#include "commands/review_flow.hpp"
#include "domain/related.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {

namespace {

// Candidates: the best by words, and those whose shared services and tags alone clear the threshold (the
// cap of two of each is applied when scoring). Everything else needs words, so FTS5 finds it.
constexpr std::size_t candidates_by_text = 60;
constexpr std::size_t candidates_by_label = 50;

std::vector<std::string> shared(const std::vector<std::string>& mine,
                                const std::vector<std::string>& theirs) {
    std::vector<std::string> out;
    for (const auto& item : mine)
        if (std::find(theirs.begin(), theirs.end(), item) != theirs.end()) out.push_back(item);
    return out;
}

}  // namespace

std::vector<related_incident> find_related(stores& store, const domain::incident& inc) {
    auto words = domain::content_words(inc.title + " " + store.incidents.indexed_text(inc.id));
    std::map<std::int64_t, bool> candidates;
    // Words in more than a tenth of all incidents barely move bm25 but make it rank most of the corpus:
    // candidates are found by the rarer ones (the score still counts every shared word).
    auto search_words = store.incidents.distinctive_words(words, 0.10, 3);
    for (const auto& match : store.incidents.similar_text(inc.workspace, domain::related_query(search_words),
                                                          inc.id, candidates_by_text))
        candidates[match.incident_id] = true;
    const auto& weights = domain::default_related_weights;
    for (auto id : store.incidents.sharing_labels(inc.workspace, inc.id, weights.service, weights.tag,
                                                  weights.threshold, candidates_by_label))
        candidates[id] = true;
    std::vector<related_incident> out;
    for (const auto& [id, _] : candidates) {
        auto past = store.incidents.find_by_id(id);
        if (!past) continue;
        domain::relation_evidence evidence;
        evidence.words = words.size();
        evidence.shared_words =
            shared(words, domain::content_words(past->title + " " + store.incidents.indexed_text(id), 400));
        evidence.shared_services = shared(inc.services, past->services);
        evidence.shared_tags = shared(inc.tags, past->tags);
        auto score = domain::related_score(evidence);
        if (score >= domain::default_related_weights.threshold)
            out.push_back({std::move(*past), std::move(evidence), score});
    }
    std::stable_sort(out.begin(), out.end(), [](const related_incident& a, const related_incident& b) {
        return a.score != b.score ? a.score > b.score : a.inc.number > b.inc.number;
    });
    return out;
}

namespace {

std::string open_actions_of(context& ctx, const domain::incident& past) {
    auto open = ctx.store.actions.list({ctx.workspace, std::nullopt, past.id, true});
    if (open.empty()) return {};
    std::string out = " — open: ";
    for (std::size_t i = 0; i < open.size() && i < 3; ++i)
        out += (i ? ", " : "") + open[i].label() + " " + quote(domain::truncate_utf8(open[i].text, 60));
    if (open.size() > 3) out += " and " + std::to_string(open.size() - 3) + " more";
    return out;
}

// Up to `most` lines that may be shown in channel `viewer`, "" when nothing related clears the threshold.
std::string related_lines(context& ctx, const domain::incident& inc, std::size_t most,
                          const std::string& viewer) {
    std::string out;
    std::size_t shown = 0, hidden = 0;
    for (const auto& related : find_related(ctx.store, inc)) {
        if (related.inc.private_channel && related.inc.channel != viewer) {
            ++hidden;
            continue;
        }
        if (shown == most) continue;
        ++shown;
        out += "• " + related.inc.label() + " " + quote(related.inc.title) + " (" +
               std::string(domain::to_string(related.inc.status)) + "; " +
               domain::explain_relation(related.evidence) + ")" + open_actions_of(ctx, related.inc) + "\n";
    }
    if (hidden > 0) out += "• and " + domain::plural(hidden, "private incident") + " like it\n";
    return out;
}

}  // namespace

void say_related(context& ctx, const domain::incident& inc) {
    std::string lines;
    try {
        lines = related_lines(ctx, inc, 3, ctx.channel.id);
    } catch (const std::exception& failure) {
        // A hint, not the command: the command that asked for it stands, and says the hint is missing.
        ctx.tell("(Related incidents could not be looked up just now: " + quote(failure.what()) + ". `" +
                 ctx.trigger() + " related` tries again.)");
        return;
    }
    if (lines.empty()) return;
    ctx.tell("🔁 This looks like earlier incidents (`" + ctx.trigger() + " related` for more):\n" + lines);
}

void post_related(context& ctx, const domain::incident& inc) {
    std::string lines;
    try {
        lines = related_lines(ctx, inc, 3, inc.channel);
    } catch (const std::exception&) {
        return;  // nobody asked: a lookup that failed has no one to tell, and the review goes on
    }
    if (lines.empty()) return;
    review::say(ctx, inc,
                "🔁 " + inc.label() + " looks like earlier incidents (`" + ctx.trigger() +
                    " related` for more):\n" + lines);
}

result<void> show_related(context& ctx, arguments& args) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    if (!args.empty())
        return make_error(errc::bad_input, "related takes at most an incident: `related INC-3`.");
    auto lines = related_lines(ctx, *target, 10, ctx.channel.id);
    ctx.tell(lines.empty() ? "Nothing earlier looks like " + target->label() +
                                 " (no shared services or tags, and too few words in common)."
                           : "*Incidents like " + target->label() + "*\n" + lines);
    return {};
}

}  // namespace hindsight::commands
