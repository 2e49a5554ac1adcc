#include "domain/postmortem.hpp"

#include <array>
#include <map>
#include <memory>

#include "domain/json_writer.hpp"
#include "domain/text.hpp"

namespace hindsight::domain {
namespace {

std::string user(const name_lookup& name_of, const std::string& id) {
    if (id.empty()) return "—";
    return "@" + name_of(id);
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

// User text as inline Markdown that renders as exactly that text: it stays on its line (a break is <br>),
// cannot start a block, open HTML or an autolink, make a link or image, emphasis or strike-through, or
// escape the character after it. Code spans the user closed stay code spans, so `code` reads as typed.
std::string escape_inline(std::string_view raw, inline_place place) {
    std::string text = normalized(raw);
    std::string_view s = text;
    std::string out;
    out.reserve(s.size() + s.size() / 8 + 8);
    std::size_t pos = 0;
    if (place == inline_place::text && !s.empty()) {
        // At the start of a paragraph or list item these begin a heading, a list, a thematic break or a
        // setext underline; the others that can (*, _, >, <, [, ~, `) are escaped wherever they stand.
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
    }
    while (pos < s.size()) {
        char c = s[pos];
        if (c == '`') {
            std::size_t run = backtick_run(s, pos);
            std::size_t close = code_span_close(s, pos + run, run);
            if (close == std::string_view::npos) {
                // Unmatched backticks are literal, and escaped so that they can neither open a fence nor
                // pair with a backtick that follows the user text.
                for (std::size_t i = 0; i < run; ++i) out += "\\`";
                pos += run;
                continue;
            }
            // Inside a code span nothing is markup, but a line break would still end the line and a pipe
            // the cell (GitHub splits cells before it parses code spans, and drops the backslash).
            out.append(run, '`');
            for (char inner : s.substr(pos + run, close - pos - run)) {
                if (inner == '\n')
                    out += ' ';
                else if (inner == '|' && place == inline_place::cell)
                    out += "\\|";
                else
                    out += inner;
            }
            out.append(run, '`');
            pos = close + run;
            continue;
        }
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
        ++pos;
    }
    return out;
}

// Headings, paragraphs and list items: inline text that must not change the document's structure.
std::string markdown_text(std::string_view text) {
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
        out += "- " + markdown_text(defuse_crowd_mentions(note.text)) + " (" + user(name_of, note.author) +
               ")\n";
    }
    if (!any) out += "_Nothing recorded._\n";
    out += '\n';
}

std::string entry_text_for_document(const timeline_entry& entry) {
    std::string text = markdown_cell(defuse_crowd_mentions(entry.text));
    if (entry.kind == entry_kind::event) return "_" + text + "_";
    if (entry.kind == entry_kind::note) return "📝 " + text;
    return text;
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

std::string render_postmortem_markdown(const incident_record& record, const name_lookup& name_of) {
    const auto& inc = record.inc;
    std::string out;
    out.reserve(256 + record.timeline.size() * 120 + record.actions.size() * 100);

    out += "# " + inc.label() + ": " + markdown_text(defuse_crowd_mentions(inc.title)) + "\n\n";
    out += "| Field | Value |\n| --- | --- |\n";
    out += "| ID | " + inc.label() + " |\n";
    out += "| Title | " + markdown_cell(defuse_crowd_mentions(inc.title)) + " |\n";
    out += "| Severity | " + std::string(to_string(inc.sev)) + " |\n";
    out += "| Status | " + std::string(to_string(inc.status)) + " |\n";
    out += "| Commander | " + user(name_of, inc.commander) + " |\n";
    out += "| Started | " + format_minute(inc.started_at) + " UTC |\n";
    out += "| Detected | " + optional_time(inc.detected_at) + " |\n";
    out += "| Mitigated | " + optional_time(inc.mitigated_at) + " |\n";
    out += "| Resolved | " + optional_time(inc.resolved_at) + " |\n";
    out += "| Time to mitigate | " + duration_between(inc.started_at, inc.mitigated_at) + " |\n";
    out += "| Time to resolve | " + duration_between(inc.started_at, inc.resolved_at) + " |\n\n";

    out += "## Summary\n\n" +
           (inc.summary.empty() ? std::string("_No summary recorded._")
                                : markdown_text(defuse_crowd_mentions(inc.summary))) +
           "\n\n";
    out += "## Impact\n\n" +
           (inc.impact.empty() ? std::string("_No impact recorded._")
                               : markdown_text(defuse_crowd_mentions(inc.impact))) +
           "\n\n";

    out += "## Timeline\n\nTimes are UTC; T+ is the offset from the start of the incident.\n";
    std::optional<civil_date> current_day;
    bool any_entry = false;
    for (const auto& entry : record.timeline) {
        if (entry.state != entry_state::live) continue;
        any_entry = true;
        auto day = date_of(entry.occurred_at);
        if (!current_day || *current_day != day) {
            current_day = day;
            out +=
                "\n### " + format_date(day) + "\n\n| Time | T+ | Who | What |\n| --- | --- | --- | --- |\n";
        }
        std::string what = entry_text_for_document(entry);
        if (!entry.source.permalink.empty()) what += " ([link](" + entry.source.permalink + "))";
        out += "| " + format_minute(entry.occurred_at).substr(11) + " | " +
               format_offset(inc.started_at, entry.occurred_at) + " | " + user(name_of, entry.author) +
               " | " + what + " |\n";
    }
    if (!any_entry) out += "\n_No timeline entries._\n";
    out += '\n';

    out += "## Contributing factors\n\n";
    if (record.factors.empty()) out += "_No contributing factors recorded._\n\n";
    for (const auto& f : record.factors) {
        out += "### Factor " + std::to_string(f.position) + ": " +
               markdown_text(defuse_crowd_mentions(f.text)) + "\n\n";
        if (f.whys.empty()) out += "_No whys answered yet._\n";
        for (const auto& why : f.whys)
            out += std::to_string(why.position) + ". **Why?** " +
                   markdown_text(defuse_crowd_mentions(why.text)) + "\n";
        out += '\n';
    }
    if (!record.factors.empty()) {
        out += "```mermaid\nflowchart TD\n";
        out += "    I[\"" + mermaid_label(inc.label() + ": " + inc.title) + "\"]\n";
        for (const auto& f : record.factors) {
            std::string factor_node = "F" + std::to_string(f.position);
            out += "    " + factor_node + "[\"" +
                   mermaid_label("Factor " + std::to_string(f.position) + ": " + f.text) + "\"]\n";
            out += "    I --> " + factor_node + "\n";
            std::string previous = factor_node;
            for (const auto& why : f.whys) {
                std::string why_node = factor_node + "W" + std::to_string(why.position);
                out += "    " + why_node + "[\"" +
                       mermaid_label("Why " + std::to_string(why.position) + ": " + why.text) + "\"]\n";
                out += "    " + previous + " --> " + why_node + "\n";
                previous = why_node;
            }
        }
        out += "```\n\n";
    }

    out += "## Review\n\n";
    append_list(out, "What went well", record.notes, review_list::went_well, name_of);
    append_list(out, "What went wrong", record.notes, review_list::went_wrong, name_of);
    append_list(out, "Where we got lucky", record.notes, review_list::lucky, name_of);

    out += "## Action items\n\n";
    if (record.actions.empty()) {
        out += inc.no_action_decided ? "_The review decided that no action is needed._\n"
                                     : "_No action items._\n";
    } else {
        out += "| ID | Action | Type | Owner | Due | Status |\n| --- | --- | --- | --- | --- | --- |\n";
        for (const auto& a : record.actions) {
            std::string status(to_string(a.status));
            if (!a.resolution.empty()) status += ": " + markdown_cell(defuse_crowd_mentions(a.resolution));
            out += "| " + a.label() + " | " + markdown_cell(defuse_crowd_mentions(a.text)) + " | " +
                   std::string(to_string(a.type)) + " | " + user(name_of, a.owner) + " | " +
                   format_date(a.due) + " | " + status + " |\n";
        }
    }
    return out;
}

std::string render_postmortem_json(const incident_record& record, const name_lookup& name_of) {
    const auto& inc = record.inc;
    json_writer json;
    json.reserve(1024 + record.timeline.size() * 320 + record.factors.size() * 600 +
                 record.actions.size() * 260);
    auto optional_instant = [&](std::string_view name, const std::optional<timestamp>& t) {
        json.key(name);
        if (t)
            json.value(format_iso(*t));
        else
            json.null();
    };
    json.begin_object();
    json.key("id").value(inc.label());
    json.key("workspace").value(inc.workspace);
    json.key("title").value(inc.title);
    json.key("severity").value(to_string(inc.sev));
    json.key("status").value(to_string(inc.status));
    json.key("commander").value(inc.commander.empty() ? std::string() : name_of(inc.commander));
    json.key("started").value(format_iso(inc.started_at));
    optional_instant("detected", inc.detected_at);
    optional_instant("mitigated", inc.mitigated_at);
    optional_instant("resolved", inc.resolved_at);
    optional_instant("reviewed", inc.reviewed_at);
    json.key("summary").value(inc.summary);
    json.key("impact").value(inc.impact);
    json.key("no_action_decided").value(inc.no_action_decided);

    json.key("timeline").begin_array();
    for (const auto& entry : record.timeline) {
        if (entry.state != entry_state::live) continue;
        json.begin_object();
        json.key("at").value(format_iso(entry.occurred_at));
        json.key("offset").value(format_offset(inc.started_at, entry.occurred_at));
        json.key("kind").value(to_string(entry.kind));
        json.key("author").value(entry.author.empty() ? std::string() : name_of(entry.author));
        json.key("text").value(entry.text);
        json.key("permalink").value(entry.source.permalink);
        json.key("revisions").value(static_cast<std::int64_t>(entry.revisions.size()));
        json.end_object();
    }
    json.end_array();

    json.key("factors").begin_array();
    for (const auto& f : record.factors) {
        json.begin_object();
        json.key("position").value(static_cast<std::int64_t>(f.position));
        json.key("text").value(f.text);
        json.key("whys").begin_array();
        for (const auto& why : f.whys) json.value(why.text);
        json.end_array();
        json.end_object();
    }
    json.end_array();

    static constexpr std::array lists{review_list::went_well, review_list::went_wrong, review_list::lucky};
    for (auto list : lists) {
        json.key(list == review_list::went_well    ? "went_well"
                 : list == review_list::went_wrong ? "went_wrong"
                                                   : "lucky")
            .begin_array();
        for (const auto& note : record.notes)
            if (note.list == list) json.value(note.text);
        json.end_array();
    }

    json.key("actions").begin_array();
    for (const auto& a : record.actions) {
        json.begin_object();
        json.key("id").value(a.label());
        json.key("text").value(a.text);
        json.key("type").value(to_string(a.type));
        json.key("owner").value(a.owner.empty() ? std::string() : name_of(a.owner));
        json.key("due").value(format_date(a.due));
        json.key("status").value(to_string(a.status));
        json.key("resolution").value(a.resolution);
        json.end_object();
    }
    json.end_array();
    json.end_object();
    json.raw("\n");
    return json.take();
}

}  // namespace hindsight::domain
