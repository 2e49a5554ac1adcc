#include "domain/rules.hpp"

#include <algorithm>
#include <array>

#include "domain/text.hpp"

namespace hindsight::domain {

result<void> check_status_change(const incident& inc, incident_status to) {
    auto from = inc.status;
    auto refuse = [&](std::string why) { return make_error(errc::conflict, inc.label() + " " + why); };
    switch (to) {
        case incident_status::mitigated:
            if (from == incident_status::active) return {};
            if (from == incident_status::mitigated) return refuse("is already mitigated");
            return refuse("is " + std::string(to_string(from)) +
                          "; only an active incident can be mitigated");
        case incident_status::resolved:
            if (from == incident_status::active || from == incident_status::mitigated) return {};
            return refuse("is already " + std::string(to_string(from)));
        case incident_status::active:
            if (from == incident_status::resolved) return {};
            if (from == incident_status::reviewed)
                return refuse("has been reviewed; start a new incident instead of reopening it");
            return refuse("is still " + std::string(to_string(from)) +
                          "; only a resolved incident can be reopened");
        case incident_status::reviewed:
            if (from == incident_status::resolved) return {};
            return refuse("must be resolved before its review can be completed");
    }
    return refuse("cannot change status");
}

civil_date default_due_date(severity sev, const std::array<int, 4>& days_by_severity, civil_date today) {
    auto index = static_cast<std::size_t>(static_cast<int>(sev) - 1);
    return civil_date{std::chrono::sys_days{today} + std::chrono::days{days_by_severity[index]}};
}

review_progress assess_review(const incident& inc, const causal_map& map, std::size_t action_count,
                              int max_whys) {
    review_progress p;
    p.factors = static_cast<int>(map.factors().size());
    for (const auto* f : map.factors_without_causes()) p.factors_without_causes.push_back(f->label);
    for (const auto* n : map.open_branches(max_whys)) p.open_branches.push_back(n->label);
    p.has_actions_or_decision = action_count > 0 || inc.no_action_decided;
    p.passed_actions = inc.stage == review_stage::summary;
    return p;
}

namespace {

// The imperative verbs action items start with. Missing a common one ("Ping the DBA team") makes the bot
// nag about good wording, so the list is generous; it is sorted for a binary search.
constexpr std::string_view action_verbs[] = {
    "add",       "adjust",      "alert",     "align",        "allow",       "announce",    "archive",
    "ask",       "assign",      "audit",     "automate",     "backfill",    "backport",    "benchmark",
    "block",     "book",        "build",     "bump",         "cache",       "call",        "cap",
    "change",    "clarify",     "clean",     "close",        "collect",     "communicate", "configure",
    "confirm",   "consolidate", "contact",   "convert",      "coordinate",  "copy",        "create",
    "cut",       "debug",       "decide",    "decommission", "decrease",    "define",      "delete",
    "deploy",    "deprecate",   "design",    "detect",       "disable",     "document",    "double",
    "downgrade", "draft",       "drain",     "drop",         "email",       "emit",        "enable",
    "encrypt",   "enforce",     "ensure",    "escalate",     "establish",   "estimate",    "evaluate",
    "expand",    "export",      "expose",    "extend",       "file",        "find",        "finish",
    "fix",       "flag",        "follow",    "gate",         "get",         "give",        "halve",
    "handle",    "harden",      "hire",      "hold",         "identify",    "implement",   "import",
    "improve",   "increase",    "inform",    "install",      "instrument",  "integrate",   "introduce",
    "invite",    "isolate",     "keep",      "kill",         "label",       "launch",      "limit",
    "link",      "list",        "load",      "lock",         "log",         "look",        "lower",
    "make",      "mark",        "measure",   "meet",         "merge",       "message",     "migrate",
    "mirror",    "mitigate",    "monitor",   "move",         "name",        "notify",      "offboard",
    "onboard",   "open",        "order",     "organise",     "organize",    "own",         "page",
    "pair",      "patch",       "pin",       "ping",         "plan",        "point",       "post",
    "practice",  "practise",    "prepare",   "present",      "prevent",     "prioritise",  "prioritize",
    "propose",   "protect",     "provision", "prune",        "publish",     "purge",       "put",
    "raise",     "rate-limit",  "re-enable", "read",         "rebuild",     "record",      "reduce",
    "refactor",  "rehearse",    "reject",    "release",      "remind",      "remove",      "rename",
    "renew",     "replace",     "replicate", "report",       "require",     "rerun",       "reserve",
    "resize",    "restart",     "restore",   "restrict",     "retire",      "retry",       "revert",
    "revoke",    "rewrite",     "roll",      "rotate",       "route",       "run",         "sanitise",
    "sanitize",  "scale",       "schedule",  "script",       "secure",      "send",        "separate",
    "set",       "share",       "ship",      "shorten",      "show",        "shut",        "sign",
    "simplify",  "simulate",    "split",     "standardise",  "standardize", "start",       "stop",
    "store",     "submit",      "subscribe", "suppress",     "switch",      "sync",        "tag",
    "talk",      "teach",       "tell",      "test",         "throttle",    "track",       "train",
    "trigger",   "tune",        "turn",      "unblock",      "unify",       "update",      "upgrade",
    "use",       "validate",    "verify",    "version",      "warn",        "watch",       "wire",
    "write"};

static_assert(std::is_sorted(std::begin(action_verbs), std::end(action_verbs)));

bool starts_with_action_verb(std::string_view text) {
    auto first = text.substr(0, text.find_first_of(" \t\r\n"));
    while (!first.empty() && (first.back() == ':' || first.back() == ',')) first.remove_suffix(1);
    return std::binary_search(std::begin(action_verbs), std::end(action_verbs), first);
}

}  // namespace

std::vector<std::string> action_text_concerns(std::string_view raw) {
    std::vector<std::string> concerns;
    auto text = ascii_lower(trim(raw));
    static constexpr std::array<std::string_view, 9> vague_starts{"look into", "investigate", "think about",
                                                                  "consider",  "check",       "discuss",
                                                                  "explore",   "review",      "maybe"};
    for (auto start : vague_starts) {
        if (text.starts_with(start)) {
            concerns.push_back(
                "'" + std::string(start) +
                "' has no concrete outcome; say what will exist when it is done (e.g. 'Add an alert "
                "on replica lag above 30 s')");
            break;
        }
    }
    std::size_t words = 0;
    bool in_word = false;
    for (char c : text) {
        bool letter = c != ' ' && c != '\t';
        if (letter && !in_word) ++words;
        in_word = letter;
    }
    if (words < 3) concerns.push_back("the action is very short; start with a verb and name the outcome");
    if (concerns.empty()) {
        // A verb-led action names what will change ("Add an alert…"); a noun phrase ("Alerting on lag") reads
        // as a topic, and topics are what action items go stale on.
        bool verb_led = starts_with_action_verb(text);
        if (!verb_led)
            concerns.push_back(
                "it does not start with a verb; say what will be done, e.g. 'Add …', 'Automate …', "
                "'Document …'");
    }
    return concerns;
}

std::string incident_channel_name(std::string_view title, civil_date date, int number) {
    auto day = format_date(date);
    std::erase(day, '-');
    std::string name = "inc-" + day + "-";
    constexpr std::size_t limit = 50;
    std::string slug;
    for (char c : title) {
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a'), alnum = true;
        if (alnum)
            slug += c;
        else if (!slug.empty() && slug.back() != '-')
            slug += '-';  // spaces, punctuation and any UTF-8 byte end a word
        if (name.size() + slug.size() > limit) break;
    }
    slug.resize(std::min(slug.size(), limit - name.size()));
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    return name + (slug.empty() ? std::to_string(number) : slug);
}

result<void> check_key_times(const incident& inc) {
    auto before = [&](std::optional<timestamp> later, std::string_view later_name, timestamp earlier,
                      std::string_view earlier_name) -> result<void> {
        if (later && *later < earlier)
            return make_error(errc::bad_input, std::string(earlier_name) + " (" + format_minute(earlier) +
                                                   " UTC" + ") would come after " + std::string(later_name) +
                                                   " (" + format_minute(*later) + " UTC" +
                                                   "); correct that one first.");
        return {};
    };
    if (auto ok = before(inc.mitigated_at, "mitigated", inc.started_at, "started"); !ok) return ok;
    if (auto ok = before(inc.resolved_at, "resolved", inc.started_at, "started"); !ok) return ok;
    if (inc.mitigated_at)
        if (auto ok = before(inc.resolved_at, "resolved", *inc.mitigated_at, "mitigated"); !ok) return ok;
    if (inc.detected_at)
        if (auto ok = before(inc.resolved_at, "resolved", *inc.detected_at, "detected"); !ok) return ok;
    return {};
}

std::string time_to_detect(const incident& inc) {
    if (!inc.detected_at) return "—";
    if (*inc.detected_at < inc.started_at)
        return format_duration(inc.started_at - *inc.detected_at) + " before impact";
    return format_duration(*inc.detected_at - inc.started_at);
}

}  // namespace hindsight::domain
