#include <algorithm>
#include <array>
#include <charconv>

#include "commands/handlers.hpp"
#include "commands/review_flow.hpp"
#include "commands/time_expr.hpp"
#include "commands/zones.hpp"
#include "domain/rules.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {

using domain::incident;
using domain::incident_status;

result<std::string> checked_text(std::string_view raw, std::string_view what, std::size_t limit) {
    auto text = domain::trim(raw);
    if (text.empty()) return make_error(errc::bad_input, "Missing " + std::string(what) + ".");
    auto clean = domain::sanitize_utf8(text);
    auto length = domain::utf8_length(clean);
    if (length > limit)
        return make_error(errc::bad_input, "The " + std::string(what) + " is " + std::to_string(length) +
                                               " characters; the limit is " + std::to_string(limit) +
                                               ". Nothing was saved — shorten it and try again.");
    return clean;
}

result<void> check_visible(const context& ctx, const incident& inc) {
    if (inc.private_channel && inc.channel != ctx.channel.id)
        return make_error(errc::forbidden,
                          inc.label() + " belongs to a private channel. Run this command in that channel.");
    return {};
}

result<incident> target_incident(context& ctx, arguments& args) {
    if (auto word = args.peek()) {
        if (auto number = parse_incident_ref(*word)) {
            args.next();
            auto found = ctx.store.incidents.find(ctx.workspace, *number);
            if (!found)
                return make_error(errc::not_found, "There is no INC-" + std::to_string(*number) + " here.");
            if (auto visible = check_visible(ctx, *found); !visible) return visible.failure();
            return *found;
        }
    }
    // In a review thread the thread's incident is meant, whatever newer incident is open in the channel.
    if (auto reviewed = review::incident_of_thread(ctx, ctx.channel.id, ctx.thread_root)) return *reviewed;
    auto current = ctx.store.incidents.current_in_channel(ctx.workspace, ctx.channel.id);
    if (!current)
        return make_error(errc::not_found,
                          "There is no incident in this channel. Name one (e.g. INC-7) or `" + ctx.trigger() +
                              " start <title>` here.");
    return *current;
}

result<std::string> resolve_user(context& ctx, std::string_view word) {
    auto mention = parse_user_mention(word);
    if (!mention) return make_error(errc::bad_input, "'" + quote(word) + "' is not a user; write @name.");
    if (mention->is_id) return mention->value;
    auto lowered = domain::ascii_lower(mention->value);
    if (lowered == "me" && !ctx.user.empty()) return ctx.user;
    if (lowered == "here" || lowered == "channel" || lowered == "all" || lowered == "everyone")
        return make_error(errc::bad_input, "Name one person, not a crowd.");
    if (auto known = ctx.store.incidents.find_user_by_name(ctx.workspace, mention->value)) return known->id;
    // Unknown names are kept as typed: on the console, names are ids; elsewhere the directory fills in.
    return mention->value;
}

void record_event(context& ctx, const incident& inc, const std::string& text,
                  std::optional<domain::timestamp> occurred_at) {
    domain::timeline_entry entry;
    entry.incident_id = inc.id;
    entry.kind = domain::entry_kind::event;
    entry.occurred_at = occurred_at.value_or(ctx.now);
    entry.captured_at = ctx.now;
    entry.author = ctx.user;
    entry.text = text;
    entry.source.platform = ctx.platform;
    entry.source.channel = inc.channel;
    ctx.store.timeline.add(entry, false);
}

result<std::optional<domain::timestamp>> take_at_time(context& ctx, arguments& args) {
    auto rest = args.rest();
    if (!rest.starts_with("at ")) return std::optional<domain::timestamp>{};
    auto typed = parse_typed_time(rest.substr(3), ctx.now, ctx.user_zone(ctx.user));
    if (!typed && typed.failure().code == errc::bad_input)
        return std::optional<domain::timestamp>{};  // `mitigated at last` is a note, not a time
    if (!typed) return typed.failure();
    for (std::size_t i = 0; i <= typed->words; ++i) args.next();
    return std::optional<domain::timestamp>{typed->at};
}

namespace {

std::string header_key(const incident& inc) {
    return "header:" + std::to_string(inc.id);
}

}  // namespace

// The declaration is kept current, so whoever scrolls up to it sees the incident as it is now.
void refresh_header(context& ctx, const incident& inc) {
    static constexpr std::array<std::string_view, 4> marks{"🚨", "🩹", "✅", "📘"};
    chat::message_edit o;
    o.channel = inc.channel;
    o.edit_key = header_key(inc);
    o.text = std::string(marks[static_cast<std::size_t>(inc.status)]) + " *" + inc.label() + ": " +
             quote(inc.title) + "* (" + std::string(domain::to_string(inc.sev)) + ") · *" +
             std::string(domain::to_string(inc.status)) + "*";
    if (inc.resolved_at) o.text += " after " + domain::format_duration(*inc.resolved_at - inc.started_at);
    if (auto classes = domain::classification_text(inc); !classes.empty()) o.text += " · " + classes;
    o.text += " · commander " + ctx.who(inc.commander) +
              "\nMark messages for the timeline with :pushpin: or start them with `!tl`. `" + ctx.trigger() +
              " status` shows the details.";
    ctx.replies.push_back(std::move(o));
}

void announce_for(context& ctx, const incident& inc, std::string text) {
    if (inc.channel == ctx.channel.id) {
        ctx.announce(std::move(text));
    } else {
        ctx.post_in(inc.channel, text);
        ctx.tell("Done: " + text);
    }
}

namespace {

std::string status_line(context& ctx, const incident& inc) {
    auto elapsed = (inc.resolved_at ? *inc.resolved_at : ctx.now) - inc.started_at;
    auto open_actions = ctx.store.actions.list({ctx.workspace, std::nullopt, inc.id, true}).size();
    std::string out = "*" + inc.label() + ": " + quote(inc.title) + "*\n";
    out += "Severity: " + std::string(domain::to_string(inc.sev)) +
           " · Status: " + std::string(domain::to_string(inc.status)) +
           " · Commander: " + ctx.who(inc.commander) + "\n";
    out += "Started " + local_minute(inc.started_at, ctx.user_zone(ctx.user)) + " (" +
           domain::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed)) +
           (inc.resolved_at ? " to resolution" : " ago") + ")\n";
    if (inc.detected_at) out += "Time to detect: " + domain::time_to_detect(inc) + "\n";
    out +=
        "Timeline: " +
        domain::plural(static_cast<std::size_t>(ctx.store.timeline.count_live(inc.id)), "entry", "entries") +
        " · Open actions: " + std::to_string(open_actions);
    if (!inc.summary.empty()) out += "\nSummary: " + quote(inc.summary);
    if (!inc.impact.empty()) out += "\nImpact: " + quote(inc.impact);
    if (auto classes = domain::classification_text(inc); !classes.empty()) out += "\n" + classes;
    return out;
}

result<void> set_text_field(context& ctx, arguments& args, std::string incident::*field,
                            std::string_view what, std::size_t limit) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    auto text = checked_text(args.rest(), what, limit);
    if (!text) return text.failure();
    auto inc = *target;
    inc.*field = *text;
    ctx.store.incidents.update(inc);
    std::string label(what);
    label[0] = static_cast<char>(label[0] - 'a' + 'A');
    record_event(ctx, inc, label + " set by " + ctx.who(ctx.user) + ": " + *text);
    if (field == &incident::title) refresh_header(ctx, inc);
    announce_for(ctx, inc,
                 label + " of " + inc.label() + " set by " + ctx.who(ctx.user) + ": " + quote(*text));
    if (field != &incident::title) nudge_if_blaming(ctx, *text);
    if (field == &incident::title) say_related(ctx, inc);
    return {};
}

enum class key_time { started, detected, mitigated, resolved };

std::string_view key_time_name(key_time which) {
    switch (which) {
        case key_time::started:
            return "Impact started";
        case key_time::detected:
            return "Detected";
        case key_time::mitigated:
            return "Mitigated";
        case key_time::resolved:
            return "Resolved";
    }
    return "";
}

// Sets or corrects one key time: checked against the others, recorded on the timeline at that time, and said
// in the channel with the time in the caller's zone.
result<void> apply_key_time(context& ctx, incident inc, key_time which, domain::timestamp at,
                            std::string_view note = {}) {
    switch (which) {
        case key_time::started:
            inc.started_at = at;
            break;
        case key_time::detected:
            inc.detected_at = at;
            break;
        case key_time::mitigated:
            inc.mitigated_at = at;
            break;
        case key_time::resolved:
            // `resolve` filled in mitigated when nobody said it: that implied time moves with the correction.
            if (inc.mitigated_at && inc.resolved_at && *inc.mitigated_at == *inc.resolved_at)
                inc.mitigated_at = at;
            inc.resolved_at = at;
            break;
    }
    if (auto ordered = domain::check_key_times(inc); !ordered) return ordered.failure();
    ctx.store.incidents.update(inc);
    refresh_header(ctx, inc);
    auto name = std::string(key_time_name(which));
    record_event(ctx, inc,
                 name + " (set by " + ctx.who(ctx.user) + ")" +
                     (note.empty() ? "" : ": " + domain::sanitize_utf8(note)),
                 at);
    announce_for(ctx, inc,
                 inc.label() + ": " + domain::ascii_lower(name) + " at " +
                     local_minute(at, ctx.user_zone(ctx.user)) + ", set by " + ctx.who(ctx.user) + ".");
    return {};
}

result<void> correct_mitigated(context& ctx, const incident& inc, domain::timestamp at,
                               std::string_view note) {
    if (!note.empty())
        if (auto checked = checked_text(note, "note", domain::max_text_length); !checked)
            return checked.failure();
    return apply_key_time(ctx, inc, key_time::mitigated, at, note);
}

result<void> set_key_time(context& ctx, arguments& args, key_time which, std::string_view word) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    auto rest = args.rest();
    if (!rest.starts_with("at "))
        return make_error(errc::bad_input, "Say when: `" + std::string(word) + " at 09:40` (or -20m, " +
                                               "YYYY-MM-DD HH:MM, an ISO 8601 instant).");
    auto typed = parse_typed_time(rest.substr(3), ctx.now, ctx.user_zone(ctx.user));
    if (!typed) return typed.failure();
    for (std::size_t i = 0; i <= typed->words; ++i) args.next();
    if (!args.empty())
        return make_error(errc::bad_input, "Nothing goes after the time; name another incident first: `" +
                                               std::string(word) + " INC-7 at 09:40`.");
    if (which == key_time::resolved && target->status != incident_status::resolved &&
        target->status != incident_status::reviewed)
        return make_error(errc::conflict,
                          target->label() + " is not resolved: `" + ctx.trigger() +
                              " resolve` resolves it; `resolved at` corrects the time after.");
    return apply_key_time(ctx, *target, which, typed->at);
}

result<void> change_status(context& ctx, arguments& args, incident_status to) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    auto inc = *target;
    std::optional<domain::timestamp> at;
    if (to == incident_status::mitigated) {
        auto taken = take_at_time(ctx, args);
        if (!taken) return taken.failure();
        at = *taken;
    }
    if (at && inc.status != incident_status::active)
        return correct_mitigated(ctx, inc, *at, domain::trim(args.rest()));
    if (auto allowed = domain::check_status_change(inc, to); !allowed) return allowed.failure();
    auto note = domain::trim(args.rest());
    if (!note.empty()) {
        auto checked = checked_text(note, "note", domain::max_text_length);
        if (!checked) return checked.failure();
    }
    std::string event;
    switch (to) {
        case incident_status::mitigated:
            inc.mitigated_at = at.value_or(ctx.now);
            if (auto ordered = domain::check_key_times(inc); !ordered) return ordered.failure();
            event = "Mitigated";
            break;
        case incident_status::resolved:
            inc.resolved_at = ctx.now;
            if (!inc.mitigated_at) inc.mitigated_at = ctx.now;
            if (!note.empty()) inc.summary = domain::sanitize_utf8(note);
            event = "Resolved";
            break;
        case incident_status::active: {
            auto current = ctx.store.incidents.current_in_channel(ctx.workspace, inc.channel);
            if (current && current->id != inc.id &&
                (current->status == incident_status::active || current->status == incident_status::mitigated))
                return make_error(errc::conflict, current->label() + " is " +
                                                      std::string(domain::to_string(current->status)) +
                                                      " in that channel; resolve it before reopening " +
                                                      inc.label() + ".");
            inc.resolved_at.reset();
            event = "Reopened";
            break;
        }
        case incident_status::reviewed:
            break;
    }
    inc.status = to;
    ctx.store.incidents.update(inc);
    refresh_header(ctx, inc);
    std::string by = " by " + ctx.who(ctx.user);
    record_event(ctx, inc, event + by + (note.empty() ? "" : ": " + domain::sanitize_utf8(note)), at);
    std::string text = inc.label() + " " + domain::ascii_lower(event) + by + ".";
    if (!note.empty()) text += " " + quote(note);
    if (to == incident_status::resolved)
        text += " Time to resolve: " + domain::format_duration(*inc.resolved_at - inc.started_at) + ".";
    announce_for(ctx, inc, text);
    if (to == incident_status::resolved) {
        start_review_thread(ctx, inc);
        complete_review_if_ready(ctx, inc);  // a review finished while the incident was still open
    }
    return {};
}

struct start_request {
    std::string typed;  // the words without --new-channel; the title and perhaps a severity
    bool new_channel = false;
};

// --new-channel may stand anywhere as a word of its own (also as "—new-channel": chat clients like to
// turn "--" into a dash); what is left is the title and perhaps a severity.
start_request take_new_channel_flag(std::string_view line, bool create_channel_by_default) {
    start_request request;
    request.new_channel = create_channel_by_default;
    for (auto word : split_words(line)) {
        if (word == "--new-channel" || word == "\u2014new-channel" || word == "\u2013new-channel") {
            request.new_channel = true;
            continue;
        }
        if (!request.typed.empty()) request.typed += ' ';
        request.typed += word;
    }
    return request;
}

struct title_and_severity {
    std::string_view title;  // a view into the typed text
    domain::severity sev;
};

// A severity, if any, is the last word; without one the configured default applies.
result<title_and_severity> split_severity(std::string_view typed, std::string_view default_severity) {
    auto words = split_words(typed);
    auto sev = domain::parse_severity(default_severity).value_or(domain::severity::sev3);
    std::string_view rest = typed;
    if (!words.empty()) {
        auto last = words.back();
        // "sev2" ends the title; "severe" or "Seville" are words of it.
        bool looks_like_severity =
            last.size() > 3 && domain::starts_with_ci(last, "sev") &&
            std::all_of(last.begin() + 3, last.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (looks_like_severity) {
            auto parsed = domain::parse_severity(last);
            if (!parsed)
                return make_error(errc::bad_input,
                                  "'" + quote(last) + "' is not a severity; use sev1, sev2, sev3 or sev4.");
            sev = *parsed;
            rest = domain::trim(rest.substr(0, static_cast<std::size_t>(last.data() - rest.data())));
        }
    }
    return title_and_severity{rest, sev};
}

result<void> check_no_ongoing_incident(context& ctx) {
    if (auto current = ctx.store.incidents.current_in_channel(ctx.workspace, ctx.channel.id)) {
        if (current->status == incident_status::active || current->status == incident_status::mitigated)
            return make_error(errc::conflict, current->label() + " is still " +
                                                  std::string(domain::to_string(current->status)) +
                                                  " in this channel. Resolve it before starting another, "
                                                  "or add --new-channel to open it in a channel of its own.");
    }
    return {};
}

incident insert_new_incident(context& ctx, const std::string& title, domain::severity sev, bool new_channel) {
    incident inc;
    inc.workspace = ctx.workspace;
    ctx.store.timeline.forget_speakers();  // who spoke before belongs to the previous incident
    inc.number = ctx.store.incidents.take_incident_number(ctx.workspace);
    inc.channel = new_channel ? std::string(chat::new_channel_prefix) + "INC-" + std::to_string(inc.number)
                              : ctx.channel.id;
    // A channel made for an incident declared in a private channel is private too.
    inc.private_channel = ctx.channel.is_private && !ctx.channel.is_direct;
    inc.title = title;
    inc.sev = sev;
    inc.commander = ctx.user;
    inc.started_at = ctx.now;
    inc.detected_at = ctx.now;
    ctx.store.incidents.insert(inc);
    return inc;
}

void declare_in_new_channel(context& ctx, const incident& inc, std::string declaration) {
    auto name = domain::incident_channel_name(inc.title, domain::date_of(ctx.now), inc.number);
    chat::channel_request create;
    create.name = name;
    create.is_private = inc.private_channel;
    create.invite_user = ctx.user;
    create.requested_in = ctx.channel.is_direct ? std::string() : ctx.channel.id;  // where to fall back to
    create.placeholder = inc.channel;
    ctx.replies.push_back(std::move(create));
    ctx.post_in(inc.channel, std::move(declaration));
    chat::define_thread(ctx.replies.back(), header_key(inc));
    // Where it went is said once the channel exists, under the name it got (see engine::channel_created).
    ctx.tell(inc.label() + " declared. Creating " +
             (inc.private_channel ? "a private channel" : "a channel") + " for it (#" + name +
             "); you will be invited.");
}

}  // namespace

result<void> set_started_at(context& ctx, arguments& args) {
    return set_key_time(ctx, args, key_time::started, "started");
}

result<void> set_detected_at(context& ctx, arguments& args) {
    return set_key_time(ctx, args, key_time::detected, "detected");
}

result<void> set_resolved_at(context& ctx, arguments& args) {
    return set_key_time(ctx, args, key_time::resolved, "resolved");
}

result<void> start_incident(context& ctx, arguments& args) {
    auto request = take_new_channel_flag(args.rest(), ctx.cfg.incidents.create_channel);
    auto split = split_severity(request.typed, ctx.cfg.incidents.default_severity);
    if (!split) return split.failure();
    auto sev = split->sev;
    auto title = checked_text(split->title, "title", domain::max_title_length);
    if (!title) return title.failure();
    if (ctx.channel.is_direct && !request.new_channel)
        return make_error(errc::conflict,
                          "An incident needs a channel everyone can join; run start in a "
                          "channel, or add --new-channel to have one created.");

    if (!request.new_channel) {
        if (auto allowed = check_no_ongoing_incident(ctx); !allowed) return allowed.failure();
    }
    auto inc = insert_new_incident(ctx, *title, sev, request.new_channel);
    record_event(
        ctx, inc,
        "Incident started by " + ctx.who(ctx.user) + " (" + std::string(domain::to_string(sev)) + ")");
    auto declaration = "🚨 *" + inc.label() + ": " + quote(inc.title) + "* (" +
                       std::string(domain::to_string(sev)) + ") declared by " + ctx.who(ctx.user) +
                       ", who is commander.\nMark messages for the timeline with "
                       ":pushpin: or start them with `!tl`. `" +
                       ctx.trigger() + " help` lists every command.";
    if (!request.new_channel) {
        ctx.announce(std::move(declaration));
        chat::define_thread(ctx.replies.back(), header_key(inc));
        attach_waiting_alerts(ctx, inc);
        say_related(ctx, inc);
        return {};
    }
    declare_in_new_channel(ctx, inc, std::move(declaration));
    say_related(ctx, inc);
    return {};
}

incident declare_from_alert(context& ctx, const domain::alert& a, domain::severity sev) {
    std::string name(a.name().empty() ? "an alert" : a.name());
    auto title =
        domain::truncate_utf8(domain::sanitize_utf8(domain::trim(a.summary())), domain::max_title_length);
    auto inc = insert_new_incident(ctx, title.empty() ? name : title, sev, false);
    // The alert is the detection, and the best guess for when impact began until someone says `started at`.
    inc.started_at = std::min(a.starts_at, ctx.now);
    inc.detected_at = inc.started_at;
    ctx.store.incidents.update(inc);
    record_event(
        ctx, inc,
        "Incident declared by the alert " + quote(name) + " (" + std::string(domain::to_string(sev)) + ")",
        ctx.now);
    ctx.announce(
        "🚨 *" + inc.label() + ": " + quote(inc.title) + "* (" + std::string(domain::to_string(sev)) +
        ") declared by the alert *" + quote(name) + "*. Nobody is commander yet: `" + ctx.trigger() +
        " commander @me` takes it.\nMark messages for the timeline with :pushpin: or start them with "
        "`!tl`. `" +
        ctx.trigger() + " help` lists every command.");
    chat::define_thread(ctx.replies.back(), header_key(inc));
    return inc;
}

void on_member_joined(context& ctx, const chat::member_joined& joined, const std::string& bot_user) {
    if (joined.channel.is_direct) return;
    auto current = ctx.store.incidents.current_in_channel(ctx.workspace, joined.channel.id);
    if (!bot_user.empty() && joined.user == bot_user) {
        if (current) return;  // a channel made for an incident: its declaration says it all
        ctx.announce(
            "👋 hindsight is here. `" + ctx.trigger() +
            " start <title> [sev1..sev4]` declares an incident in this channel; mark messages for its "
            "timeline with :pushpin: or start them with `!tl`. `" +
            ctx.trigger() + " help` lists everything.");
        return;
    }
    if (!current ||
        (current->status != incident_status::active && current->status != incident_status::mitigated))
        return;
    if (joined.user == current->commander) return;  // invited to the channel made for their own incident
    ctx.tell("You joined during " + current->label() + ". " + status_line(ctx, *current) + "\n`" +
             ctx.trigger() + " timeline` shows what happened so far.");
}

result<void> show_status(context& ctx, arguments& args) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    ctx.tell(status_line(ctx, *target));
    return {};
}

result<void> change_severity(context& ctx, arguments& args) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    auto word = args.next();
    if (!word) return make_error(errc::bad_input, "Missing severity.");
    auto sev = domain::parse_severity(*word);
    if (!sev || !args.empty())
        return make_error(errc::bad_input, "'" + quote(args.empty() ? *word : std::string_view(*word)) +
                                               "' is not a severity; use 1, 2, 3 or 4.");
    auto inc = *target;
    if (inc.sev == *sev)
        return make_error(errc::conflict,
                          inc.label() + " is already " + std::string(domain::to_string(*sev)) + ".");
    auto before = inc.sev;
    inc.sev = *sev;
    ctx.store.incidents.update(inc);
    refresh_header(ctx, inc);
    std::string text = "Severity " + std::string(domain::to_string(before)) + " → " +
                       std::string(domain::to_string(*sev)) + " by " + ctx.who(ctx.user);
    record_event(ctx, inc, text);
    announce_for(ctx, inc, inc.label() + ": " + text + ".");
    return {};
}

result<void> change_commander(context& ctx, arguments& args) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    auto word = args.next();
    if (!word) return make_error(errc::bad_input, "Missing the new commander.");
    auto user = resolve_user(ctx, *word);
    if (!user) return user.failure();
    auto inc = *target;
    if (inc.commander == *user) return make_error(errc::conflict, ctx.who(*user) + " is already commander.");
    auto before = inc.commander;
    inc.commander = *user;
    ctx.store.incidents.update(inc);
    refresh_header(ctx, inc);
    std::string text = "Commander " + ctx.who(before) + " → " + ctx.who(*user) + " by " + ctx.who(ctx.user);
    record_event(ctx, inc, text);
    announce_for(ctx, inc, inc.label() + ": " + text + ".");
    return {};
}

result<void> change_title(context& ctx, arguments& args) {
    return set_text_field(ctx, args, &incident::title, "title", domain::max_title_length);
}
result<void> change_summary(context& ctx, arguments& args) {
    return set_text_field(ctx, args, &incident::summary, "summary", domain::max_text_length);
}
result<void> change_impact(context& ctx, arguments& args) {
    return set_text_field(ctx, args, &incident::impact, "impact", domain::max_text_length);
}
result<void> change_detection(context& ctx, arguments& args) {
    return set_text_field(ctx, args, &incident::detection, "detection", domain::max_text_length);
}

result<void> add_note(context& ctx, arguments& args) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    auto taken = take_at_time(ctx, args);
    if (!taken) return taken.failure();
    auto at = *taken;
    auto text = checked_text(args.rest(), "note", domain::max_text_length);
    if (!text) return text.failure();
    domain::timeline_entry entry;
    entry.incident_id = target->id;
    entry.kind = domain::entry_kind::note;
    entry.occurred_at = at.value_or(ctx.now);
    entry.captured_at = ctx.now;
    entry.author = ctx.user;
    entry.marked_by = ctx.user;
    entry.text = *text;
    entry.source.platform = ctx.platform;
    entry.source.channel = ctx.channel.id;
    ctx.store.timeline.add(entry, false);
    ctx.tell("📝 Noted on the " + target->label() + " timeline.");
    nudge_if_blaming(ctx, *text);
    return {};
}

namespace {

// `timeline hide|unhide E<n>`, `timeline tag E<n> detection|diagnosis|repair|key|none`.
result<void> present_entry(context& ctx, const incident& inc, std::string_view verb, arguments& args) {
    auto ref = args.next();
    int number = 0;
    if (ref && ref->size() > 1 && (ref->front() == 'E' || ref->front() == 'e')) {
        auto digits = ref->substr(1);
        auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
        if (ec != std::errc{} || ptr != digits.data() + digits.size()) number = 0;
    }
    if (number <= 0)
        return make_error(errc::bad_input, "Name an entry as `timeline` shows it: `timeline " +
                                               std::string(verb) + " E3" +
                                               (verb == "tag" ? " detection`." : "`."));
    auto entry = ctx.store.timeline.find_by_number(inc.id, number);
    if (!entry)
        return make_error(errc::not_found, inc.label() + " has no entry E" + std::to_string(number) + ".");
    auto hidden = entry->hidden;
    auto tag = entry->tag;
    std::string done;
    if (verb == "tag") {
        auto word = args.next();
        auto parsed = word ? domain::parse_entry_tag(*word) : std::nullopt;
        if (!parsed || !args.empty())
            return make_error(errc::bad_input,
                              "Tag with one of detection, diagnosis, repair, key (or none).");
        tag = *parsed;
        done = tag == domain::entry_tag::none ? "untagged" : "tagged " + std::string(domain::to_string(tag));
    } else {
        hidden = verb == "hide";
        done = hidden ? "hidden from exports (kept here)" : "back in the exports";
    }
    ctx.store.timeline.set_presentation(entry->id, hidden, tag);
    ctx.tell(inc.label() + " E" + std::to_string(number) + " " + done + ".");
    return {};
}

}  // namespace

result<void> show_timeline(context& ctx, arguments& args) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    if (auto word = args.peek(); word && (*word == "hide" || *word == "unhide" || *word == "tag")) {
        args.next();
        return present_entry(ctx, *target, *word, args);
    }
    std::size_t limit = 0;
    if (auto word = args.next()) {
        int n = 0;
        auto [ptr, ec] = std::from_chars(word->data(), word->data() + word->size(), n);
        if (ec != std::errc{} || ptr != word->data() + word->size() || n <= 0 || !args.empty())
            return make_error(errc::bad_input, "'" + quote(*word) + "' is not a number of entries.");
        limit = static_cast<std::size_t>(n);
    }
    auto entries = ctx.store.timeline.list(target->id);
    std::erase_if(entries, [](const auto& e) { return e.state == domain::entry_state::unmarked; });
    if (limit > 0 && entries.size() > limit)
        entries.erase(entries.begin(), entries.end() - static_cast<long>(limit));
    auto zone = ctx.user_zone(ctx.user);
    std::string out = "*Timeline of " + target->label() + "* (" + std::to_string(entries.size()) +
                      " entries, " + (zone == "UTC" ? std::string("UTC") : zone) + ")\n";
    std::optional<domain::civil_date> day;
    // Chat messages have a size limit (Slack ~40k, Mattermost 16k): page long timelines.
    constexpr std::size_t page_limit = 12000;
    for (const auto& e : entries) {
        auto local_day = local_date(e.occurred_at, zone);
        std::string line;
        if (!day || *day != local_day) {
            day = local_day;
            line += "— " + domain::format_date(local_day) + " —\n";
        }
        std::string text = quote(domain::truncate_utf8(e.text, 500));
        if (e.kind == domain::entry_kind::event) text = "_" + text + "_";
        if (e.kind == domain::entry_kind::note) text = "📝 " + text;
        if (e.state == domain::entry_state::deleted) text = "~" + text + "~ (deleted)";
        if (!e.revisions.empty()) text += " (edited)";
        if (e.tag != domain::entry_tag::none) text += " #" + std::string(domain::to_string(e.tag));
        if (e.hidden) text += " (hidden from exports)";
        auto who = e.kind == domain::entry_kind::alert ? e.source.platform : ctx.who(e.author);
        line += "E" + std::to_string(e.number) + " " + local_clock(e.occurred_at, zone) + " " +
                domain::format_offset(target->started_at, e.occurred_at) + " " + who + ": " + text + "\n";
        if (out.size() + line.size() > page_limit) {
            ctx.tell(out);
            out = "*Timeline of " + target->label() + "* (continued)\n";
        }
        out += line;
    }
    if (entries.empty()) out += "Nothing captured yet. React with :pushpin: or start a message with `!tl`.\n";
    ctx.tell(out);
    return {};
}

result<void> mark_mitigated(context& ctx, arguments& args) {
    return change_status(ctx, args, incident_status::mitigated);
}
result<void> resolve_incident(context& ctx, arguments& args) {
    return change_status(ctx, args, incident_status::resolved);
}

result<void> reopen(context& ctx, arguments& args) {
    if (auto word = args.peek()) {
        if (auto number = parse_action_ref(*word)) {
            args.next();
            return reopen_action(ctx, args, *number);
        }
    }
    return change_status(ctx, args, incident_status::active);
}

result<void> list_incidents(context& ctx, arguments& args) {
    auto filter = storage::incident_filter::open;
    std::optional<std::pair<storage::label_kind, std::string>> label;
    while (auto word = args.next()) {
        auto which = domain::ascii_lower(*word);
        if (which == "recent" || which == "open") {
            filter = which == "recent" ? storage::incident_filter::recent : storage::incident_filter::open;
            continue;
        }
        if (which != "service" && which != "tag")
            return make_error(errc::bad_input,
                              "'" + quote(*word) +
                                  "' is not a list filter; use open, recent, service <name> or "
                                  "tag <name>.");
        auto name_word = args.next();
        auto name = name_word ? domain::label_name(*name_word) : std::nullopt;
        if (!name)
            return make_error(errc::bad_input, "Say which " + which + ": `list " + which + " checkout`.");
        label =
            std::pair{which == "service" ? storage::label_kind::service : storage::label_kind::tag, *name};
    }
    auto all =
        label ? ctx.store.incidents.list_labelled(ctx.workspace, label->first, label->second, filter, 200)
              : ctx.store.incidents.list(ctx.workspace, filter, 200);
    std::string out =
        std::string(filter == storage::incident_filter::open ? "*Open incidents" : "*Recent incidents") +
        (label ? std::string(label->first == storage::label_kind::service ? " of service " : " tagged ") +
                     label->second
               : std::string()) +
        "*\n";
    int shown = 0, hidden = 0;
    for (const auto& inc : all) {
        if (!check_visible(ctx, inc)) {
            ++hidden;
            continue;
        }
        if (shown == 20) break;
        ++shown;
        out += inc.label() + " · " + std::string(domain::to_string(inc.sev)) + " · " +
               std::string(domain::to_string(inc.status)) + " · " + quote(inc.title) + " · commander " +
               ctx.who(inc.commander) +
               (domain::classification_text(inc).empty() ? "" : " · " + domain::classification_text(inc)) +
               "\n";
    }
    if (shown == 0) out += "None.\n";
    if (hidden > 0) out += std::to_string(hidden) + " more in private channels.\n";
    ctx.tell(out);
    return {};
}

}  // namespace hindsight::commands
