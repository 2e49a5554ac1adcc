#include <catch2/catch.hpp>

#include "domain/postmortem.hpp"

using namespace hindsight::domain;
using namespace std::chrono;

namespace {

// F1 with a chain of two causes: F1 → F1.1 → F1.1.1.
causal_map sample_map(const std::string& factor_text, const std::string& first_cause) {
    std::vector<cause_node> nodes(3);
    nodes[0] = {1, "F1", 0, 0, factor_text, "alice"};
    nodes[1] = {2, "F1.1", 1, 1, first_cause, "bob"};
    nodes[2] = {3, "F1.1.1", 2, 2, "Config changes were thought safe", "alice"};
    return causal_map(std::move(nodes), {{1, 2}, {2, 3}});
}

incident_record sample() {
    incident_record r;
    r.inc.number = 3;
    r.inc.workspace = "console";
    r.inc.title = "Checkout | latency <script>";
    r.inc.sev = severity::sev2;
    r.inc.status = incident_status::resolved;
    r.inc.commander = "alice";
    r.inc.started_at = *parse_iso("2026-03-01T23:30:00Z");
    r.inc.mitigated_at = r.inc.started_at + minutes{50};
    r.inc.resolved_at = r.inc.started_at + minutes{95};
    r.inc.impact = "Checkout failed for 8% of users";
    auto entry = [&](int minutes_in, entry_kind kind, std::string text,
                     entry_state state = entry_state::live) {
        timeline_entry e;
        e.occurred_at = r.inc.started_at + minutes{minutes_in};
        e.kind = kind;
        e.author = "bob";
        e.text = std::move(text);
        e.state = state;
        r.timeline.push_back(e);
    };
    entry(0, entry_kind::event, "Incident started");
    entry(10, entry_kind::message, "p99 is 4s @channel");
    entry(20, entry_kind::message, "this was deleted", entry_state::deleted);
    entry(45, entry_kind::note, "rolled back to v41");
    r.map = sample_map("The deploy had no canary", "The pipeline skips canaries for config \"only\" changes");
    r.notes = {{0, review_list::went_well, "Rollback took 3 minutes", "alice"},
               {0, review_list::lucky, "It happened at night", "bob"}};
    action_item a;
    a.number = 9;
    a.text = "Add a canary stage for config changes";
    a.owner = "bob";
    a.due = *parse_date("2026-03-13");
    a.type = action_type::tooling;
    r.actions.push_back(a);
    return r;
}

std::string name(const std::string& id) {
    return id;
}

}  // namespace

TEST_CASE("the Markdown postmortem has every section of SPEC §5") {
    auto md = render_postmortem_markdown(sample(), name);
    CHECK(md.starts_with("# INC-3: Checkout | latency &lt;script&gt;\n"));
    CHECK(md.find("| Title | Checkout \\| latency &lt;script&gt; |") != std::string::npos);
    CHECK(md.find("| Severity | sev2 |") != std::string::npos);
    CHECK(md.find("| Commander | @alice |") != std::string::npos);
    CHECK(md.find("| Time to mitigate | 50m |") != std::string::npos);
    CHECK(md.find("| Time to resolve | 1h 35m |") != std::string::npos);
    // Grouped by UTC day, with the offset from the start.
    CHECK(md.find("### 2026-03-01") != std::string::npos);
    CHECK(md.find("### 2026-03-02") != std::string::npos);
    CHECK(md.find("| 23:40 | T+00:10 | @bob | p99 is 4s @\u2060channel |") != std::string::npos);
    CHECK(md.find("| 00:15 | T+00:45 | @bob | 📝 rolled back to v41 |") != std::string::npos);
    CHECK(md.find("this was deleted") == std::string::npos);
    CHECK(md.find("- **F1.1** The pipeline skips canaries") != std::string::npos);
    CHECK(md.find("  - **F1.1.1** Config changes were thought safe (@alice)") != std::string::npos);
    CHECK(md.find("```mermaid\nflowchart TD\n") != std::string::npos);
    CHECK(md.find("F1_1_1[\"F1.1.1: Config changes were thought safe\"]") != std::string::npos);
    CHECK(md.find("F1_1 --> F1_1_1") != std::string::npos);
    CHECK(md.find("#quot;only#quot;") != std::string::npos);
    CHECK(md.find("- Rollback took 3 minutes (@alice)") != std::string::npos);
    CHECK(md.find("| A-9 | Add a canary stage for config changes | tooling | @bob | 2026-03-13 | open |") !=
          std::string::npos);
}

TEST_CASE("the postmortem is deterministic and has a JSON twin") {
    auto r = sample();
    CHECK(render_postmortem_markdown(r, name) == render_postmortem_markdown(r, name));
    auto json = render_postmortem_json(r, name);
    CHECK(json == render_postmortem_json(r, name));
    CHECK(json.find("\"id\": \"INC-3\"") != std::string::npos);
    CHECK(json.find("\"mitigated\": \"2026-03-02T00:20:00Z\"") != std::string::npos);
    CHECK(json.find("\"reviewed\": null") != std::string::npos);
    CHECK(
        json.find(
            "\"id\": \"F1.1\", \"text\": \"The pipeline skips canaries for config \\\"only\\\" changes\"") ==
        std::string::npos);  // pretty-printed: one key a line
    CHECK(json.find("\"causes\": [\n") != std::string::npos);
    CHECK(json.find("\"The pipeline skips canaries for config \\\"only\\\" changes\"") != std::string::npos);
    CHECK(json.find("this was deleted") == std::string::npos);
}

TEST_CASE("an empty incident still renders every heading") {
    incident_record r;
    r.inc.number = 1;
    r.inc.title = "Quiet";
    auto md = render_postmortem_markdown(r, name);
    for (auto heading : {"## Summary", "## Impact", "## Timeline", "## Contributing factors", "## Review",
                         "## Action items", "_No timeline entries._", "_No action items._"})
        CHECK(md.find(heading) != std::string::npos);
    CHECK(md.find("```mermaid") == std::string::npos);
}

TEST_CASE("mermaid labels are escaped and short") {
    CHECK(mermaid_label("a \"b\" <c> `d` #e") == "a #quot;b#quot; #lt;c#gt; #96;d#96; #35;e");
    CHECK(mermaid_label(std::string(200, 'x')).size() < 90);
}

// ---- SPEC §5: user text is inert (tests/render/render_check.sh checks the same with the real renderers)
// ----

namespace {

// The line of the document that holds needle, without its line break.
std::string line_with(const std::string& md, std::string_view needle) {
    auto at = md.find(needle);
    if (at == std::string::npos) return {};
    auto begin = md.rfind('\n', at);
    begin = begin == std::string::npos ? 0 : begin + 1;
    return md.substr(begin, md.find('\n', at) - begin);
}

}  // namespace

TEST_CASE("ordinary text stays readable in the document") {
    auto r = sample();
    r.inc.summary = "See https://example.com/a_b?x=1, run `make test`; it's p99 > 2s on snake_case hosts";
    auto md = render_postmortem_markdown(r, name);
    CHECK(md.find("\n\nSee https://example.com/a_b?x=1, run `make test`; it's p99 &gt; 2s on snake_case "
                  "hosts\n\n") != std::string::npos);
    // A code span the user closed keeps what is in it, markup characters included.
    CHECK(markdown_cell("run `a <b> *c*`") == "run `a <b> *c*`");
}

TEST_CASE("user text cannot break a line, so it cannot start a heading, a fence or a setext heading") {
    auto r = sample();
    r.map = sample_map("no canary\n# Injected\r\n```\rtext\n===", "x");
    r.inc.summary = "first\r\n---";
    auto md = render_postmortem_markdown(r, name);
    CHECK(line_with(md, "### F1:") == "### F1: no canary<br># Injected<br>\\`\\`\\`<br>text<br>===");
    CHECK(md.find("\n\nfirst<br>---\n\n") != std::string::npos);
    CHECK(md.find("\n# Injected") == std::string::npos);
    CHECK(markdown_cell("a\r\nb\rc\nd") == "a<br>b<br>c<br>d");
    CHECK(markdown_cell("  \t padded \n") == "padded");
}

TEST_CASE("user text at the start of a block cannot open a list, a quote, a heading or a fence") {
    auto r = sample();
    auto summary_of = [&](std::string text) {
        r.inc.summary = std::move(text);
        auto md = render_postmortem_markdown(r, name);
        auto begin = md.find("## Summary\n\n") + 12;
        return md.substr(begin, md.find('\n', begin) - begin);
    };
    CHECK(summary_of("- item") == "\\- item");
    CHECK(summary_of("+ item") == "\\+ item");
    CHECK(summary_of("* item") == "\\* item");
    CHECK(summary_of("1. first") == "1\\. first");
    CHECK(summary_of("12) first") == "12\\) first");
    CHECK(summary_of("> quoted") == "&gt; quoted");
    CHECK(summary_of("## heading ##") == "\\## heading \\#\\#");
    CHECK(summary_of("***") == "\\*\\*\\*");
    CHECK(summary_of("___") == "\\_\\_\\_");
    CHECK(summary_of("---") == "\\---");
    CHECK(summary_of("===") == "\\===");
    CHECK(summary_of("```js") == "\\`\\`\\`js");
    CHECK(summary_of("~~~") == "\\~\\~\\~");
    CHECK(summary_of("    indented code") == "indented code");
    CHECK(summary_of("[ref]: javascript:alert(1)") == "\\[ref\\]: javascript:alert(1)");
    r.notes[0].text = "- [ ] nested";
    CHECK(render_postmortem_markdown(r, name).find("\n- \\- \\[ \\] nested (@alice)\n") != std::string::npos);
}

TEST_CASE("user text cannot open HTML, a link or an image") {
    CHECK(markdown_cell("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK(markdown_cell("<javascript:alert(1)>") == "&lt;javascript:alert(1)&gt;");
    CHECK(markdown_cell("[x](javascript:alert(1)) ![i](javascript:x)") ==
          "\\[x\\](javascript:alert(1)) !\\[i\\](javascript:x)");
    auto r = sample();
    r.inc.title = "<img src=x onerror=alert(1)>";
    auto md = render_postmortem_markdown(r, name);
    CHECK(md.starts_with("# INC-3: &lt;img src=x onerror=alert(1)&gt;\n"));
    CHECK(md.find("<img") == std::string::npos);
}

TEST_CASE("user text cannot split a table cell or escape the character after it") {
    CHECK(markdown_cell("a | b") == "a \\| b");
    CHECK(markdown_cell("a \\| b") == "a \\\\\\| b");  // the user's backslash, then the escaped pipe
    CHECK(markdown_cell("ends in \\") == "ends in \\\\");
    CHECK(markdown_cell("`a|b`") == "`a\\|b`");  // GitHub splits cells before it reads code spans
    CHECK(markdown_cell("`unclosed | x") == "\\`unclosed \\| x");
    auto r = sample();
    r.timeline[1].text = "x | y \\";
    auto md = render_postmortem_markdown(r, name);
    CHECK(line_with(md, "| 23:40 |") == "| 23:40 | T+00:10 | @bob | x \\| y \\\\ |");
}

TEST_CASE("user text cannot close the emphasis around it or add its own") {
    CHECK(markdown_cell("done_ **bold** ~~gone~~") == "done\\_ \\*\\*bold\\*\\* \\~\\~gone\\~\\~");
    CHECK(markdown_cell("snake_case_name") == "snake_case_name");
    CHECK(markdown_cell("_leading and trailing_") == "\\_leading and trailing\\_");
    auto r = sample();
    r.timeline[0].text = "Mitigated by @bob: done_ now\\";
    auto md = render_postmortem_markdown(r, name);
    CHECK(md.find("| _Mitigated by @bob: done\\_ now\\\\_ |") != std::string::npos);
}

TEST_CASE("user text cannot leave a mermaid label or inject mermaid") {
    CHECK(mermaid_label("%%{init: {\"theme\":\"dark\"}}%%") ==
          "#37;#37;{init: {#quot;theme#quot;:#quot;dark#quot;}}#37;#37;");
    CHECK(mermaid_label("a\"] --> X[\"b\"]; click X call alert(1)") ==
          "a#quot;] --#gt; X[#quot;b#quot;]#59; click X call alert(1)");
    CHECK(mermaid_label("one\ntwo\r\tthree") == "one two  three");
    CHECK(mermaid_label("#quot; & %% x:::evil") == "#35;quot#59; #38; #37;#37; x:::evil");
    CHECK(mermaid_label("```") == "#96;#96;#96;");
    auto r = sample();
    r.map = sample_map("f", "a\"]\nflowchart LR\n%%{init: {}}%%");
    auto md = render_postmortem_markdown(r, name);
    CHECK(line_with(md, "F1_1[") == "    F1_1[\"F1.1: a#quot;] flowchart LR #37;#37;{init: {}}#37;#37;\"]");
    auto diagram = md.substr(md.find("```mermaid"));
    CHECK(diagram.find("%%") == std::string::npos);
}
