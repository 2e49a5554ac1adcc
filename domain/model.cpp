#include "domain/model.hpp"

#include <array>
#include <cctype>
#include <utility>

#include "domain/text.hpp"

namespace hindsight::domain {
namespace {

template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view text) {
    auto lowered = ascii_lower(text);
    for (const auto& [value, name] : table)
        if (name == lowered) return value;
    return std::nullopt;
}

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
    for (const auto& [candidate, name] : table)
        if (candidate == value) return name;
    return "unknown";
}

constexpr std::array<std::pair<severity, std::string_view>, 4> severity_names{
    {{severity::sev1, "sev1"}, {severity::sev2, "sev2"}, {severity::sev3, "sev3"}, {severity::sev4, "sev4"}}};
constexpr std::array<std::pair<incident_status, std::string_view>, 4> status_names{
    {{incident_status::active, "active"},
     {incident_status::mitigated, "mitigated"},
     {incident_status::resolved, "resolved"},
     {incident_status::reviewed, "reviewed"}}};
constexpr std::array<std::pair<entry_kind, std::string_view>, 4> kind_names{{{entry_kind::message, "message"},
                                                                             {entry_kind::note, "note"},
                                                                             {entry_kind::event, "event"},
                                                                             {entry_kind::alert, "alert"}}};
constexpr std::array<std::pair<entry_state, std::string_view>, 3> state_names{
    {{entry_state::live, "live"}, {entry_state::deleted, "deleted"}, {entry_state::unmarked, "unmarked"}}};
constexpr std::array<std::pair<action_type, std::string_view>, 6> type_names{
    {{action_type::detection, "detection"},
     {action_type::playbook, "playbook"},
     {action_type::tooling, "tooling"},
     {action_type::training, "training"},
     {action_type::process, "process"},
     {action_type::other, "other"}}};
constexpr std::array<std::pair<action_status, std::string_view>, 3> action_status_names{
    {{action_status::open, "open"}, {action_status::done, "done"}, {action_status::wontdo, "wontdo"}}};
constexpr std::array<std::pair<review_list, std::string_view>, 3> list_names{
    {{review_list::went_well, "went-well"},
     {review_list::went_wrong, "went-wrong"},
     {review_list::lucky, "lucky"}}};
constexpr std::array<std::pair<review_stage, std::string_view>, 9> stage_names{
    {{review_stage::none, ""},
     {review_stage::recap, "recap"},
     {review_stage::factors, "factors"},
     {review_stage::causes, "causes"},
     {review_stage::went_well, "went-well"},
     {review_stage::went_wrong, "went-wrong"},
     {review_stage::lucky, "lucky"},
     {review_stage::actions, "actions"},
     {review_stage::summary, "summary"}}};

}  // namespace

std::string_view to_string(severity s) {
    return name_of(severity_names, s);
}
std::string_view to_string(incident_status s) {
    return name_of(status_names, s);
}
std::string_view to_string(entry_kind k) {
    return name_of(kind_names, k);
}
std::string_view to_string(entry_state s) {
    return name_of(state_names, s);
}
std::string_view to_string(action_type t) {
    return name_of(type_names, t);
}
std::string_view to_string(action_status s) {
    return name_of(action_status_names, s);
}
std::string_view to_string(review_list l) {
    return name_of(list_names, l);
}
std::string_view to_string(review_stage s) {
    return name_of(stage_names, s);
}

std::optional<severity> parse_severity(std::string_view text) {
    if (text.size() == 1 && text[0] >= '1' && text[0] <= '4') return static_cast<severity>(text[0] - '0');
    return lookup(severity_names, text);
}
std::optional<incident_status> parse_incident_status(std::string_view text) {
    return lookup(status_names, text);
}
std::optional<entry_kind> parse_entry_kind(std::string_view text) {
    return lookup(kind_names, text);
}
std::optional<entry_state> parse_entry_state(std::string_view text) {
    return lookup(state_names, text);
}
std::optional<action_type> parse_action_type(std::string_view text) {
    return lookup(type_names, text);
}
std::optional<action_status> parse_action_status(std::string_view text) {
    return lookup(action_status_names, text);
}
std::optional<review_list> parse_review_list(std::string_view text) {
    return lookup(list_names, text);
}
std::optional<review_stage> parse_review_stage(std::string_view text) {
    if (text == "impact") return review_stage::recap;
    if (text == "complete") return review_stage::summary;
    return lookup(stage_names, text);
}

std::string_view to_string(entry_tag tag) {
    switch (tag) {
        case entry_tag::none:
            return "";
        case entry_tag::detection:
            return "detection";
        case entry_tag::diagnosis:
            return "diagnosis";
        case entry_tag::repair:
            return "repair";
        case entry_tag::key:
            return "key";
    }
    return "";
}

std::optional<entry_tag> parse_entry_tag(std::string_view text) {
    for (auto tag : {entry_tag::detection, entry_tag::diagnosis, entry_tag::repair, entry_tag::key})
        if (text == to_string(tag)) return tag;
    if (text == "none") return entry_tag::none;
    return std::nullopt;
}

std::optional<std::string> label_name(std::string_view text) {
    if (text.empty() || text.size() > 40 || !std::isalnum(static_cast<unsigned char>(text.front())))
        return std::nullopt;
    std::string out;
    for (char raw : text) {
        auto ch = static_cast<char>(std::tolower(static_cast<unsigned char>(raw)));
        bool allowed = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
                       ch == '-' || ch == '/';
        if (!allowed) return std::nullopt;
        out += ch;
    }
    return out;
}

std::string classification_text(const incident& inc) {
    auto joined = [](const std::vector<std::string>& names) {
        std::string out;
        for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
        return out;
    };
    std::string out;
    if (!inc.services.empty()) out = "Services: " + joined(inc.services);
    if (!inc.tags.empty()) out += (out.empty() ? "" : " · ") + std::string("Tags: ") + joined(inc.tags);
    return out;
}

}  // namespace hindsight::domain
