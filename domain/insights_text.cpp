// The report's three forms: Markdown with Mermaid charts (what GitHub renders), JSON, and a few chat lines.
#include <algorithm>

#include "domain/insights.hpp"
#include "domain/json_writer.hpp"
#include "domain/postmortem.hpp"
#include "domain/text.hpp"

namespace hindsight::domain {

using std::chrono::days;
using std::chrono::sys_days;

namespace {

constexpr std::array<severity, 4> severities{severity::sev1, severity::sev2, severity::sev3, severity::sev4};

std::string optional_duration(const std::optional<milliseconds>& d) {
    return d ? format_duration(*d) : "—";
}

std::string incident_list(const std::vector<int>& numbers) {
    std::string out;
    std::size_t hidden = 0;
    for (auto n : numbers) {
        if (n == 0) {
            ++hidden;
            continue;
        }
        out += (out.empty() ? "" : ", ") + ("INC-" + std::to_string(n));
    }
    if (hidden) out += (out.empty() ? "" : " ") + ("(+" + std::to_string(hidden) + " private)");
    return out;
}

std::string window_text(const insights& in) {
    auto last_day = date_of(in.until - milliseconds{1});
    return format_date(date_of(in.since)) + " – " + format_date(last_day) +
           (in.service.empty() ? "" : ", service " + in.service);
}

// A pie chart of the non-zero slices; nothing when every slice is zero (mermaid would draw an empty disc).
void append_pie(std::string& out, std::string_view title,
                const std::vector<std::pair<std::string, std::size_t>>& slices) {
    bool any = std::any_of(slices.begin(), slices.end(), [](const auto& s) { return s.second > 0; });
    if (!any) return;
    out += "```mermaid\npie showData title ";
    out += title;
    out += "\n";
    for (const auto& [label, value] : slices)
        if (value > 0) out += "    \"" + mermaid_label(label) + "\" : " + std::to_string(value) + "\n";
    out += "```\n\n";
}

void append_incidents(std::string& out, const insights& in) {
    out += "## Incidents\n\n| Severity | Incidents |\n|---|---|\n";
    std::vector<std::pair<std::string, std::size_t>> slices;
    for (auto s : severities) {
        auto n = in.by_severity[static_cast<std::size_t>(static_cast<int>(s) - 1)];
        out += "| " + std::string(to_string(s)) + " | " + std::to_string(n) + " |\n";
        slices.emplace_back(std::string(to_string(s)), n);
    }
    out += "\n";
    append_pie(out, "Incidents by severity", slices);
    out += "### By service\n\n| Service | Incidents |\n|---|---|\n";
    std::vector<std::pair<std::string, std::size_t>> services;
    std::size_t rest = 0;
    for (const auto& [name, n] : in.by_service) {
        out += "| " + markdown_cell(name) + " | " + std::to_string(n) + " |\n";
        if (services.size() < 8)
            services.emplace_back(name, n);
        else
            rest += n;
    }
    if (in.without_service) out += "| _no service_ | " + std::to_string(in.without_service) + " |\n";
    out += "\n";
    if (rest) services.emplace_back("other services", rest);
    append_pie(out, "Incidents by service", services);
}

std::int64_t whole_minutes(const std::optional<milliseconds>& d) {
    return d ? std::chrono::duration_cast<std::chrono::minutes>(*d).count() : 0;
}

void append_durations(std::string& out, const insights& in) {
    out +=
        "## Time to detect, mitigate and resolve\n\nFrom when impact began; detection before impact counts "
        "as "
        "no time.\n\n| | Incidents | Median | p90 |\n|---|---|---|---|\n";
    const std::array<std::pair<const char*, const duration_figures*>, 3> rows{
        {{"Detect", &in.to_detect}, {"Mitigate", &in.to_mitigate}, {"Resolve", &in.to_resolve}}};
    for (const auto& [name, f] : rows)
        out += std::string("| ") + name + " | " + std::to_string(f->count) + " | " +
               optional_duration(f->median) + " | " + optional_duration(f->p90) + " |\n";
    out += "\n";
    // Mermaid starts the axis at the smallest value unless told, and draws a chart of zeros half high.
    std::int64_t highest = 0;
    for (const auto& row : rows)
        highest = std::max({highest, whole_minutes(row.second->median), whole_minutes(row.second->p90)});
    if (highest == 0) return;
    out +=
        "```mermaid\nxychart-beta\n    title \"Median and p90 (minutes)\"\n"
        "    x-axis [\"detect\", \"mitigate\", \"resolve\"]\n    y-axis \"minutes\" 0 --> " +
        std::to_string(highest) + "\n    bar [";
    for (std::size_t i = 0; i < rows.size(); ++i)
        out += (i ? ", " : "") + std::to_string(whole_minutes(rows[i].second->median));
    out += "]\n    bar [";
    for (std::size_t i = 0; i < rows.size(); ++i)
        out += (i ? ", " : "") + std::to_string(whole_minutes(rows[i].second->p90));
    out += "]\n```\n\n";
}

void append_reviews(std::string& out, const insights& in) {
    out +=
        "## Reviews\n\n| Resolved | Reviewed | Reviewed late | Median days late | Overdue, not reviewed |\n"
        "|---|---|---|---|---|\n| " +
        std::to_string(in.resolved) + " | " + std::to_string(in.reviewed) + " | " +
        std::to_string(in.reviewed_late) + " | " +
        (in.median_days_late ? std::to_string(*in.median_days_late) : "—") + " | " +
        std::to_string(in.review_overdue) + " |\n\n";
}

std::string counts_row(const std::string& what, const action_counts& c) {
    return "| " + what + " | " + std::to_string(c.opened) + " | " + std::to_string(c.done) + " | " +
           std::to_string(c.wontdo) + " | " + std::to_string(c.overdue) + " | " +
           optional_duration(c.median_to_close) + " |\n";
}

constexpr const char* counts_header =
    " | Opened | Done | Won't do | Overdue | Median time to close |\n|---|---|---|---|---|---|\n";

void append_actions(std::string& out, const insights& in, const name_of& name) {
    out += "## Action items\n\nOpened, done and won't-do in the window; overdue on its last day.\n\n| Type";
    out += counts_header;
    out += counts_row("**all**", in.actions);
    for (const auto& [type, c] : in.actions_by_type) out += counts_row(std::string(to_string(type)), c);
    out += "\n";
    append_pie(out, "Action items closed in the window",
               {{"done", in.actions.done}, {"won't do", in.actions.wontdo}});
    out += "### By owner\n\n| Owner";
    out += counts_header;
    for (const auto& [owner, c] : in.actions_by_owner) out += counts_row(markdown_cell("@" + name(owner)), c);
    out += "\n### Won't do, and why\n\n";
    if (in.wontdo_reasons.empty() && in.private_wontdo == 0) out += "_None._\n";
    for (const auto& r : in.wontdo_reasons)
        out += "- A-" + std::to_string(r.action_number) + ": " +
               markdown_text(defuse_crowd_mentions(r.reason.empty() ? "(no reason given)" : r.reason)) + "\n";
    if (in.private_wontdo) out += "- " + plural(in.private_wontdo, "item") + " of private incidents\n";
    out += "\n";
}

void append_learning(std::string& out, const insights& in) {
    out += "## Recurring factors\n\n";
    if (in.recurring_factors.empty()) out += "_No factor was written in two incidents of this window._\n";
    for (const auto& r : in.recurring_factors) {
        auto numbers = r.numbers;
        numbers.insert(numbers.end(), r.private_count, 0);
        out += "- " +
               (r.text.empty() ? std::string("_a factor of private incidents_")
                               : "“" + markdown_cell(defuse_crowd_mentions(r.text)) + "”") +
               " — " + incident_list(numbers) + "\n";
    }
    out += "\n## Came back after its fix\n\n";
    if (in.came_back.empty()) out += "_Nothing came back after its fix._\n";
    for (const auto& c : in.came_back)
        out += "- " + incident_list({c.number}) + ": a factor of " + incident_list({c.past_number}) +
               " came back" +
               (c.fixed_by.empty()
                    ? ""
                    : " after " + c.fixed_by +
                          (c.fixed_by.find(',') == std::string::npos ? " was" : " were") + " done") +
               "\n";
    out += "\n## Related clusters\n\nIncidents joined by `link` and by factors that came back.\n\n";
    if (in.clusters.empty()) out += "_None._\n";
    for (const auto& c : in.clusters) out += "- " + incident_list(c) + "\n";
    out += "\n";
}

}  // namespace

std::string insights_markdown(const insights& in, const name_of& name) {
    std::string out = "# Incident report: " + markdown_cell(window_text(in)) + "\n\n";
    out += plural(in.incidents, "incident") +
           (in.private_incidents ? " (" + std::to_string(in.private_incidents) + " private: counted only)"
                                 : "") +
           " · " + plural(in.actions.opened, "action item") + " opened, " + std::to_string(in.actions.done) +
           " done · " + plural(in.came_back.size(), "factor") + " came back after its fix\n\n";
    append_incidents(out, in);
    append_durations(out, in);
    append_reviews(out, in);
    append_actions(out, in, name);
    append_learning(out, in);
    return out;
}

namespace {

void write_duration(json_writer& w, const char* key, const std::optional<milliseconds>& d) {
    w.key(key);
    if (d)
        w.value(static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(*d).count()));
    else
        w.null();
}

void write_counts(json_writer& w, const action_counts& c) {
    w.key("opened").value(static_cast<std::int64_t>(c.opened));
    w.key("done").value(static_cast<std::int64_t>(c.done));
    w.key("wontdo").value(static_cast<std::int64_t>(c.wontdo));
    w.key("overdue").value(static_cast<std::int64_t>(c.overdue));
    write_duration(w, "median_to_close_s", c.median_to_close);
}

void write_numbers(json_writer& w, const std::vector<int>& numbers) {
    w.begin_array();
    for (auto n : numbers)
        if (n)
            w.value("INC-" + std::to_string(n));
        else
            w.value("private");
    w.end_array();
}

void write_incident_figures(json_writer& w, const insights& in) {
    w.key("incidents").value(static_cast<std::int64_t>(in.incidents));
    w.key("private_incidents").value(static_cast<std::int64_t>(in.private_incidents));
    w.key("by_severity").begin_object();
    for (auto s : severities)
        w.key(to_string(s))
            .value(
                static_cast<std::int64_t>(in.by_severity[static_cast<std::size_t>(static_cast<int>(s) - 1)]));
    w.end_object().key("by_service").begin_object();
    for (const auto& [name, n] : in.by_service) w.key(name).value(static_cast<std::int64_t>(n));
    w.end_object().key("without_service").value(static_cast<std::int64_t>(in.without_service));
    const std::array<std::pair<const char*, const duration_figures*>, 3> rows{
        {{"to_detect", &in.to_detect}, {"to_mitigate", &in.to_mitigate}, {"to_resolve", &in.to_resolve}}};
    for (const auto& [key, f] : rows) {
        w.key(key).begin_object().key("count").value(static_cast<std::int64_t>(f->count));
        write_duration(w, "median_s", f->median);
        write_duration(w, "p90_s", f->p90);
        w.end_object();
    }
    w.key("reviews").begin_object();
    w.key("resolved").value(static_cast<std::int64_t>(in.resolved));
    w.key("reviewed").value(static_cast<std::int64_t>(in.reviewed));
    w.key("reviewed_late").value(static_cast<std::int64_t>(in.reviewed_late));
    w.key("median_days_late");
    if (in.median_days_late)
        w.value(*in.median_days_late);
    else
        w.null();
    w.key("overdue").value(static_cast<std::int64_t>(in.review_overdue)).end_object();
}

void write_action_figures(json_writer& w, const insights& in, const name_of& name) {
    w.key("actions").begin_object();
    write_counts(w, in.actions);
    w.key("by_type").begin_object();
    for (const auto& [type, c] : in.actions_by_type) {
        w.key(to_string(type)).begin_object();
        write_counts(w, c);
        w.end_object();
    }
    w.end_object().key("by_owner").begin_array();
    for (const auto& [owner, c] : in.actions_by_owner) {
        w.begin_object().key("owner").value(name(owner));
        write_counts(w, c);
        w.end_object();
    }
    w.end_array().key("wontdo_reasons").begin_array();
    for (const auto& r : in.wontdo_reasons)
        w.begin_object()
            .key("action")
            .value("A-" + std::to_string(r.action_number))
            .key("reason")
            .value(r.reason)
            .end_object();
    w.end_array().key("private_wontdo").value(static_cast<std::int64_t>(in.private_wontdo)).end_object();
}

void write_learning(json_writer& w, const insights& in) {
    w.key("recurring_factors").begin_array();
    for (const auto& r : in.recurring_factors) {
        w.begin_object().key("text").value(r.text).key("incidents");
        write_numbers(w, r.numbers);
        w.key("private_incidents").value(static_cast<std::int64_t>(r.private_count)).end_object();
    }
    w.end_array().key("came_back").begin_array();
    for (const auto& c : in.came_back) {
        w.begin_object().key("incident");
        write_numbers(w, {c.number});
        w.key("past_incident");
        write_numbers(w, {c.past_number});
        w.key("fixed_by").value(c.fixed_by).end_object();
    }
    w.end_array().key("clusters").begin_array();
    for (const auto& c : in.clusters) write_numbers(w, c);
    w.end_array();
}

}  // namespace

std::string insights_json(const insights& in, const name_of& name) {
    json_writer w;
    w.begin_object();
    w.key("since").value(format_iso(in.since)).key("until").value(format_iso(in.until));
    w.key("service").value(in.service);
    write_incident_figures(w, in);
    write_action_figures(w, in, name);
    write_learning(w, in);
    w.end_object();
    w.raw("\n");
    return w.take();
}

std::string insights_chat(const insights& in, const name_of&) {
    std::string sev;
    for (auto s : severities) {
        auto n = in.by_severity[static_cast<std::size_t>(static_cast<int>(s) - 1)];
        if (n) sev += (sev.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(to_string(s));
    }
    std::string out = "📊 *Insights " + window_text(in) + "*\n• " + plural(in.incidents, "incident") +
                      (sev.empty() ? "" : " (" + sev + ")") +
                      (in.private_incidents ? ", " + std::to_string(in.private_incidents) + " private" : "") +
                      "\n";
    if (!in.by_service.empty()) {
        out += "• Services:";
        for (std::size_t i = 0; i < in.by_service.size() && i < 5; ++i)
            out += std::string(i ? "," : "") + " " + in.by_service[i].first + " " +
                   std::to_string(in.by_service[i].second);
        out += "\n";
    }
    out += "• Time to detect " + optional_duration(in.to_detect.median) + " (p90 " +
           optional_duration(in.to_detect.p90) + "), mitigate " + optional_duration(in.to_mitigate.median) +
           " (p90 " + optional_duration(in.to_mitigate.p90) + "), resolve " +
           optional_duration(in.to_resolve.median) + " (p90 " + optional_duration(in.to_resolve.p90) + ")\n";
    out += "• Reviews: " + std::to_string(in.reviewed) + " of " + std::to_string(in.resolved) + " done, " +
           std::to_string(in.reviewed_late) + " late, " + std::to_string(in.review_overdue) + " overdue\n";
    out += "• Action items: " + std::to_string(in.actions.opened) + " opened, " +
           std::to_string(in.actions.done) + " done, " + std::to_string(in.actions.wontdo) + " won't do, " +
           std::to_string(in.actions.overdue) + " overdue; median time to close " +
           optional_duration(in.actions.median_to_close) + "\n";
    out += "• " + plural(in.recurring_factors.size(), "recurring factor") + ", " +
           plural(in.came_back.size(), "factor") + " came back after its fix\n";
    return out;
}

}  // namespace hindsight::domain
