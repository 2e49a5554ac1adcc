#include "bot/alerts/payloads.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "domain/text.hpp"

namespace hindsight::alerts {
namespace {

using nlohmann::json;
constexpr std::size_t max_alerts_per_body = 10000;
// Longer names and values are cut: std::regex recurses per character, and a matcher run over a value of
// megabytes could exhaust the stack before the delivery is even stored.
constexpr std::size_t max_label_name = 256, max_label_value = 4096;

error bad(std::string message) {
    return error{errc::bad_input, std::move(message)};
}

result<json> parse_object(std::string_view body) {
    auto parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded()) return bad("the body is not JSON");
    return parsed;
}

std::string text_value(const json& value) {
    return value.is_string() ? value.get<std::string>() : value.dump();
}

// Labels and annotations: an object of strings (numbers and booleans from generic senders become text).
result<domain::label_set> read_map(const json& parent, const char* key, const std::string& where,
                                   bool required) {
    auto found = parent.find(key);
    if (found == parent.end() || found->is_null()) {
        if (required) return bad(where + "." + key + " is missing");
        return domain::label_set{};
    }
    if (!found->is_object()) return bad(where + "." + key + " must be an object of strings");
    domain::label_set out;
    for (const auto& [name, value] : found->items()) {
        if (value.is_object() || value.is_array())
            return bad(where + "." + key + "." + name + " must be a string");
        out.emplace_back(domain::truncate_utf8(domain::sanitize_utf8(name), max_label_name),
                         domain::truncate_utf8(domain::sanitize_utf8(text_value(value)), max_label_value));
    }
    return domain::make_label_set(std::move(out));
}

std::string string_at(const json& parent, const char* key) {
    auto found = parent.find(key);
    return found != parent.end() && found->is_string() ? domain::sanitize_utf8(found->get<std::string>())
                                                       : std::string();
}

// Go's zero time ("0001-01-01T00:00:00Z", Grafana's endsAt of a firing alert) and anything before 1971 mean
// "not set".
result<std::optional<domain::timestamp>> read_time(const json& parent, const char* key,
                                                   const std::string& where) {
    auto text = string_at(parent, key);
    if (text.empty()) return std::optional<domain::timestamp>{};
    auto at = domain::parse_rfc3339(text);
    if (!at)
        return bad(where + "." + key + " is not an RFC 3339 time ('" + domain::truncate_utf8(text, 40) +
                   "')");
    if (domain::to_millis(*at) < 31536000000LL) return std::optional<domain::timestamp>{};
    return std::optional<domain::timestamp>{*at};
}

result<domain::alert_status> read_status(const json& parent, const std::string& where, bool required) {
    auto status = string_at(parent, "status");
    if (status == "firing") return domain::alert_status::firing;
    if (status == "resolved") return domain::alert_status::resolved;
    if (status.empty() && !required) return domain::alert_status::firing;
    return bad(where + ".status must be \"firing\" or \"resolved\"");
}

// One alert in Alertmanager's shape, which Grafana and generic senders share.
result<domain::alert> read_alert(const json& j, const std::string& where, const std::string& source) {
    if (!j.is_object()) return bad(where + " must be an object");
    domain::alert a;
    a.source = source;
    auto labels = read_map(j, "labels", where, true);
    if (!labels) return labels.failure();
    if (labels->empty()) return bad(where + ".labels is empty: an alert needs at least one label");
    a.labels = std::move(*labels);
    auto annotations = read_map(j, "annotations", where, false);
    if (!annotations) return annotations.failure();
    a.annotations = std::move(*annotations);
    auto status = read_status(j, where, source != "webhook");
    if (!status) return status.failure();
    a.status = *status;
    auto starts = read_time(j, "startsAt", where);
    if (!starts) return starts.failure();
    if (!*starts) return bad(where + ".startsAt is missing");
    a.starts_at = **starts;
    auto ends = read_time(j, "endsAt", where);
    if (!ends) return ends.failure();
    a.ends_at = *ends;
    // The most specific place to look: a panel, then its dashboard, then the rule's source.
    for (const char* key : {"panelURL", "dashboardURL", "generatorURL"})
        if (a.link = string_at(j, key); !a.link.empty()) break;
    a.fingerprint = string_at(j, "fingerprint");
    if (a.fingerprint.empty()) a.fingerprint = domain::fingerprint_of(a.labels);
    return a;
}

result<decoded_alerts> read_alert_list(const json& list, const std::string& where, const std::string& source,
                                       const std::string& group_key) {
    if (!list.is_array()) return bad(where + " must be an array of alerts");
    if (list.size() > max_alerts_per_body)
        return bad(where + " holds " + std::to_string(list.size()) + " alerts; at most " +
                   std::to_string(max_alerts_per_body) + " are taken in one body");
    decoded_alerts out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        auto a = read_alert(list[i], where + "[" + std::to_string(i) + "]", source);
        if (!a) return a.failure();
        a->group_key = group_key;
        out.alerts.push_back(std::move(*a));
    }
    return out;
}

result<decoded_alerts> decode_grouped(std::string_view body, const std::string& source) {
    auto j = parse_object(body);
    if (!j) return j.failure();
    if (!j->is_object()) return bad("the body must be a JSON object with \"alerts\"");
    auto alerts = j->find("alerts");
    if (alerts == j->end()) return bad("the body has no \"alerts\" array");
    return read_alert_list(*alerts, "alerts", source, string_at(*j, "groupKey"));
}

// ---- PagerDuty V3 -----------------------------------------------------------------------------------------

const json& object_at(const json& parent, const char* key) {
    static const json empty = json::object();
    auto found = parent.find(key);
    return found != parent.end() && found->is_object() ? *found : empty;
}

// What one PagerDuty event says, in words for the timeline: "acknowledged by Tenex Engineer".
std::string pagerduty_change(const std::string& type, const json& event, const json& data) {
    auto agent = string_at(object_at(event, "agent"), "summary");
    auto by = agent.empty() ? std::string() : " by " + agent;
    if (type == "incident.triggered") return "triggered";
    if (type == "incident.resolved") return "resolved" + by;
    if (type == "incident.annotated") return "note" + by + ": " + string_at(data, "content");
    if (type == "incident.status_update_published")
        return "status update" + by + ": " + string_at(data, "message");
    if (type == "incident.priority_updated")
        return "priority set to " + string_at(object_at(data, "priority"), "summary") + by;
    auto verb = type.substr(std::string_view("incident.").size());
    std::replace(verb.begin(), verb.end(), '_', ' ');
    std::replace(verb.begin(), verb.end(), '.', ' ');
    return verb + by;
}

result<domain::alert> read_pagerduty_incident(const json& event, const std::string& type) {
    const auto& data = object_at(event, "data");
    // Notes, status updates and responders carry a reference to their incident instead of the incident.
    const auto& incident = data.contains("incident") ? object_at(data, "incident") : data;
    auto occurred = read_time(event, "occurred_at", "event");
    if (!occurred) return occurred.failure();
    if (!*occurred) return bad("event.occurred_at is missing");
    auto incident_id = string_at(incident, "id");
    if (incident_id.empty()) return bad("event.data has no incident id");
    domain::alert a;
    a.source = "pagerduty";
    auto title = string_at(incident, "title");
    if (title.empty()) title = string_at(incident, "summary");
    a.labels = domain::make_label_set({{"alertname", title.empty() ? incident_id : title},
                                       {"service", string_at(object_at(data, "service"), "summary")},
                                       {"severity", string_at(data, "urgency")},
                                       {"incident", incident_id},
                                       {"event_type", type}});
    std::erase_if(a.labels, [](const auto& label) { return label.second.empty(); });
    a.annotations = {{"summary", pagerduty_change(type, event, data)}};
    a.link = string_at(incident, "html_url");
    a.status = type == "incident.resolved" ? domain::alert_status::resolved : domain::alert_status::firing;
    // Triggered and resolved are the two facts of one instance; every other event is a fact of its own.
    bool lifecycle = type == "incident.triggered" || type == "incident.resolved";
    // A reopened incident is a new instance: its second resolve must not look like the first one's re-send.
    auto reopened = read_time(data, "reopened_at", "event.data");
    auto created = reopened && *reopened ? reopened : read_time(data, "created_at", "event.data");
    a.starts_at = lifecycle && created && *created ? **created : **occurred;
    if (a.status == domain::alert_status::resolved) a.ends_at = **occurred;
    a.fingerprint = lifecycle ? incident_id : incident_id + "/" + string_at(event, "id");
    return a;
}

}  // namespace

result<decoded_alerts> decode_pagerduty(std::string_view body) {
    auto j = parse_object(body);
    if (!j) return j.failure();
    if (!j->is_object() || !j->contains("event") || !(*j)["event"].is_object())
        return bad("the body has no \"event\" object (a PagerDuty V3 webhook)");
    const auto& event = (*j)["event"];
    auto type = string_at(event, "event_type");
    if (type.empty()) return bad("event.event_type is missing");
    decoded_alerts out;
    // Services, pings (pagey.ping) and event types added later are acknowledged and left out.
    if (!type.starts_with("incident.") || string_at(event, "resource_type") != "incident") {
        out.ignored = type;
        return out;
    }
    auto a = read_pagerduty_incident(event, type);
    if (!a) return a.failure();
    out.alerts.push_back(std::move(*a));
    return out;
}

result<decoded_alerts> decode_alertmanager(std::string_view body) {
    return decode_grouped(body, "alertmanager");
}

result<decoded_alerts> decode_grafana(std::string_view body) {
    return decode_grouped(body, "grafana");
}

result<decoded_alerts> decode_standard_webhook(std::string_view body) {
    auto j = parse_object(body);
    if (!j) return j.failure();
    // {"type": …, "timestamp": …, "data": …} is the envelope the Standard Webhooks spec recommends.
    const json* payload = &*j;
    if (j->is_object() && !j->contains("labels") && j->contains("data")) payload = &(*j)["data"];
    if (payload->is_array()) return read_alert_list(*payload, "alerts", "webhook", "");
    auto one = read_alert(*payload, "alert", "webhook");
    if (!one) return one.failure();
    decoded_alerts out;
    out.alerts.push_back(std::move(*one));
    return out;
}

namespace {

result<domain::label_matcher> read_silence_matcher(const json& m, const std::string& where) {
    if (!m.is_object() || !m.contains("name") || !m.contains("value"))
        return bad(where + " needs a name and a value");
    auto flag = [&m](const char* key, bool absent) {
        auto found = m.find(key);
        return found != m.end() && found->is_boolean() ? found->get<bool>() : absent;
    };
    bool regex = flag("isRegex", false), equal = flag("isEqual", true);
    using op = domain::label_matcher::op;
    auto kind = regex ? (equal ? op::regex : op::not_regex) : (equal ? op::equal : op::not_equal);
    auto made = domain::make_matcher(string_at(m, "name"), kind, string_at(m, "value"));
    if (!made) return bad(where + ": " + made.failure().message);
    return made;
}

result<domain::silence> read_silence(const json& j, const std::string& where) {
    if (!j.is_object()) return bad(where + " must be an object");
    domain::silence s;
    s.id = string_at(j, "id");
    if (s.id.empty()) return bad(where + ".id is missing");
    auto starts = read_time(j, "startsAt", where);
    auto ends = read_time(j, "endsAt", where);
    if (!starts || !ends || !*starts || !*ends) return bad(where + " needs startsAt and endsAt");
    s.starts_at = **starts;
    s.ends_at = **ends;
    s.created_by = string_at(j, "createdBy");
    s.comment = string_at(j, "comment");
    auto matchers = j.find("matchers");
    if (matchers == j.end() || !matchers->is_array()) return bad(where + ".matchers must be an array");
    for (std::size_t i = 0; i < matchers->size(); ++i) {
        auto m = read_silence_matcher((*matchers)[i], where + ".matchers[" + std::to_string(i) + "]");
        if (!m) return m.failure();
        s.matchers.push_back(std::move(*m));
    }
    return s;
}

}  // namespace

result<decoded_silences> decode_silences(std::string_view body) {
    auto j = parse_object(body);
    if (!j) return j.failure();
    if (!j->is_array()) return bad("the silences must be a JSON array");
    decoded_silences out;
    for (std::size_t i = 0; i < j->size(); ++i) {
        auto s = read_silence((*j)[i], "silences[" + std::to_string(i) + "]");
        // One silence hindsight cannot read (an RE2-only regex such as (?i)…) must not hide the others.
        if (!s)
            out.skipped.push_back(s.failure().message);
        else
            out.silences.push_back(std::move(*s));
    }
    return out;
}

}  // namespace hindsight::alerts
