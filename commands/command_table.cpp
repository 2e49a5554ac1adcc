#include "commands/command_table.hpp"

#include <array>

#include "commands/handlers.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {
namespace {

struct entry {
    command_spec spec;
    handler run;
};

const std::vector<entry>& entries() {
    static const std::vector<entry> table{
        {{"start", "start <title> [sev1..sev4] [--new-channel]",
          "declare an incident in this channel (or in a new one); you become commander", "incident"},
         start_incident},
        {{"status", "status [INC-n]",
          "title, severity, status, commander, elapsed time, timeline size, open actions", "incident"},
         show_status},
        {{"sev", "sev <1-4>", "change the severity", "incident"}, change_severity},
        {{"commander", "commander <@user>", "hand over the commander role", "incident"}, change_commander},
        {{"title", "title <text>", "rename the incident", "incident"}, change_title},
        {{"summary", "summary <text>", "set the summary", "incident"}, change_summary},
        {{"impact", "impact <text>", "set the customer impact", "incident"}, change_impact},
        {{"detection", "detection <text>", "set how the incident was detected", "incident"},
         change_detection},
        {{"note", "note [at <time>] <text>", "add a note to the timeline (at a past time: 09:40, -20m)",
          "incident"},
         add_note},
        {{"started", "started at <time>", "when the impact began (the anchor of every duration)", "incident"},
         set_started_at},
        {{"detected", "detected at <time>", "when the problem was first noticed", "incident"},
         set_detected_at},
        {{"resolved", "resolved at <time>", "correct when a resolved incident was resolved", "incident"},
         set_resolved_at},
        {{"timeline", "timeline [n] | timeline hide|unhide E<n> | timeline tag E<n> <tag>",
          "show the last n entries (default all); leave one out of exports; tag it detection, diagnosis, "
          "repair or key (the postmortem's key moments)",
          "incident"},
         show_timeline},
        {{"import", "import [from <time>]",
          "read this channel's history back (default: since the incident started): marked messages go on "
          "the timeline, the rest into the transcript",
          "incident"},
         import_history},
        {{"mitigated", "mitigated [at <time>] [note]", "mark the incident mitigated (or correct when)",
          "incident"},
         mark_mitigated},
        {{"resolve", "resolve [summary]", "resolve the incident and open its review", "incident"},
         resolve_incident},
        {{"reopen", "reopen [A-n]", "reopen a resolved incident, or a closed action item", "incident"},
         reopen},
        {{"list", "list [open | recent] [service <name> | tag <name>]",
          "incidents of this workspace you may see", "incident"},
         list_incidents},
        {{"service", "service [INC-n] <name>…", "say which services the incident touched (several at once)",
          "incident"},
         add_service},
        {{"unservice", "unservice [INC-n] <name>…", "take a service off the incident", "incident"},
         remove_service},
        {{"tag", "tag [INC-n] <name>…", "tag the incident (dns, capacity, deploy…), several at once",
          "incident"},
         add_tag},
        {{"untag", "untag [INC-n] <name>…", "take a tag off the incident", "incident"}, remove_tag},
        {{"related", "related [INC-n]",
          "earlier incidents like this one (shared services, tags and words), with their open actions",
          "incident"},
         show_related},
        {{"link", "link [INC-m] INC-n",
          "record by hand that two incidents are related (both postmortems say so)", "incident"},
         link_incident},
        {{"unlink", "unlink [INC-m] INC-n", "take back a link between two incidents", "incident"},
         unlink_incident},
        {{"insights", "insights [30d | 90d | 365d] [service]",
          "how incidents, reviews and action items went lately (hindsight report has the charts)",
          "incident"},
         show_insights},
        {{"review", "review [INC-n] [start [45m] | next | skip | done | none | finish]",
          "open (or link to) the review thread, start a time-boxed session, move the review on, or finish it "
          "(the summary says what is missing)",
          "review"},
         open_review},
        {{"factor", "factor [INC-n] <text>", "add a contributing factor", "review"}, add_factor},
        {{"why", "why [INC-n] [F2.1] <text> | why [F2.1] done",
          "give a cause of the node asked about (or of the one named), or end that branch", "review"},
         answer_why},
        {{"went-well", "went-well [INC-n] <text>", "something that went well", "review"}, add_went_well},
        {{"went-wrong", "went-wrong [INC-n] <text>", "something that went wrong", "review"}, add_went_wrong},
        {{"lucky", "lucky [INC-n] <text>", "where we got lucky", "review"}, add_lucky},
        {{"postmortem", "postmortem [INC-n] [--transcript]",
          "render the postmortem and post it as a file (with the channel's other messages appended)",
          "review"},
         render_postmortem},
        {{"action", "action [INC-n] <text> [@owner] [due <date>] [type] | action none",
          "create an action item (types: detection, playbook, tooling, training, process)", "actions"},
         create_action},
        {{"actions", "actions [mine | @user | open | all | INC-n | service <name> | tag <name>]",
          "list action items", "actions"},
         list_actions},
        {{"done", "done <A-n> [note]", "close an action item as done", "actions"}, close_action_done},
        {{"wontdo", "wontdo <A-n> <reason>", "close an action item that will not be done", "actions"},
         close_action_wontdo},
        {{"assign", "assign <A-n> <@user>", "give an action item to someone else", "actions"}, assign_action},
        {{"due", "due <A-n> <date>", "change a due date (YYYY-MM-DD, fri, today, tomorrow, +3d, +2w)",
          "actions"},
         change_due},
        {{"snooze", "snooze <A-n> [date]", "no reminders about an action until the date (default: a week)",
          "actions"},
         snooze_action},
        {{"track", "track <A-n> <issue URL>",
          "link an action item to an existing issue in the tracker, instead of a new one", "actions"},
         track_action},
    };
    return table;
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> topics{{
    {"incident", "During an incident (in its channel)"},
    {"marking", "Marking messages"},
    {"review", "Review (in the incident channel, or name INC-n)"},
    {"actions", "Action items"},
}};

constexpr std::string_view review_help =
    "Reply in the review thread: each reply answers the question asked last before it, and anyone can "
    "answer; the bot confirms with a reaction.\n"
    "`next` moves on, `skip` leaves a list (or the rest of a factor's causes), `done` ends a branch of "
    "causes "
    "(a root cause) or the action items, `none` says no action is needed.\n"
    "Causes are numbered: `F2: <text>` adds a cause of factor 2 at any time, `F2.1: <text>` a cause of that "
    "cause, `F2.1 = F1.2` joins two nodes that are the same cause, `F2.1: done` closes a branch.\n"
    "`+1`, `thanks`, emoji, questions (ending in `?`) and replies starting with `>` are never recorded; "
    "`incident <command>` as a reply runs the command for this review.\n";

}  // namespace

const std::vector<command_spec>& command_table() {
    static const std::vector<command_spec> specs = [] {
        std::vector<command_spec> out;
        for (const auto& e : entries()) out.push_back(e.spec);
        return out;
    }();
    return specs;
}

const command_spec* find_command(std::string_view name) {
    for (const auto& spec : command_table())
        if (spec.name == name) return &spec;
    return nullptr;
}

std::string help_text(std::string_view trigger, std::string_view topic) {
    std::string out;
    auto line = [&](const command_spec& spec) {
        out += "`" + std::string(trigger) + " " + std::string(spec.usage) + "` — " +
               std::string(spec.summary) + "\n";
    };
    if (!topic.empty()) {
        // A topic wins over a command of the same name: `help review` explains the review, not one line.
        for (const auto& [name, heading] : topics) {
            if (name != topic) continue;
            out += "*" + std::string(heading) + "*\n";
            if (name == "marking") {
                out +=
                    "React with :pushpin: (or a configured emoji) to capture a message; remove it to take it "
                    "off.\n"
                    "Start a message with `!tl` or `tl:` to capture it as you send it.\n"
                    "Edits and deletions of captured messages follow into the timeline.\n";
            }
            if (name == "review") out += review_help;
            for (const auto& spec : command_table())
                if (spec.topic == name) line(spec);
            return out;
        }
        if (auto* spec = find_command(topic)) {
            line(*spec);
            return out;
        }
        return {};
    }
    for (const auto& [name, heading] : topics) {
        out += "*" + std::string(heading) + "*\n";
        if (name == "marking") {
            out += "React with :pushpin: on a message, or start it with `!tl` — see `" +
                   std::string(trigger) + " help marking`\n";
            continue;
        }
        for (const auto& spec : command_table())
            if (spec.topic == name) line(spec);
    }
    out += "`" + std::string(trigger) + " help [command | topic]` — more about one command or topic\n";
    return out;
}

void dispatch_command(context& ctx, std::string_view text) {
    arguments args(text);
    auto word = args.next();
    if (!word || *word == "help") {
        auto topic = domain::ascii_lower(args.rest());
        auto help = help_text(ctx.trigger(), topic);
        if (help.empty())
            ctx.tell("There is no help topic '" + quote(topic) +
                     "'. Topics: incident, marking, review, actions, or any command name.\n" +
                     help_text(ctx.trigger(), ""));
        else
            ctx.tell(help);
        return;
    }
    auto name = domain::ascii_lower(*word);
    for (const auto& e : entries()) {
        if (e.spec.name != name) continue;
        auto outcome = e.run(ctx, args);
        if (!outcome) {
            auto message = outcome.failure().message;
            if (outcome.failure().code == errc::bad_input)
                message += "\nUsage: `" + ctx.trigger() + " " + std::string(e.spec.usage) + "`";
            ctx.tell(message);
        }
        return;
    }
    ctx.tell("Unknown command '" + quote(*word) + "'. Try `" + ctx.trigger() + " help`.");
}

}  // namespace hindsight::commands
