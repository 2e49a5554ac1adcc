#include <catch2/catch.hpp>

#include "domain/postmortem.hpp"

using namespace hindsight::domain;
using namespace std::chrono;

namespace {

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
    factor f;
    f.position = 1;
    f.text = "The deploy had no canary";
    f.whys = {{1, "The pipeline skips canaries for config \"only\" changes", "bob"},
              {2, "Config changes were thought safe", "alice"}};
    r.factors.push_back(f);
    r.notes = {{review_list::went_well, "Rollback took 3 minutes", "alice"},
               {review_list::lucky, "It happened at night", "bob"}};
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
    CHECK(md.find("1. **Why?** The pipeline skips canaries") != std::string::npos);
    CHECK(md.find("```mermaid\nflowchart TD\n") != std::string::npos);
    CHECK(md.find("F1W2[\"Why 2: Config changes were thought safe\"]") != std::string::npos);
    CHECK(md.find("F1W1 --> F1W2") != std::string::npos);
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
    CHECK(json.find("\"text\": \"The pipeline skips canaries for config \\\"only\\\" changes\"") ==
          std::string::npos);
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
