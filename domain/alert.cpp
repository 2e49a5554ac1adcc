#include "domain/alert.hpp"

#include <algorithm>
#include <cstdio>

#include "domain/text.hpp"

namespace hindsight::domain {

std::string_view value_of(const label_set& labels, std::string_view name) {
    auto found = std::lower_bound(labels.begin(), labels.end(), name,
                                  [](const auto& pair, std::string_view key) { return pair.first < key; });
    if (found == labels.end() || found->first != name) return {};
    return found->second;
}

label_set make_label_set(label_set pairs) {
    std::stable_sort(pairs.begin(), pairs.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    pairs.erase(std::unique(pairs.begin(), pairs.end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }),
                pairs.end());
    return pairs;
}

std::string_view to_string(alert_status s) {
    return s == alert_status::firing ? "firing" : "resolved";
}

std::string_view alert::summary() const {
    if (auto s = value_of(annotations, "summary"); !s.empty()) return s;
    if (auto d = value_of(annotations, "description"); !d.empty()) return d;
    if (auto t = value_of(annotations, "title"); !t.empty()) return t;
    return name();
}

bool alert::is_change() const {
    auto event_type = value_of(labels, "event_type");
    return !event_type.empty() && !event_type.ends_with(".triggered") && !event_type.ends_with(".resolved");
}

std::string alert_identity(const alert& a) {
    return a.source + ":" + a.fingerprint + ":" + std::to_string(to_millis(a.starts_at));
}

std::string fingerprint_of(const label_set& labels) {
    // FNV-1a over name and value with separators that cannot appear in UTF-8: the same label set always gives
    // the same fingerprint, as Alertmanager's does.
    std::uint64_t hash = 14695981039346656037ULL;
    auto feed = [&hash](std::string_view bytes) {
        for (unsigned char c : bytes) {
            hash ^= c;
            hash *= 1099511628211ULL;
        }
        hash ^= 0xff;
        hash *= 1099511628211ULL;
    };
    for (const auto& [name, value] : labels) {
        feed(name);
        feed(value);
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return hex;
}

std::string describe_alert(const alert& a) {
    constexpr std::size_t shown_labels = 6;
    std::string name = a.name().empty() ? std::string("alert") : std::string(a.name());
    // An event about an incident elsewhere (PagerDuty: acknowledged, escalated, a note) is neither firing nor
    // resolved: it says what happened.
    bool lifecycle = !a.is_change();
    std::string text = !lifecycle ? "📟 " : a.status == alert_status::firing ? "🔥 " : "✅ ";
    text += truncate_utf8(name, 120);
    if (lifecycle) text += a.status == alert_status::firing ? " firing" : " resolved";
    if (auto summary = a.summary(); !summary.empty() && summary != a.name())
        text += ": " + truncate_utf8(trim(summary), 300);
    std::string labels;
    std::size_t shown = 0;
    for (const auto& [key, value] : a.labels) {
        if (key == "alertname") continue;
        if (shown == shown_labels) {
            labels += ", …";
            break;
        }
        labels += (shown++ ? ", " : "") + key + "=" + truncate_utf8(value, 60);
    }
    if (!labels.empty()) text += " (" + labels + ")";
    // Labels and annotations come from whoever can reach the alerting pipeline: never a crowd ping.
    return defuse_crowd_mentions(sanitize_utf8(text));
}

// ---- Matchers --------------------------------------------------------------------------------------------

bool label_matcher::matches(const label_set& labels) const {
    std::string actual(value_of(labels, name));  // a missing label matches as ""
    switch (kind) {
        case op::equal:
            return actual == value;
        case op::not_equal:
            return actual != value;
        case op::regex:
            return std::regex_match(actual, pattern);
        case op::not_regex:
            return !std::regex_match(actual, pattern);
    }
    return false;
}

bool matches_all(const std::vector<label_matcher>& matchers, const label_set& labels) {
    return std::all_of(matchers.begin(), matchers.end(),
                       [&labels](const label_matcher& m) { return m.matches(labels); });
}

result<label_matcher> make_matcher(std::string name, label_matcher::op kind, std::string value) {
    if (name.empty()) return make_error(errc::bad_input, "a matcher needs a label name");
    label_matcher m;
    m.name = std::move(name);
    m.kind = kind;
    m.value = std::move(value);
    if (kind == label_matcher::op::regex || kind == label_matcher::op::not_regex) {
        try {
            // Anchored as Alertmanager anchors its RE2 patterns: the whole value must match.
            m.pattern = std::regex("^(?:" + m.value + ")$", std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
            return make_error(errc::bad_input, "the regex for " + m.name + " is not valid: " + e.what());
        }
    }
    return m;
}

namespace {

// A cursor over the matcher text; every failure names where and what.
struct matcher_reader {
    std::string_view text;
    std::size_t at = 0;

    void skip_spaces() {
        while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
    }
    bool done() const { return at >= text.size(); }
    char peek() const { return done() ? '\0' : text[at]; }

    result<std::string> quoted() {
        ++at;  // the opening quote
        std::string out;
        while (!done() && text[at] != '"') {
            char c = text[at++];
            if (c == '\\' && !done()) {
                char escaped = text[at++];
                out += escaped == 'n' ? '\n' : escaped;
            } else {
                out += c;
            }
        }
        if (done()) return make_error(errc::bad_input, "a quoted value is not closed");
        ++at;  // the closing quote
        return out;
    }
    std::string bare(std::string_view stops) {
        auto start = at;
        while (!done() && stops.find(text[at]) == std::string_view::npos) ++at;
        return std::string(trim(text.substr(start, at - start)));
    }
    result<label_matcher::op> operation() {
        auto rest = text.substr(at);
        using op = label_matcher::op;
        for (auto [spelling, kind] : {std::pair{"=~", op::regex}, std::pair{"!~", op::not_regex},
                                      std::pair{"!=", op::not_equal}, std::pair{"=", op::equal}}) {
            if (rest.starts_with(spelling)) {
                at += std::string_view(spelling).size();
                return kind;
            }
        }
        return make_error(errc::bad_input, "expected =, !=, =~ or !~ after the label name");
    }
    result<label_matcher> one() {
        skip_spaces();
        auto name = peek() == '"' ? quoted() : result<std::string>(bare("=!~,}"));
        if (!name) return name.failure();
        skip_spaces();
        auto kind = operation();
        if (!kind) return make_error(errc::bad_input, kind.failure().message + " in '" + *name + "'");
        skip_spaces();
        auto value = peek() == '"' ? quoted() : result<std::string>(bare(", \t}"));
        if (!value) return value.failure();
        return make_matcher(std::move(*name), *kind, std::move(*value));
    }
};

}  // namespace

result<std::vector<label_matcher>> parse_matchers(std::string_view text) {
    auto body = trim(text);
    if (body.starts_with('{')) {
        if (!body.ends_with('}'))
            return make_error(errc::bad_input, "'" + std::string(text) + "': '{' is not closed with '}'");
        body = trim(body.substr(1, body.size() - 2));
    }
    std::vector<label_matcher> out;
    matcher_reader reader{body};
    while (true) {
        reader.skip_spaces();
        if (reader.done()) break;
        auto m = reader.one();
        if (!m) return make_error(errc::bad_input, "'" + std::string(text) + "': " + m.failure().message);
        out.push_back(std::move(*m));
        reader.skip_spaces();
        if (reader.done()) break;
        if (reader.peek() != ',')
            return make_error(errc::bad_input, "'" + std::string(text) + "': expected ',' between matchers");
        ++reader.at;
    }
    return out;
}

// ---- Silences ---------------------------------------------------------------------------------------------

const alert* silenced_alert(const silence& s, const std::vector<alert>& alerts, timestamp now,
                            std::chrono::milliseconds lookback) {
    if (s.matchers.empty() || s.ends_at < now - lookback || s.starts_at > now) return nullptr;
    for (const auto& a : alerts)
        if (matches_all(s.matchers, a.labels)) return &a;
    return nullptr;
}

std::string describe_silence(const silence& s, const alert& muted) {
    std::string name = muted.name().empty() ? std::string("an alert") : std::string(muted.name());
    std::string text = "🔇 " + truncate_utf8(name, 120) + " was silenced";
    if (!s.created_by.empty()) text += " by " + truncate_utf8(s.created_by, 80);
    text += " from " + format_minute(s.starts_at) + " to " + format_minute(s.ends_at) + " UTC";
    if (auto comment = trim(s.comment); !comment.empty()) text += ": " + truncate_utf8(comment, 300);
    return defuse_crowd_mentions(sanitize_utf8(text));
}

}  // namespace hindsight::domain
