#include <algorithm>

#include "commands/handlers.hpp"
#include "commands/review_flow.hpp"
#include "domain/action_text.hpp"
#include "domain/due_date.hpp"
#include "domain/rules.hpp"
#include "domain/text.hpp"
#include "domain/tracker_text.hpp"

namespace hindsight::commands {

using domain::action_item;
using domain::action_status;

namespace {

// Finds A-n and applies the visibility rule: an action of a private incident is handled in that incident's
// channel, or by its owner in a direct message.
result<action_item> find_action(context& ctx, std::string_view word) {
    auto number = parse_action_ref(word);
    if (!number) return make_error(errc::bad_input, "'" + quote(word) + "' is not an action id (like A-3).");
    auto action = ctx.store.actions.find(ctx.workspace, *number);
    if (!action) return make_error(errc::not_found, "There is no A-" + std::to_string(*number) + " here.");
    auto inc = ctx.store.incidents.find_by_id(action->incident_id);
    if (inc && inc->private_channel && inc->channel != ctx.channel.id &&
        !(ctx.channel.is_direct && action->owner == ctx.user))
        return make_error(errc::forbidden,
                          action->label() +
                              " belongs to an incident in a private channel. Use it there, or "
                              "its owner can in a direct message with me.");
    return *action;
}

result<action_item> next_action(context& ctx, arguments& args) {
    auto word = args.next();
    if (!word) return make_error(errc::bad_input, "Missing the action id (like A-3).");
    return find_action(ctx, *word);
}

void save_change(context& ctx, action_item& a, const std::string& change) {
    ctx.store.actions.update(a);
    ctx.store.actions.record_change(a.id, {ctx.now, ctx.user, change});
}

// Tells the owner when someone else changed their action, and the channel of the incident.
void announce_action(context& ctx, const action_item& a, const std::string& text) {
    auto inc = ctx.store.incidents.find_by_id(a.incident_id);
    if (inc && inc->channel == ctx.channel.id)
        ctx.announce(text);
    else
        ctx.tell(text);
    if (a.owner != ctx.user) ctx.direct_message(a.owner, text);
}

std::string action_line(context& ctx, const action_item& a, domain::civil_date today) {
    std::string line = a.label() + " " + quote(domain::truncate_utf8(a.text, 300)) + " — " +
                       ctx.who(a.owner) + ", due " + domain::format_date(a.due);
    if (a.status == action_status::open && std::chrono::sys_days{a.due} < std::chrono::sys_days{today})
        line += " (*overdue*)";
    line += " · " + std::string(domain::to_string(a.type));
    if (a.status != action_status::open) line += " · " + std::string(domain::to_string(a.status));
    return line + domain::issue_suffix(a.issue_url);
}

result<void> close_action(context& ctx, arguments& args, action_status to) {
    auto found = next_action(ctx, args);
    if (!found) return found.failure();
    auto a = *found;
    auto note = domain::trim(args.rest());
    if (to == action_status::wontdo && note.empty())
        return make_error(errc::bad_input, "Say why " + a.label() + " will not be done.");
    if (a.status != action_status::open)
        return make_error(errc::conflict, a.label() + " is already " +
                                              std::string(domain::to_string(a.status)) + "; `reopen " +
                                              a.label() + "` first.");
    auto checked = note.empty() ? result<std::string>(std::string())
                                : checked_text(note, "note", domain::max_text_length);
    if (!checked) return checked.failure();
    a.status = to;
    a.resolution = *checked;
    a.closed_at = ctx.now;
    save_change(ctx, a,
                std::string(domain::to_string(to)) + (a.resolution.empty() ? "" : ": " + a.resolution));
    if (auto inc = ctx.store.incidents.find_by_id(a.incident_id))
        record_event(ctx, *inc,
                     "Action " + a.label() + " closed (" + std::string(domain::to_string(to)) + ") by " +
                         ctx.who(ctx.user));
    announce_action(ctx, a,
                    (to == action_status::done ? "✅ " : "🚫 ") + a.label() + " " +
                        (to == action_status::done ? "done" : "won't be done") + " (" + ctx.who(ctx.user) +
                        "): " + quote(a.text) + (a.resolution.empty() ? "" : " — " + quote(a.resolution)));
    return {};
}

}  // namespace

namespace {

// `action none`: the review decided no action is needed, which cannot be true once it has some.
result<void> decide_no_action(context& ctx, domain::incident& inc) {
    auto existing = ctx.store.actions.list({ctx.workspace, std::nullopt, inc.id, false});
    if (!existing.empty()) {
        std::string labels;
        for (std::size_t i = 0; i < existing.size() && i < 5; ++i)
            labels += (i ? ", " : "") + existing[i].label();
        if (existing.size() > 5) labels += ", …";
        return make_error(errc::conflict, inc.label() + " already has action items (" + labels +
                                              "), so it cannot be recorded as needing none. Close one that "
                                              "is not needed with `wontdo A-n <reason>`.");
    }
    inc.no_action_decided = true;
    ctx.store.incidents.update(inc);
    record_event(ctx, inc, "Review decided no action is needed (" + ctx.who(ctx.user) + ")");
    ctx.announce("Recorded: the review of " + inc.label() + " needs no action items.");
    complete_review_if_ready(ctx, inc);
    return {};
}

// One line with every field as it was read, so a misreading is seen at once and fixed with `assign`, `due`
// or an edit of the reply.
std::string confirmation(context& ctx, const domain::incident& inc, const action_item& a, bool typed) {
    return "📌 " + a.label() + " for " + inc.label() + ": " + quote(a.text) + " — owner " + ctx.who(a.owner) +
           ", due " + domain::format_date(a.due) + " · " +
           (typed ? std::string(domain::to_string(a.type)) : "type: other (none given)");
}

// What the author may want to fix: defaults that were filled in, a tag that was not a type, vague wording.
void tell_hints(context& ctx, const action_item& a, const domain::parsed_action& parsed) {
    std::vector<std::string> hints;
    if (!parsed.owner)
        hints.push_back("no owner was named, so you own it (`assign " + a.label() + " @someone`)");
    if (!parsed.due)
        hints.push_back("no due date was given, so it is due " + domain::format_date(a.due) + " by severity");
    if (parsed.unknown_tag)
        hints.push_back("'" + quote(*parsed.unknown_tag) +
                        "' is not an action type (detection, playbook, tooling, training, process), so it "
                        "stayed in the text");
    for (auto& concern : domain::action_text_concerns(a.text)) hints.push_back(std::move(concern));
    if (hints.empty()) return;
    std::string note = "About " + a.label() + ":";
    for (const auto& h : hints) note += "\n• " + h;
    ctx.tell(note);
}

}  // namespace

result<void> create_action(context& ctx, arguments& args) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    auto inc = *target;
    auto rest = std::string(args.rest());
    while (!rest.empty() && (rest.back() == '.' || rest.back() == '!')) rest.pop_back();
    if (domain::ascii_lower(rest) == "none") return decide_no_action(ctx, inc);

    auto parsed = domain::parse_action_text(args.rest(), ctx.today());
    if (!parsed) return parsed.failure();
    auto text = checked_text(parsed->text, "action text", domain::max_text_length);
    if (!text) return text.failure();
    std::optional<std::string> owner;
    if (parsed->owner) {
        auto user = resolve_user(ctx, *parsed->owner);
        if (!user) return user.failure();
        owner = *user;
    }

    action_item a;
    a.workspace = ctx.workspace;
    a.number = ctx.store.incidents.take_action_number(ctx.workspace);
    a.incident_id = inc.id;
    a.text = *text;
    a.owner = owner.value_or(ctx.user);
    a.due = parsed->due.value_or(
        domain::default_due_date(inc.sev, ctx.cfg.actions.default_due_days, ctx.today()));
    a.type = parsed->type.value_or(domain::action_type::other);
    a.created_by = ctx.user;
    a.created_at = ctx.now;
    ctx.store.actions.insert(a);
    ctx.store.actions.record_change(a.id, {ctx.now, ctx.user, "created"});
    queue_tracker_issue(ctx, inc, a);
    record_event(ctx, inc, "Action " + a.label() + " created by " + ctx.who(ctx.user) + ": " + a.text);

    auto line = confirmation(ctx, inc, a, parsed->type.has_value());
    if (inc.channel == ctx.channel.id)
        ctx.announce(line);
    else
        ctx.tell(line);
    tell_hints(ctx, a, *parsed);
    if (a.owner != ctx.user) ctx.direct_message(a.owner, "You own " + line);
    nudge_if_blaming(ctx, a.text);
    complete_review_if_ready(ctx, inc);
    return {};
}

namespace {

struct action_listing {
    storage::action_query query;
    std::string heading;
};

// What `actions [filter]` lists, and the heading that says so.
// `actions service checkout`, `actions tag dns`: open actions of the incidents so classified.
result<action_listing> labelled_listing(context& ctx, std::string_view kind, arguments& args) {
    auto word = args.next();
    auto name = word ? domain::label_name(*word) : std::nullopt;
    if (!name || !args.empty())
        return make_error(errc::bad_input, "Say which " + std::string(kind) + ": `actions " +
                                               std::string(kind) + " checkout`.");
    action_listing listing{{ctx.workspace, std::nullopt, std::nullopt, true}, {}};
    listing.query.incident_label = std::pair{std::string(kind), *name};
    listing.heading = "Open action items of incidents with " + std::string(kind) + " " + *name;
    return listing;
}

result<action_listing> listing_for(context& ctx, std::optional<std::string_view> word) {
    action_listing listing{{ctx.workspace, std::nullopt, std::nullopt, true}, {}};
    auto& q = listing.query;
    // In a review thread, "this incident" is the thread's, whatever newer one is open in the channel.
    auto current = review::incident_of_thread(ctx, ctx.channel.id, ctx.thread_root);
    if (!current) current = ctx.store.incidents.current_in_channel(ctx.workspace, ctx.channel.id);
    std::string which = word ? domain::ascii_lower(*word) : (current ? "open" : "mine");
    if (which == "mine") {
        q.owner = ctx.user;
        listing.heading = "Your open action items";
    } else if (which == "all" || which == "open") {
        if (!current)
            return make_error(errc::not_found,
                              "`actions " + which +
                                  "` lists the actions of this channel's incident, and there is "
                                  "none here. Try `actions mine` or `actions INC-n`.");
        q.incident_id = current->id;
        q.open_only = which == "open";
        listing.heading =
            (which == "open" ? "Open action items of " : "All action items of ") + current->label();
    } else if (auto number = parse_incident_ref(*word)) {
        auto inc = ctx.store.incidents.find(ctx.workspace, *number);
        if (!inc) return make_error(errc::not_found, "There is no INC-" + std::to_string(*number) + " here.");
        if (auto visible = check_visible(ctx, *inc); !visible) return visible.failure();
        q.incident_id = inc->id;
        q.open_only = false;
        listing.heading = "Action items of " + inc->label();
    } else if (parse_user_mention(*word)) {
        auto user = resolve_user(ctx, *word);
        if (!user) return user.failure();
        q.owner = *user;
        listing.heading = "Open action items of " + ctx.who(*user);
    } else {
        return make_error(errc::bad_input, "'" + quote(*word) + "' is not a filter.");
    }
    return listing;
}

std::string action_list_text(context& ctx, const std::string& heading, std::vector<action_item> actions) {
    auto today = ctx.today();
    // Overdue first, then by due date: what a person should do next comes first.
    std::stable_sort(actions.begin(), actions.end(),
                     [](const action_item& a, const action_item& b) { return a.due < b.due; });
    std::string out = "*" + heading + "*\n";
    std::size_t hidden = 0, shown = 0;
    for (const auto& a : actions) {
        auto inc = ctx.store.incidents.find_by_id(a.incident_id);
        bool visible = !inc || !inc->private_channel || inc->channel == ctx.channel.id ||
                       (ctx.channel.is_direct && a.owner == ctx.user);
        if (!visible) {
            ++hidden;
            continue;
        }
        ++shown;
        out += "• " + action_line(ctx, a, today) + (inc ? " (" + inc->label() + ")" : "") + "\n";
    }
    if (shown == 0) out += "None.\n";
    if (hidden > 0)
        out += std::to_string(hidden) +
               " more from private incidents (ask me in a direct message to see your own).\n";
    return out;
}

}  // namespace

result<void> list_actions(context& ctx, arguments& args) {
    auto word = args.next();
    if (word && (domain::ascii_lower(*word) == "service" || domain::ascii_lower(*word) == "tag")) {
        auto labelled = labelled_listing(ctx, domain::ascii_lower(*word), args);
        if (!labelled) return labelled.failure();
        ctx.tell(action_list_text(ctx, labelled->heading, ctx.store.actions.list(labelled->query)));
        return {};
    }
    if (!args.empty()) return make_error(errc::bad_input, "actions takes one filter.");
    auto listing = listing_for(ctx, word);
    if (!listing) return listing.failure();
    ctx.tell(action_list_text(ctx, listing->heading, ctx.store.actions.list(listing->query)));
    return {};
}

result<void> close_action_done(context& ctx, arguments& args) {
    return close_action(ctx, args, action_status::done);
}
result<void> close_action_wontdo(context& ctx, arguments& args) {
    return close_action(ctx, args, action_status::wontdo);
}

result<void> assign_action(context& ctx, arguments& args) {
    auto found = next_action(ctx, args);
    if (!found) return found.failure();
    auto word = args.next();
    if (!word || !args.empty()) return make_error(errc::bad_input, "Name one new owner.");
    auto user = resolve_user(ctx, *word);
    if (!user) return user.failure();
    auto a = *found;
    if (a.owner == *user)
        return make_error(errc::conflict, a.label() + " is already owned by " + ctx.who(*user) + ".");
    auto before = a.owner;
    a.owner = *user;
    save_change(ctx, a, "owner " + before + " -> " + *user);
    std::string text = a.label() + " now belongs to " + ctx.who(*user) + " (was " + ctx.who(before) +
                       ", changed by " + ctx.who(ctx.user) + "): " + quote(a.text);
    announce_action(ctx, a, text);
    if (before != ctx.user && before != *user) {
        // Once it is not theirs, a private incident's action is not theirs to read outside the channel.
        auto inc = ctx.store.incidents.find_by_id(a.incident_id);
        bool is_private = inc && inc->private_channel;
        ctx.direct_message(before, is_private ? a.label() + " was reassigned; you no longer own it." : text);
    }
    return {};
}

result<void> change_due(context& ctx, arguments& args) {
    auto found = next_action(ctx, args);
    if (!found) return found.failure();
    if (args.empty()) return make_error(errc::bad_input, "Missing the new due date.");
    auto due = domain::parse_due_date(args.rest(), ctx.today());
    if (!due) return due.failure();
    auto a = *found;
    auto before = a.due;
    a.due = *due;
    save_change(ctx, a, "due " + domain::format_date(before) + " -> " + domain::format_date(*due));
    announce_action(ctx, a,
                    a.label() + " is now due " + domain::format_date(*due) + " (was " +
                        domain::format_date(before) + ", changed by " + ctx.who(ctx.user) + ").");
    return {};
}

namespace {

// Snoozing silences someone's reminders, so it is the owner's call, or the commander's, who answers for
// the incident's follow-up; anyone else asks them (or takes the action with `assign`).
result<void> check_may_snooze(context& ctx, const action_item& a) {
    auto inc = ctx.store.incidents.find_by_id(a.incident_id);
    if (a.owner == ctx.user || (inc && inc->commander == ctx.user)) return {};
    std::string commander = inc && !inc->commander.empty()
                                ? " or " + inc->label() + "'s commander (" + ctx.who(inc->commander) + ")"
                                : "";
    return make_error(errc::forbidden, "Only " + a.label() + "'s owner (" + ctx.who(a.owner) + ")" +
                                           commander + " can snooze it.");
}

}  // namespace

result<void> snooze_action(context& ctx, arguments& args) {
    auto found = next_action(ctx, args);
    if (!found) return found.failure();
    auto a = *found;
    if (a.status != action_status::open)
        return make_error(errc::conflict, a.label() + " is " + std::string(domain::to_string(a.status)) +
                                              "; only open actions get reminders.");
    if (auto allowed = check_may_snooze(ctx, a); !allowed) return allowed.failure();
    using std::chrono::days, std::chrono::sys_days;
    auto limit = ctx.cfg.actions.max_snooze_days;
    auto today = ctx.today();
    auto latest = domain::civil_date{sys_days{today} + days{limit}};
    auto until =
        args.empty()
            ? result<domain::civil_date>(domain::civil_date{sys_days{today} + days{std::min(7, limit)}})
            : domain::parse_due_date(args.rest(), today);
    if (!until) return until.failure();
    if (sys_days{*until} > sys_days{latest})
        return make_error(errc::bad_input, "A snooze lasts at most " + std::to_string(limit) +
                                               (limit == 1 ? " day" : " days") +
                                               " (actions.max_snooze_days): " + domain::format_date(*until) +
                                               " is later than " + domain::format_date(latest) +
                                               ". To push the work back, move " + "the due date with `due " +
                                               a.label() + " <date>`.");
    a.snoozed_until = *until;
    save_change(ctx, a, "snoozed until " + domain::format_date(*until));
    ctx.tell("😴 No weekly reminders about " + a.label() + " until " + domain::format_date(*until) +
             " (it is still due " + domain::format_date(a.due) +
             "; once overdue it is still raised to the commander; `due " + a.label() +
             " <date>` moves the due date).");
    return {};
}

result<void> reopen_action(context& ctx, arguments& args, int number) {
    if (!args.empty()) return make_error(errc::bad_input, "reopen takes only the action id.");
    auto found = find_action(ctx, "A-" + std::to_string(number));
    if (!found) return found.failure();
    auto a = *found;
    if (a.status == action_status::open) return make_error(errc::conflict, a.label() + " is already open.");
    a.status = action_status::open;
    a.resolution.clear();
    a.closed_at.reset();
    save_change(ctx, a, "reopened");
    announce_action(ctx, a, a.label() + " reopened by " + ctx.who(ctx.user) + ": " + quote(a.text));
    return {};
}

}  // namespace hindsight::commands
