// Learning across incidents (SPEC §11): relations recorded by hand (`link`, `unlink`), a factor that came
// back after an earlier incident's actions were all done (said in the review's thread and recorded for the
// postmortem and the report), and insights over a window.
#include <algorithm>
#include <cctype>

#include "commands/handlers.hpp"
#include "commands/reminders.hpp"
#include "commands/review_flow.hpp"
#include "commands/zones.hpp"
#include "domain/related.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {

namespace {

// `link INC-n` links the incident of this channel (or thread); `link INC-m INC-n` names both.
result<std::pair<domain::incident, domain::incident>> link_pair(context& ctx, arguments& args,
                                                                std::string_view verb) {
    auto usage = "`" + std::string(verb) + " INC-n` here, or `" + std::string(verb) + " INC-m INC-n`.";
    auto words = split_words(args.rest());
    if (words.empty() || words.size() > 2 || !parse_incident_ref(words.back()) ||
        !parse_incident_ref(words.front()))
        return make_error(errc::bad_input, "Say which incident: " + usage);
    arguments first(words.size() == 2 ? words.front() : std::string_view{});
    auto target = target_incident(ctx, first);
    if (!target) return target.failure();
    auto number = *parse_incident_ref(words.back());
    auto other = ctx.store.incidents.find(ctx.workspace, number);
    if (!other) return make_error(errc::not_found, "There is no INC-" + std::to_string(number) + " here.");
    if (auto visible = check_visible(ctx, *other); !visible) return visible.failure();
    if (other->id == target->id) return make_error(errc::bad_input, "An incident is not related to itself.");
    return std::pair{std::move(*target), std::move(*other)};
}

result<void> change_link(context& ctx, arguments& args, bool linking) {
    auto pair = link_pair(ctx, args, linking ? "link" : "unlink");
    if (!pair) return pair.failure();
    const auto& [inc, other] = *pair;
    bool changed = linking ? ctx.store.learning.link(inc.id, other.id, ctx.user, ctx.now)
                           : ctx.store.learning.unlink(inc.id, other.id);
    if (!changed)
        return make_error(
            errc::conflict,
            inc.label() + (linking ? " is already linked to " : " is not linked to ") + other.label() + ".");
    auto text = inc.label() + (linking ? " linked to " : " no longer linked to ") + other.label() + " by " +
                ctx.who(ctx.user);
    // Each side hears of it only where the other may be named: a private incident stays in its channel.
    auto named_in = [](const domain::incident& named, const domain::incident& where) {
        return !named.private_channel || named.channel == where.channel;
    };
    if (named_in(other, inc)) record_event(ctx, inc, text);
    if (named_in(inc, other)) record_event(ctx, other, text);
    auto said = (linking ? "🔗 " : "") + text +
                (linking ? " (both postmortems name it; `" + ctx.trigger() + " unlink " + other.label() +
                               "` takes it back)."
                         : ".");
    if (named_in(other, inc))
        announce_for(ctx, inc, said);
    else
        ctx.tell(said);
    return {};
}

}  // namespace

result<void> link_incident(context& ctx, arguments& args) {
    return change_link(ctx, args, true);
}

result<void> unlink_incident(context& ctx, arguments& args) {
    return change_link(ctx, args, false);
}

void load_relations(stores& store, domain::incident_record& record) {
    const auto& inc = record.inc;
    auto shown = [&](const domain::incident& other) {
        return !other.private_channel || other.channel == inc.channel;
    };
    for (const auto& link : store.learning.links_of(inc.id)) {
        auto other = store.incidents.find_by_id(link.other_id);
        if (!other) continue;
        if (shown(*other))
            record.linked.push_back({other->label(), other->title, link.linked_by});
        else
            record.linked.push_back({"", "", link.linked_by});
    }
    for (const auto& r : store.learning.recurrences_of(inc.id)) {
        auto past = store.incidents.find_by_id(r.past_incident_id);
        if (!past) continue;
        if (shown(*past))
            record.came_back.push_back(
                {r.node_label, past->label(), r.past_node_label, r.past_node_text, r.fixed_by});
        else
            record.came_back.push_back({r.node_label, "", "", "", ""});
    }
}

namespace {

// The labels of an incident's actions when every one was done before `before` ("A-4, A-5"); "" when any
// was not (a fix done after the new incident began did not fail to hold), or there are none.
std::string all_done(context& ctx, std::int64_t incident_id, domain::timestamp before) {
    auto actions = ctx.store.actions.list({ctx.workspace, std::nullopt, incident_id, false});
    std::string labels;
    for (const auto& a : actions) {
        if (a.status != domain::action_status::done || !a.closed_at || *a.closed_at >= before) return {};
        labels += (labels.empty() ? "" : ", ") + a.label();
    }
    return labels;
}

// How many earlier incidents' nodes are compared: the closest by words first.
constexpr std::size_t recurrence_candidates = 20;

void say_recurrence(context& ctx, const domain::incident& inc, const domain::cause_node& node) {
    auto words = domain::content_words(node.text);
    if (words.size() < 2) return;  // one word matches too much to say "this came back"
    auto candidates = ctx.store.learning.earlier_nodes(inc.workspace, domain::related_query(words),
                                                       inc.number, recurrence_candidates);
    for (const auto& past_node : candidates) {
        if (!domain::same_factor(node.text, past_node.text)) continue;
        auto fixed_by = all_done(ctx, past_node.incident_id, inc.started_at);
        if (fixed_by.empty()) continue;
        auto past = ctx.store.incidents.find_by_id(past_node.incident_id);
        if (!past) continue;
        storage::recurrence r;
        r.incident_id = inc.id;
        r.node_id = node.id;
        r.past_incident_id = past->id;
        r.past_node_id = past_node.node_id;
        r.fixed_by = fixed_by;
        r.found_at = ctx.now;
        if (!ctx.store.learning.record_recurrence(r)) return;
        bool named = !past->private_channel || past->channel == inc.channel;
        review::say(
            ctx, inc,
            named ? "🔁 " + node.label + " looks like " + past->label() + "'s " + past_node.label + " “" +
                        quote(domain::truncate_utf8(past_node.text, 120)) + "”: this came back after " +
                        fixed_by + (fixed_by.find(',') == std::string::npos ? " was" : " were") +
                        " done. Worth asking why the fix did not hold."
                  : "🔁 " + node.label +
                        " looks like a factor of a private incident whose action items were all done: "
                        "it came back after its fix.");
        return;
    }
}

}  // namespace

void note_recurrence(context& ctx, const domain::incident& inc, const domain::cause_node& node) {
    // A hint, not the answer: whatever fails here, the factor or cause that was just added stands.
    try {
        say_recurrence(ctx, inc, node);
    } catch (const std::exception&) {
    }
}

domain::insights compute_report(stores& store, const config::settings& cfg, const std::string& workspace,
                                domain::timestamp since, domain::timestamp until,
                                const std::string& service) {
    auto input = store.learning.report_rows(workspace, since, until, service);
    input.as_of = local_date(until - std::chrono::milliseconds{1}, cfg.time_zone);
    for (auto& inc : input.incidents) {
        if (!inc.resolved_at) continue;
        auto business_days =
            cfg.review.due_business_days[static_cast<std::size_t>(static_cast<int>(inc.sev) - 1)];
        inc.review_due = add_business_days(local_date(*inc.resolved_at, cfg.time_zone), business_days);
    }
    return domain::compute_insights(input);
}

namespace {

struct insights_request {
    int days = 30;
    std::string service;
};

result<insights_request> read_insights_request(context& ctx, arguments& args) {
    insights_request request;
    auto usage =
        std::string("insights takes a window (30d, 90d or 365d) and a service: `insights 90d checkout`.");
    while (auto word = args.next()) {
        if (*word == "30d" || *word == "90d" || *word == "365d") {
            request.days = std::atoi(std::string(*word).c_str());
            continue;
        }
        auto name = domain::label_name(*word);
        bool looks_like_window = !word->empty() && std::isdigit(static_cast<unsigned char>(word->front()));
        if (!name || !request.service.empty() || looks_like_window) return make_error(errc::bad_input, usage);
        request.service = *name;
    }
    if (!request.service.empty() && ctx.store.incidents
                                        .list_labelled(ctx.workspace, storage::label_kind::service,
                                                       request.service, storage::incident_filter::all, 1)
                                        .empty())
        return make_error(errc::not_found, "No incident has the service " + request.service + " yet (`" +
                                               ctx.trigger() + " service <name>` sets one).");
    return request;
}

}  // namespace

result<void> show_insights(context& ctx, arguments& args) {
    auto request = read_insights_request(ctx, args);
    if (!request) return request.failure();
    auto since = ctx.now - std::chrono::days{request->days};
    auto report = compute_report(ctx.store, ctx.cfg, ctx.workspace, since,
                                 ctx.now + std::chrono::milliseconds{1}, request->service);
    auto names = [&](const std::string& id) { return ctx.store.incidents.display_name(ctx.workspace, id); };
    ctx.tell(domain::insights_chat(report, names) +
             "The full report with charts: `hindsight report --since " +
             domain::format_date(domain::date_of(since)) +
             (request->service.empty() ? "" : " --service " + request->service) + "`.");
    return {};
}

}  // namespace hindsight::commands
