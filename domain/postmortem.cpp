#include "domain/postmortem.hpp"

#include <array>
#include <map>
#include <memory>
#include <set>

#include "domain/json_writer.hpp"
#include "domain/rules.hpp"
#include "domain/text.hpp"
#include "domain/tracker_text.hpp"

namespace hindsight::domain {
namespace {

// Display names are user text too (anyone can rename themselves on Slack): escaped like a table cell, which
// is safe in every place a name appears.
std::string user(const name_lookup& name_of, const std::string& id) {
    if (id.empty()) return "—";
    return "@" + markdown_cell(defuse_crowd_mentions(name_of(id)));
}

std::string optional_time(const std::optional<timestamp>& t) {
    return t ? format_minute(*t) + " UTC" : std::string("—");
}

std::string duration_between(timestamp from, const std::optional<timestamp>& to) {
    return to ? format_duration(*to - from) : std::string("—");
}

// Where user text lands decides what in it is markup: in a table cell a pipe ends the cell; elsewhere the
// text may begin a block (the summary paragraph, a list item), so its first characters matter too.
enum class inline_place { text, cell };

bool is_ascii_alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::size_t backtick_run(std::string_view s, std::size_t pos) {
    std::size_t end = pos;
    while (end < s.size() && s[end] == '`') ++end;
    return end - pos;
}

// CommonMark closes a code span with the next backtick run of exactly the opening length; npos if none.
std::size_t code_span_close(std::string_view s, std::size_t from, std::size_t length) {
    for (std::size_t pos = from; pos < s.size();) {
        if (s[pos] != '`') {
            ++pos;
            continue;
        }
        std::size_t run = backtick_run(s, pos);
        if (run == length) return pos;
        pos += run;
    }
    return std::string_view::npos;
}

// One line break form ("\n"), no other control characters and no surrounding whitespace: markdown-it
// (like GitHub) also breaks lines at a lone "\r", and leading spaces would make an indented code block.
std::string normalized(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size(); ++pos) {
        char c = text[pos];
        if (c == '\r') {
            if (pos + 1 < text.size() && text[pos + 1] == '\n') ++pos;
            out += '\n';
        } else if (c == '\n' || c == '\t' || static_cast<unsigned char>(c) >= 0x20) {
            out += c;
        }
    }
    auto first = out.find_first_not_of(" \t\n");
    if (first == std::string::npos) return {};
    auto last = out.find_last_not_of(" \t\n");
    return out.substr(first, last - first + 1);
}

// At the start of a paragraph or list item these begin a heading, a list, a thematic break or a setext
// underline; the others that can (*, _, >, <, [, ~, `) are escaped wherever they stand. Returns where the
// rest of the text starts.
std::size_t escape_block_start(std::string& out, std::string_view s) {
    std::size_t pos = 0;
    if (s[0] == '#' || s[0] == '-' || s[0] == '+' || s[0] == '=') {
        out += '\\';
        out += s[0];
        pos = 1;
    }
    std::size_t digits = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
    if (digits > 0 && digits < s.size() && (s[digits] == '.' || s[digits] == ')')) {
        out.append(s.substr(0, digits));
        out += '\\';  // "1. …" and "1) …" would start an ordered list
        out += s[digits];
        pos = digits + 1;
    }
    return pos;
}

// Inside a code span nothing is markup, but a line break would still end the line and a pipe the cell
// (GitHub splits cells before it parses code spans, and drops the backslash).
void append_code_span_content(std::string& out, std::string_view content, inline_place place) {
    for (char inner : content) {
        if (inner == '\n')
            out += ' ';
        else if (inner == '|' && place == inline_place::cell)
            out += "\\|";
        else
            out += inner;
    }
}

// The backtick run at pos, with the code span it opens if the user closed it; returns the position after.
std::size_t append_backticks(std::string& out, std::string_view s, std::size_t pos, inline_place place) {
    std::size_t run = backtick_run(s, pos);
    std::size_t close = code_span_close(s, pos + run, run);
    if (close == std::string_view::npos) {
        // Unmatched backticks are literal, and escaped so that they can neither open a fence nor pair with a
        // backtick that follows the user text.
        for (std::size_t i = 0; i < run; ++i) out += "\\`";
        return pos + run;
    }
    out.append(run, '`');
    append_code_span_content(out, s.substr(pos + run, close - pos - run), place);
    out.append(run, '`');
    return close + run;
}

// Any character but a backtick: s[pos] as it must be written to read as itself.
void append_escaped_char(std::string& out, std::string_view s, std::size_t pos, inline_place place) {
    char c = s[pos];
    switch (c) {
        case '\n':
            out += "<br>";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '\\':
        case '*':
        case '~':
        case '[':
        case ']':
            out += '\\';
            out += c;
            break;
        case '_':
            // Inside a word (snake_case, URLs) an underscore cannot open or close emphasis.
            if (pos > 0 && pos + 1 < s.size() && is_ascii_alnum(s[pos - 1]) && is_ascii_alnum(s[pos + 1]))
                out += c;
            else
                out += "\\_";
            break;
        case '|':
            if (place == inline_place::cell) out += '\\';
            out += c;
            break;
        case '#':
            // A run of #s at the very end would be taken for a heading's closing sequence and vanish.
            if (place == inline_place::text && s.find_first_not_of('#', pos) == std::string_view::npos)
                out += '\\';
            out += c;
            break;
        default:
            out += c;
    }
}

// User text as inline Markdown that renders as exactly that text: it stays on its line (a break is <br>),
// cannot start a block, open HTML or an autolink, make a link or image, emphasis or strike-through, or
// escape the character after it. Code spans the user closed stay code spans, so `code` reads as typed.
std::string escape_inline(std::string_view raw, inline_place place) {
    std::string text = normalized(raw);
    std::string_view s = text;
    std::string out;
    out.reserve(s.size() + s.size() / 8 + 8);
    std::size_t pos = 0;
    if (place == inline_place::text && !s.empty()) pos = escape_block_start(out, s);
    while (pos < s.size()) {
        if (s[pos] == '`') {
            pos = append_backticks(out, s, pos, place);
            continue;
        }
        append_escaped_char(out, s, pos, place);
        ++pos;
    }
    return out;
}

// Headings, paragraphs and list items: inline text that must not change the document's structure.
std::string inline_text(std::string_view text) {
    return escape_inline(text, inline_place::text);
}

void append_list(std::string& out, std::string_view heading, const std::vector<review_note>& notes,
                 review_list which, const name_lookup& name_of) {
    out += "### ";
    out += heading;
    out += "\n\n";
    bool any = false;
    for (const auto& note : notes) {
        if (note.list != which) continue;
        any = true;
        out +=
            "- " + inline_text(defuse_crowd_mentions(note.text)) + " (" + user(name_of, note.author) + ")\n";
    }
    if (!any) out += "_Nothing recorded._\n";
    out += '\n';
}

// Alerts are told by the tool that sent them, everything else by a person (or nobody: the bot's own events).
std::string entry_author(const name_lookup& name_of, const timeline_entry& entry) {
    if (entry.kind == entry_kind::alert) return markdown_cell(entry.source.platform);
    return user(name_of, entry.author);
}

std::string entry_text_for_document(const timeline_entry& entry) {
    std::string text = markdown_cell(defuse_crowd_mentions(entry.text));
    if (entry.kind == entry_kind::event) return "_" + text + "_";
    if (entry.kind == entry_kind::note) return "📝 " + text;
    return text;
}

// Linked incidents and factors that came back after an earlier fix (SPEC §11); nothing when there are none.
void append_relations(std::string& out, const incident_record& record, const name_lookup& name_of) {
    if (record.linked.empty() && record.came_back.empty()) return;
    out += "## Related incidents\n\n";
    for (const auto& link : record.linked)
        out += "- " +
               (link.label.empty() ? std::string("A private incident")
                                   : link.label + ": " + inline_text(defuse_crowd_mentions(link.title))) +
               " (linked by " + user(name_of, link.linked_by) + ")\n";
    for (const auto& back : record.came_back)
        out +=
            "- 🔁 " + back.node_label +
            (back.past_label.empty() ? std::string(" came back after the fix of a private incident")
                                     : " came back after " + back.fixed_by + " of " + back.past_label +
                                           (back.fixed_by.find(',') == std::string::npos ? " was" : " were") +
                                           " done: it matches " + back.past_node_label + " “" +
                                           inline_text(defuse_crowd_mentions(back.past_text)) + "”") +
            "\n";
    out += "\n";
}

}  // namespace

name_lookup remember_names(name_lookup lookup) {
    auto known = std::make_shared<std::map<std::string, std::string>>();
    return [known, lookup = std::move(lookup)](const std::string& id) {
        auto found = known->find(id);
        if (found != known->end()) return found->second;
        return known->emplace(id, lookup(id)).first->second;
    };
}

std::string markdown_cell(std::string_view text) {
    return escape_inline(text, inline_place::cell);
}

std::string markdown_text(std::string_view text) {
    return inline_text(text);
}

// Inside a quoted label only '"' ends the string, but mermaid scans the whole source first for
// "%%{…}%%" directives and "%%" comments, and decodes "#name;" entities itself: those characters become
// mermaid's own entity codes, which it turns back into text. Line breaks would end the statement.
std::string mermaid_label(std::string_view text) {
    std::string shortened = truncate_utf8(text, 80);
    std::string out;
    out.reserve(shortened.size() + 16);
    for (char c : shortened) {
        switch (c) {
            case '"':
                out += "#quot;";
                break;
            case '<':
                out += "#lt;";
                break;
            case '>':
                out += "#gt;";
                break;
            case '`':
                out += "#96;";
                break;
            case '#':
                out += "#35;";
                break;
            case '%':
                out += "#37;";
                break;
            case '&':
                out += "#38;";
                break;
            case ';':
                out += "#59;";
                break;
            default:
                // Any control character (line breaks, tabs) is a space: the label stays on its line.
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                    out += ' ';
                else
                    out += c;
        }
    }
    return out;
}

namespace {

// A permalink as a Markdown link target: only http(s), and the characters that could end the link or
// break the table cell percent-encoded.
std::string link_target(std::string_view url) {
    if (!url.starts_with("https://") && !url.starts_with("http://")) return {};
    std::string out;
    for (char c : url) {
        switch (c) {
            case '(':
                out += "%28";
                break;
            case ')':
                out += "%29";
                break;
            case '|':
                out += "%7C";
                break;
            case ' ':
                out += "%20";
                break;
            case '<':
                out += "%3C";
                break;
            case '>':
                out += "%3E";
                break;
            case '\n':
            case '\r':
                break;
            default:
                out += c;
        }
    }
    return out;
}

void append_header(std::string& out, const incident_record& record, const name_lookup& name_of) {
    const auto& inc = record.inc;
    out += "# " + inc.label() + ": " + inline_text(defuse_crowd_mentions(inc.title)) + "\n\n";
    out += "| Field | Value |\n| --- | --- |\n";
    out += "| ID | " + inc.label() + " |\n";
    out += "| Title | " + markdown_cell(defuse_crowd_mentions(inc.title)) + " |\n";
    out += "| Severity | " + std::string(to_string(inc.sev)) + " |\n";
    out += "| Status | " + std::string(to_string(inc.status)) + " |\n";
    out += "| Commander | " + user(name_of, inc.commander) + " |\n";
    // Names are [a-z0-9._/-] (label_name); '_' could still make emphasis, so they are escaped as cells.
    auto names = [](const std::vector<std::string>& list) {
        std::string joined;
        for (const auto& name : list) joined += (joined.empty() ? "" : ", ") + markdown_cell(name);
        return joined;
    };
    if (!inc.services.empty()) out += "| Services | " + names(inc.services) + " |\n";
    if (!inc.tags.empty()) out += "| Tags | " + names(inc.tags) + " |\n";
    out += "| Started | " + format_minute(inc.started_at) + " UTC |\n";
    out += "| Detected | " + optional_time(inc.detected_at) + " |\n";
    out += "| Mitigated | " + optional_time(inc.mitigated_at) + " |\n";
    out += "| Resolved | " + optional_time(inc.resolved_at) + " |\n";
    out += "| Time to detect | " + time_to_detect(inc) + " |\n";
    out += "| Time to mitigate | " + duration_between(inc.started_at, inc.mitigated_at) + " |\n";
    out += "| Time to resolve | " + duration_between(inc.started_at, inc.resolved_at) + " |\n\n";
}

void append_paragraph(std::string& out, std::string_view heading, const std::string& text,
                      std::string_view none) {
    out += "## " + std::string(heading) + "\n\n";
    out += text.empty() ? "_" + std::string(none) + "_" : inline_text(defuse_crowd_mentions(text));
    out += "\n\n";
}

void append_participants(std::string& out, const incident_record& record, const name_lookup& name_of) {
    out += "## Participants\n\n";
    std::string names;
    for (const auto& id : record.participants) names += (names.empty() ? "" : ", ") + user(name_of, id);
    out += (names.empty() ? "_Nobody recorded._" : names) + "\n\n";
}

void append_timeline(std::string& out, const incident_record& record, const name_lookup& name_of) {
    const auto& inc = record.inc;
    out += "## Timeline\n\nTimes are UTC; T+ is the offset from the start of the incident.\n";
    std::optional<civil_date> current_day;
    bool any_entry = false;
    for (const auto& entry : record.timeline) {
        if (entry.state != entry_state::live || entry.hidden) continue;
        any_entry = true;
        auto day = date_of(entry.occurred_at);
        if (!current_day || *current_day != day) {
            current_day = day;
            out +=
                "\n### " + format_date(day) + "\n\n| Time | T+ | Who | What |\n| --- | --- | --- | --- |\n";
        }
        std::string what = entry_text_for_document(entry);
        if (auto target = link_target(entry.source.permalink); !target.empty())
            what += " ([link](" + target + "))";
        out += "| " + format_minute(entry.occurred_at).substr(11) + " | " +
               format_offset(inc.started_at, entry.occurred_at) + " | " + entry_author(name_of, entry) +
               " | " + what + " |\n";
    }
    if (!any_entry) out += "\n_No timeline entries._\n";
    out += '\n';
}

// The channel's other messages after everything else: what was said but never marked, for whoever rebuilds
// the story later. Thread replies are shown as such.
void append_transcript(std::string& out, const incident_record& record, const name_lookup& name_of) {
    if (!record.transcript) return;
    if (!out.ends_with("\n\n")) out += '\n';
    out +=
        "## Transcript\n\nThe channel's messages that are not on the timeline, as the bot stored them. "
        "Times are UTC.\n";
    std::optional<civil_date> current_day;
    for (const auto& line : *record.transcript) {
        auto day = date_of(line.at);
        if (!current_day || *current_day != day) {
            current_day = day;
            out +=
                "\n### " + format_date(day) + "\n\n| Time | T+ | Who | What |\n| --- | --- | --- | --- |\n";
        }
        std::string what =
            (line.thread_root.empty() ? "" : "↳ ") + markdown_cell(defuse_crowd_mentions(line.text));
        if (auto target = link_target(line.permalink); !target.empty()) what += " ([link](" + target + "))";
        out += "| " + format_minute(line.at).substr(11) + " | " +
               format_offset(record.inc.started_at, line.at) + " | " + user(name_of, line.author) + " | " +
               what + " |\n";
    }
    if (record.transcript->empty()) out += "\n_No other messages are stored for this channel._\n";
    if (record.transcript_cut)
        out += "\n_The transcript stops at " + std::to_string(record.transcript->size()) + " messages._\n";
    out += '\n';
}

// The entries the team tagged as telling the story (`timeline tag E<n> …`), in time order.
void append_key_moments(std::string& out, const incident_record& record, const name_lookup& name_of) {
    std::string rows;
    for (const auto& entry : record.timeline) {
        if (entry.state != entry_state::live || entry.hidden || entry.tag == entry_tag::none) continue;
        rows += "| " + format_minute(entry.occurred_at) + " | " + std::string(to_string(entry.tag)) + " | " +
                entry_author(name_of, entry) + " | " + entry_text_for_document(entry) + " |\n";
    }
    if (rows.empty()) return;
    out +=
        "## Key moments\n\n| Time (UTC) | Moment | Who | What |\n| --- | --- | --- | --- |\n" + rows + "\n";
}

std::string node_text(const cause_node& node) {
    return node.removed ? std::string("_(removed)_") : inline_text(defuse_crowd_mentions(node.text));
}

// A cause and, indented under it, its own causes; a cause reached twice (a join) is written once and then
// pointed to, so the document stays a list while the map stays a graph.
void append_causes(std::string& out, const causal_map& map, const cause_node& node,
                   const name_lookup& name_of, std::size_t indent, std::set<std::int64_t>& written,
                   int max_whys) {
    for (const auto* cause : map.causes_of(node.id)) {
        out += std::string(indent * 2, ' ') + "- **" + cause->label + "** ";
        if (!written.insert(cause->id).second) {
            out += "(the same cause as above)\n";
            continue;
        }
        out += node_text(*cause) + " (" + user(name_of, cause->author) + ")";
        if (map.is_root_cause(*cause, max_whys)) out += " · root cause";
        if (cause->skipped && map.causes_of(cause->id).empty()) out += " · _not explored_";
        if (map.causes_of(cause->id).empty() && map.asks_about(*cause, max_whys)) out += " · _still open_";
        out += "\n";
        append_causes(out, map, *cause, name_of, indent + 1, written, max_whys);
    }
}

std::string mermaid_id(std::string_view label) {
    std::string id(label);
    for (auto& c : id)
        if (c == '.') c = '_';
    return id;
}

void append_mermaid(std::string& out, const incident_record& record) {
    const auto& map = record.map;
    out += "```mermaid\nflowchart TD\n";
    out += "    I[\"" + mermaid_label(record.inc.label() + ": " + record.inc.title) + "\"]\n";
    for (const auto* node : map.walk())
        out += "    " + mermaid_id(node->label) + "[\"" +
               mermaid_label(node->label + ": " + (node->removed ? std::string("(removed)") : node->text)) +
               "\"]\n";
    for (const auto* f : map.factors()) out += "    I --> " + mermaid_id(f->label) + "\n";
    for (const auto* node : map.walk())
        for (const auto* cause : map.causes_of(node->id))
            out += "    " + mermaid_id(node->label) + " --> " + mermaid_id(cause->label) + "\n";
    out += "```\n\n";
}

void append_factors(std::string& out, const incident_record& record, const name_lookup& name_of,
                    int max_whys) {
    out += "## Contributing factors\n\n";
    const auto& map = record.map;
    if (map.factors().empty()) {
        out += "_No contributing factors recorded._\n\n";
        return;
    }
    std::set<std::int64_t> written;
    for (const auto* f : map.factors()) {
        written.insert(f->id);
        out += "### " + f->label + ": " + node_text(*f) + "\n\n";
        out += "_Given by " + user(name_of, f->author) + "._\n\n";
        if (map.causes_of(f->id).empty()) out += "_No causes recorded yet._\n";
        append_causes(out, map, *f, name_of, 0, written, max_whys);
        out += '\n';
    }
    append_mermaid(out, record);
}

void append_actions(std::string& out, const incident_record& record, const name_lookup& name_of) {
    out += "## Action items\n\n";
    if (record.actions.empty()) {
        out += record.inc.no_action_decided ? "_The review decided that no action is needed._\n"
                                            : "_No action items._\n";
        return;
    }
    if (record.as_of) out += "Status as of " + format_date(*record.as_of) + ".\n\n";
    out += "| ID | Action | Type | Owner | Due | Status |\n| --- | --- | --- | --- | --- | --- |\n";
    for (const auto& a : record.actions) {
        std::string status(to_string(a.status));
        if (is_overdue(a, record.as_of)) status += " · **overdue**";
        if (!a.resolution.empty()) status += ": " + markdown_cell(defuse_crowd_mentions(a.resolution));
        std::string id = a.label();
        if (auto target = link_target(a.issue_url); !target.empty())
            id += " ([" + markdown_cell(issue_reference(a.issue_url)) + "](" + target + "))";
        out += "| " + id + " | " + markdown_cell(defuse_crowd_mentions(a.text)) + " | " +
               std::string(to_string(a.type)) + " | " + user(name_of, a.owner) + " | " + format_date(a.due) +
               " | " + status + " |\n";
    }
}

}  // namespace

bool is_overdue(const action_item& a, const std::optional<civil_date>& as_of) {
    return as_of && a.status == action_status::open &&
           std::chrono::sys_days{a.due} < std::chrono::sys_days{*as_of};
}

std::string render_postmortem_markdown(const incident_record& record, const name_lookup& name_of,
                                       int max_whys) {
    std::string out;
    out.reserve(512 + record.timeline.size() * 120 + record.actions.size() * 100 +
                record.map.nodes().size() * 160);
    append_header(out, record, name_of);
    append_paragraph(out, "Summary", record.inc.summary, "No summary recorded.");
    append_paragraph(out, "Impact", record.inc.impact, "No impact recorded.");
    append_paragraph(out, "Detection", record.inc.detection, "How it was detected was not recorded.");
    append_participants(out, record, name_of);
    append_key_moments(out, record, name_of);
    append_timeline(out, record, name_of);
    append_factors(out, record, name_of, max_whys);
    out += "## Review\n\n";
    append_list(out, "What went well", record.notes, review_list::went_well, name_of);
    append_list(out, "What went wrong", record.notes, review_list::went_wrong, name_of);
    append_list(out, "Where we got lucky", record.notes, review_list::lucky, name_of);
    append_actions(out, record, name_of);
    append_relations(out, record, name_of);
    append_transcript(out, record, name_of);
    return out;
}

namespace {

void write_incident_fields(json_writer& json, const incident_record& record, const name_lookup& name_of) {
    const auto& inc = record.inc;
    auto optional_instant = [&](std::string_view name, const std::optional<timestamp>& t) {
        json.key(name);
        if (t)
            json.value(format_iso(*t));
        else
            json.null();
    };
    json.key("id").value(inc.label());
    json.key("workspace").value(inc.workspace);
    json.key("title").value(inc.title);
    json.key("severity").value(to_string(inc.sev));
    json.key("status").value(to_string(inc.status));
    json.key("commander").value(inc.commander.empty() ? std::string() : name_of(inc.commander));
    for (const auto& [key, list] : {std::pair{"services", &inc.services}, std::pair{"tags", &inc.tags}}) {
        json.key(key).begin_array();
        for (const auto& name : *list) json.value(name);
        json.end_array();
    }
    json.key("started").value(format_iso(inc.started_at));
    optional_instant("detected", inc.detected_at);
    optional_instant("mitigated", inc.mitigated_at);
    optional_instant("resolved", inc.resolved_at);
    optional_instant("reviewed", inc.reviewed_at);
    // Durations from the impact's start, in seconds; detection before impact is negative.
    auto seconds_since_start = [&](const char* key, std::optional<timestamp> t) {
        json.key(key);
        if (t)
            json.value(static_cast<std::int64_t>(
                std::chrono::duration_cast<std::chrono::seconds>(*t - inc.started_at).count()));
        else
            json.null();
    };
    seconds_since_start("time_to_detect_s", inc.detected_at);
    seconds_since_start("time_to_mitigate_s", inc.mitigated_at);
    seconds_since_start("time_to_resolve_s", inc.resolved_at);
    json.key("summary").value(inc.summary);
    json.key("impact").value(inc.impact);
    json.key("detection").value(inc.detection);
    json.key("no_action_decided").value(inc.no_action_decided);
    json.key("participants").begin_array();
    for (const auto& id : record.participants) json.value(name_of(id));
    json.end_array();
}

void write_timeline(json_writer& json, const incident_record& record, const name_lookup& name_of) {
    json.key("timeline").begin_array();
    for (const auto& entry : record.timeline) {
        if (entry.state != entry_state::live || entry.hidden) continue;
        json.begin_object();
        json.key("number").value(static_cast<std::int64_t>(entry.number));
        json.key("at").value(format_iso(entry.occurred_at));
        json.key("offset").value(format_offset(record.inc.started_at, entry.occurred_at));
        json.key("kind").value(to_string(entry.kind));
        json.key("author").value(entry.author.empty() ? std::string() : name_of(entry.author));
        json.key("source").value(entry.source.platform);
        json.key("text").value(entry.text);
        json.key("permalink").value(entry.source.permalink);
        json.key("revisions").value(static_cast<std::int64_t>(entry.revisions.size()));
        json.key("tag").value(to_string(entry.tag));
        json.end_object();
    }
    json.end_array();
}

void write_transcript(json_writer& json, const incident_record& record, const name_lookup& name_of) {
    if (!record.transcript) return;
    json.key("transcript").begin_array();
    for (const auto& line : *record.transcript) {
        json.begin_object();
        json.key("at").value(format_iso(line.at));
        json.key("offset").value(format_offset(record.inc.started_at, line.at));
        json.key("author").value(line.author.empty() ? std::string() : name_of(line.author));
        json.key("text").value(line.text);
        json.key("in_thread").value(!line.thread_root.empty());
        json.key("permalink").value(line.permalink);
        json.end_object();
    }
    json.end_array();
    json.key("transcript_cut").value(record.transcript_cut);
}

void write_map(json_writer& json, const incident_record& record, const name_lookup& name_of, int max_whys) {
    const auto& map = record.map;
    json.key("factors").begin_array();
    for (const auto* f : map.factors()) json.value(f->label);
    json.end_array();
    json.key("causal_map").begin_array();
    for (const auto* node : map.walk()) {
        json.begin_object();
        json.key("id").value(node->label);
        json.key("text").value(node->removed ? std::string() : node->text);
        json.key("author").value(name_of(node->author));
        json.key("removed").value(node->removed);
        json.key("root_cause").value(map.is_root_cause(*node, max_whys));
        json.key("not_explored").value(node->skipped);
        json.key("open").value(map.causes_of(node->id).empty() && map.asks_about(*node, max_whys));
        json.key("causes").begin_array();
        for (const auto* cause : map.causes_of(node->id)) json.value(cause->label);
        json.end_array();
        json.end_object();
    }
    json.end_array();
}

void write_lists_and_actions(json_writer& json, const incident_record& record, const name_lookup& name_of) {
    static constexpr std::array lists{review_list::went_well, review_list::went_wrong, review_list::lucky};
    for (auto list : lists) {
        json.key(list == review_list::went_well    ? "went_well"
                 : list == review_list::went_wrong ? "went_wrong"
                                                   : "lucky")
            .begin_array();
        for (const auto& note : record.notes) {
            if (note.list != list) continue;
            json.begin_object();
            json.key("text").value(note.text);
            json.key("author").value(name_of(note.author));
            json.end_object();
        }
        json.end_array();
    }
    json.key("actions").begin_array();
    for (const auto& a : record.actions) {
        json.begin_object();
        json.key("id").value(a.label());
        json.key("text").value(a.text);
        json.key("type").value(to_string(a.type));
        json.key("owner").value(a.owner.empty() ? std::string() : name_of(a.owner));
        json.key("created_by").value(a.created_by.empty() ? std::string() : name_of(a.created_by));
        json.key("due").value(format_date(a.due));
        json.key("status").value(to_string(a.status));
        json.key("overdue").value(is_overdue(a, record.as_of));
        json.key("resolution").value(a.resolution);
        json.key("issue").value(a.issue_url);
        json.end_object();
    }
    json.end_array();
}

void write_relations(json_writer& json, const incident_record& record, const name_lookup& name_of) {
    json.key("linked").begin_array();
    for (const auto& link : record.linked) {
        json.begin_object().key("id").value(link.label.empty() ? "private" : link.label);
        json.key("title").value(link.title).key("linked_by").value(name_of(link.linked_by)).end_object();
    }
    json.end_array().key("came_back").begin_array();
    for (const auto& back : record.came_back) {
        json.begin_object().key("node").value(back.node_label);
        json.key("past_incident").value(back.past_label.empty() ? "private" : back.past_label);
        json.key("past_node").value(back.past_node_label).key("past_text").value(back.past_text);
        json.key("fixed_by").value(back.fixed_by).end_object();
    }
    json.end_array();
}

}  // namespace

std::string render_postmortem_json(const incident_record& record, const name_lookup& name_of, int max_whys) {
    json_writer json;
    json.reserve(1024 + record.timeline.size() * 320 + record.map.nodes().size() * 200 +
                 record.actions.size() * 260);
    json.begin_object();
    write_incident_fields(json, record, name_of);
    if (record.as_of) json.key("as_of").value(format_date(*record.as_of));
    write_timeline(json, record, name_of);
    write_map(json, record, name_of, max_whys);
    write_lists_and_actions(json, record, name_of);
    write_relations(json, record, name_of);
    write_transcript(json, record, name_of);
    json.end_object();
    json.raw("\n");
    return json.take();
}

}  // namespace hindsight::domain
