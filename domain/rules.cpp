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

int current_factor(const std::vector<factor>& factors, int max_whys) {
    for (int i = static_cast<int>(factors.size()) - 1; i >= 0; --i) {
        const auto& f = factors[static_cast<std::size_t>(i)];
        if (!f.chain_closed && static_cast<int>(f.whys.size()) < max_whys) return i;
    }
    return -1;
}

review_progress assess_review(const std::vector<factor>& factors, std::size_t action_count,
                              bool no_action_decided, int max_whys) {
    review_progress p;
    p.factors = static_cast<int>(factors.size());
    for (const auto& f : factors) {
        if (f.whys.empty()) ++p.factors_without_whys;
        if (!f.chain_closed && static_cast<int>(f.whys.size()) < max_whys) ++p.open_chains;
    }
    p.has_actions_or_decision = action_count > 0 || no_action_decided;
    return p;
}

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
        static constexpr std::array<std::string_view, 96> action_verbs{
            "add",         "adjust",      "alert",    "allow",      "archive",   "audit",    "automate",
            "backfill",    "block",       "build",    "cap",        "change",    "clean",    "configure",
            "consolidate", "create",      "decrease", "define",     "delete",    "deploy",   "deprecate",
            "disable",     "document",    "drain",    "drop",       "enable",    "enforce",  "ensure",
            "escalate",    "expose",      "extend",   "fix",        "gate",      "harden",   "hold",
            "implement",   "improve",     "increase", "instrument", "introduce", "label",    "limit",
            "link",        "log",         "lower",    "make",       "measure",   "merge",    "migrate",
            "monitor",     "move",        "notify",   "page",       "patch",     "pin",      "practice",
            "practise",    "prevent",     "protect",  "provision",  "prune",     "publish",  "raise",
            "record",      "reduce",      "refactor", "reject",     "remove",    "rename",   "replace",
            "require",     "restore",     "retire",   "revert",     "rewrite",   "rotate",   "route",
            "run",         "schedule",    "separate", "set",        "share",     "simplify", "split",
            "standardise", "standardize", "stop",     "switch",     "teach",     "test",     "track",
            "train",       "tune",        "update",   "upgrade",    "validate"};
        auto first = text.substr(0, text.find(' '));
        bool verb_led = std::find(action_verbs.begin(), action_verbs.end(), first) != action_verbs.end() ||
                        first == "write" || first == "verify" || first == "version" || first == "wire";
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

}  // namespace hindsight::domain
