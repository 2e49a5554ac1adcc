// The TOML loader: every key is known, typed and range-checked, and every error names the key and the line.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "config/config.hpp"
#include "domain/alert.hpp"
#include "domain/model.hpp"
#include "domain/time.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wuseless-cast"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wpedantic"
#include <toml++/toml.h>
#pragma GCC diagnostic pop

namespace hindsight::config {
namespace {

constexpr const char* zoneinfo_dir = "/usr/share/zoneinfo/";

struct secret_variable {
    const char* name;
    std::string secrets::*field;
};
const std::array<secret_variable, 17> secret_variables{{
    {"SLACK_BOT_TOKEN", &secrets::slack_bot_token},
    {"SLACK_APP_TOKEN", &secrets::slack_app_token},
    {"SLACK_SIGNING_SECRET", &secrets::slack_signing_secret},
    {"MATTERMOST_URL", &secrets::mattermost_url},
    {"MATTERMOST_TOKEN", &secrets::mattermost_token},
    {"MATTERMOST_COMMAND_TOKEN", &secrets::mattermost_command_token},
    {"ALERTS_TOKEN", &secrets::alerts_token},
    {"GRAFANA_WEBHOOK_SECRET", &secrets::grafana_webhook_secret},
    {"PAGERDUTY_WEBHOOK_SECRET", &secrets::pagerduty_webhook_secret},
    {"ALERTS_WEBHOOK_SECRET", &secrets::alerts_webhook_secret},
    {"ALERTMANAGER_TOKEN", &secrets::alertmanager_token},
    {"GITHUB_TOKEN", &secrets::github_token},
    {"GITHUB_WEBHOOK_SECRET", &secrets::github_webhook_secret},
    {"JIRA_EMAIL", &secrets::jira_email},
    {"JIRA_API_TOKEN", &secrets::jira_api_token},
    {"JIRA_PAT", &secrets::jira_pat},
    {"JIRA_WEBHOOK_SECRET", &secrets::jira_webhook_secret},
}};

bool is_space(char ch) {
    return std::isspace(static_cast<unsigned char>(ch)) != 0;
}
bool is_digit(char ch) {
    return ch >= '0' && ch <= '9';
}
bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

std::string trim_right(std::string text) {
    while (!text.empty() && is_space(text.back())) text.pop_back();
    return text;
}

// The whole content of a regular file, or the reason it cannot be read.
result<std::string> read_whole_file(const std::string& path) {
    std::error_code ignored;
    if (std::filesystem::is_directory(path, ignored))
        return make_error(errc::config_invalid, "is a directory");
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        int code = errno;
        return make_error(errc::config_invalid, code != 0 ? std::strerror(code) : "cannot be opened");
    }
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) return make_error(errc::config_invalid, "cannot be read");
    return content.str();
}

// "" when the variable and its _FILE variant are both unset.
result<std::string> read_secret(const environment_lookup& env, const std::string& name) {
    if (auto value = env(name); value && !value->empty()) return *value;
    const std::string file_variable = name + "_FILE";
    auto file = env(file_variable);
    if (!file || file->empty()) return std::string{};
    auto content = read_whole_file(*file);
    if (!content)
        return make_error(errc::config_invalid,
                          file_variable + ": cannot read " + *file + " (" + content.failure().message + ")");
    auto value = trim_right(std::move(*content));
    if (value.empty()) return make_error(errc::config_invalid, file_variable + ": " + *file + " is empty");
    return value;
}

bool is_loopback_host(std::string host) {
    std::transform(host.begin(), host.end(), host.begin(),
                   [](char ch) { return static_cast<char>(std::tolower(static_cast<unsigned char>(ch))); });
    if (host == "localhost" || host == "[::1]") return true;
    if (!host.starts_with("127.")) return false;
    int dots = 0;
    for (char ch : host) {
        if (ch == '.')
            ++dots;
        else if (!is_digit(ch))
            return false;
    }
    return dots == 3;
}

// A remote base URL: https://, or http:// for a loopback host. Returns the problem, if any.
std::optional<std::string> check_base_url(std::string_view url) {
    const char* rule =
        "must start with https:// (plain http:// only for a loopback address: localhost, "
        "127.0.0.1, [::1])";
    bool tls = url.starts_with("https://");
    if (!tls && !url.starts_with("http://")) return rule;
    std::string_view rest = url.substr(tls ? 8 : 7);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (authority.find('@') != std::string_view::npos) return "must not contain a user name or password";
    std::string_view host, port;
    if (authority.starts_with('[')) {
        auto close = authority.find(']');
        if (close == std::string_view::npos) return "has a malformed IPv6 host (missing ']')";
        host = authority.substr(0, close + 1);
        port = authority.substr(close + 1);
    } else {
        auto colon = authority.find(':');
        host = authority.substr(0, colon);
        port = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon);
    }
    if (host.empty() || host == "[]") return "has no host";
    if (!port.empty()) {
        if (port.front() != ':' || !all_digits(port.substr(1)) || port.size() > 6 ||
            std::stol(std::string(port.substr(1))) > 65535)
            return "has a malformed port";
    }
    if (!tls && !is_loopback_host(std::string(host))) return rule;
    return std::nullopt;
}

std::string without_trailing_slashes(std::string url) {
    while (url.ends_with('/') && !url.ends_with("://")) url.pop_back();
    return url;
}

bool known_time_zone(const std::string& zone) {
    if (zone == "UTC") return true;
    if (zone.empty() || zone.front() == '/' || zone.find("..") != std::string::npos) return false;
    if (!std::all_of(zone.begin(), zone.end(), [](char ch) {
            return std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '_' || ch == '-' ||
                   ch == '+';
        }))
        return false;
    std::ifstream in(std::string(zoneinfo_dir) + zone, std::ios::binary);
    if (!in) return false;
    std::array<char, 4> magic{};
    in.read(magic.data(), static_cast<std::streamsize>(magic.size()));
    return in.gcount() == 4 && std::string_view(magic.data(), magic.size()) == "TZif";  // not zone.tab & co
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string_view leaf_of(std::string_view key) {
    auto dot = key.rfind('.');
    return dot == std::string_view::npos ? key : key.substr(dot + 1);
}

std::string in_quotes(std::string_view text) {
    return "'" + std::string(text) + "'";
}

constexpr std::int64_t int_max = std::numeric_limits<int>::max();

class loader {
public:
    loader(std::string_view source, settings& cfg) : source_(source), cfg_(cfg) { register_keys(); }
    loader(const loader&) = delete;
    loader& operator=(const loader&) = delete;

    void load(const toml::table& root) {
        walk(root, "");
        cross_check(root);
    }

    // Problems that belong to no line (the environment) sort after the file's.
    void fail_without_line(std::string message) {
        problems_.emplace_back(std::numeric_limits<std::uint64_t>::max(), std::move(message));
    }

    std::optional<std::string> report() {
        if (problems_.empty()) return std::nullopt;
        std::stable_sort(problems_.begin(), problems_.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        std::string message;
        for (const auto& [line, text] : problems_) {
            if (!message.empty()) message += '\n';
            message += text;
        }
        return message;
    }

private:
    using handler = std::function<void(const toml::node&, const std::string& key)>;

    void fail(const toml::node& at, std::string message) {
        auto line = at.source().begin.line;
        std::string where(source_);
        if (line > 0) where += ":" + std::to_string(line);
        problems_.emplace_back(line, where + ": " + std::move(message));
    }

    void walk(const toml::table& table, const std::string& prefix) {
        for (auto&& [raw_key, node] : table) {
            const std::string key =
                prefix.empty() ? std::string(raw_key.str()) : prefix + "." + std::string(raw_key.str());
            if (auto found = handlers_.find(key); found != handlers_.end()) {
                found->second(node, key);
            } else if (sections_.count(key)) {
                if (auto* sub = node.as_table())
                    walk(*sub, key);
                else
                    fail(node, key + " must be a table ([" + key + "])");
            } else if (auto secret = secret_message(key)) {
                fail(node, *secret);
            } else {
                fail(node, "unknown key " + in_quotes(key) + suggestion(key));
            }
        }
    }

    // A key that looks like a secret gets told where secrets go (without echoing the value).
    static std::optional<std::string> secret_message(const std::string& key) {
        static const std::map<std::string, std::string, std::less<>> known{
            {"slack.bot_token", "SLACK_BOT_TOKEN"},
            {"slack.token", "SLACK_BOT_TOKEN"},
            {"slack.app_token", "SLACK_APP_TOKEN"},
            {"slack.signing_secret", "SLACK_SIGNING_SECRET"},
            {"mattermost.token", "MATTERMOST_TOKEN"},
            {"mattermost.access_token", "MATTERMOST_TOKEN"},
            {"mattermost.bot_token", "MATTERMOST_TOKEN"},
            {"mattermost.command_token", "MATTERMOST_COMMAND_TOKEN"},
            {"alerts.token", "ALERTS_TOKEN"},
            {"alerts.grafana_secret", "GRAFANA_WEBHOOK_SECRET"},
            {"alerts.pagerduty_secret", "PAGERDUTY_WEBHOOK_SECRET"},
            {"alerts.webhook_secret", "ALERTS_WEBHOOK_SECRET"},
            {"alerts.alertmanager_token", "ALERTMANAGER_TOKEN"},
            {"trackers.github.token", "GITHUB_TOKEN"},
            {"trackers.github.webhook_secret", "GITHUB_WEBHOOK_SECRET"},
            {"trackers.jira.email", "JIRA_EMAIL"},
            {"trackers.jira.token", "JIRA_API_TOKEN"},
            {"trackers.jira.api_token", "JIRA_API_TOKEN"},
            {"trackers.jira.pat", "JIRA_PAT"},
            {"trackers.jira.webhook_secret", "JIRA_WEBHOOK_SECRET"},
        };
        std::string variable;
        if (auto found = known.find(key); found != known.end()) variable = found->second;
        std::string leaf(leaf_of(key));
        for (const auto& secret : secret_variables) {
            std::string lower(secret.name);
            std::transform(lower.begin(), lower.end(), lower.begin(), [](char ch) {
                return static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            });
            if (leaf == lower && lower != "mattermost_url") variable = secret.name;
        }
        if (!variable.empty())
            return key + " is a secret and must not be in the configuration file; set " + variable + " (or " +
                   variable + "_FILE, naming a file that holds it) in the environment";
        if (leaf.find("token") != std::string::npos || leaf.find("secret") != std::string::npos ||
            leaf.find("password") != std::string::npos)
            return "unknown key " + in_quotes(key) +
                   "; secrets are never read from the configuration file: set SLACK_BOT_TOKEN, "
                   "SLACK_APP_TOKEN, "
                   "SLACK_SIGNING_SECRET, MATTERMOST_TOKEN, MATTERMOST_COMMAND_TOKEN (or their *_FILE "
                   "variants) in "
                   "the environment";
        return std::nullopt;
    }

    std::string suggestion(const std::string& key) const {
        const auto leaf = leaf_of(key);
        const std::size_t limit = leaf.size() <= 4 ? 1 : leaf.size() < 10 ? 2 : 3;
        std::string best;
        std::size_t best_distance = limit + 1;
        auto consider = [&](const std::string& candidate) {
            auto distance = edit_distance(key, candidate);
            if (distance < best_distance) best = candidate, best_distance = distance;
        };
        for (const auto& [known, unused] : handlers_) consider(known);
        for (const auto& section : sections_) consider(section);
        if (best.empty())  // the right name in the wrong table: weekly under [capture]
            for (const auto& [known, unused] : handlers_)
                if (leaf_of(known) == leaf) {
                    best = known;
                    break;
                }
        return best.empty() ? std::string{} : " (did you mean " + in_quotes(best) + "?)";
    }

    bool read_string(const toml::node& node, const std::string& key, std::string& out) {
        auto* value = node.as_string();
        if (!value) {
            fail(node, key + " must be a string");
            return false;
        }
        out = value->get();
        return true;
    }

    // A string that must pass `check` (which returns the problem).
    template <class Check>
    void read_checked(const toml::node& node, const std::string& key, std::string& out, Check check) {
        std::string value;
        if (!read_string(node, key, value)) return;
        if (auto problem = check(value)) return fail(node, key + " " + *problem);
        out = std::move(value);
    }

    void read_bool(const toml::node& node, const std::string& key, bool& out) {
        if (auto* value = node.as_boolean())
            out = value->get();
        else
            fail(node, key + " must be true or false");
    }

    bool read_int(const toml::node& node, const std::string& key, std::int64_t& out, std::int64_t low,
                  std::int64_t high) {
        auto* value = node.as_integer();
        if (!value) {
            fail(node, key + " must be a whole number");
            return false;
        }
        if (value->get() < low || value->get() > high) {
            fail(node, key + " must be between " + std::to_string(low) + " and " + std::to_string(high) +
                           " (not " + std::to_string(value->get()) + ")");
            return false;
        }
        out = value->get();
        return true;
    }

    void read_int(const toml::node& node, const std::string& key, int& out, std::int64_t low,
                  std::int64_t high) {
        std::int64_t value = 0;
        if (read_int(node, key, value, low, std::min(high, int_max))) out = static_cast<int>(value);
    }

    // Each element a non-empty string that passes `check`.
    template <class Check>
    void read_strings(const toml::node& node, const std::string& key, std::vector<std::string>& out,
                      Check check) {
        auto* array = node.as_array();
        if (!array) return fail(node, key + " must be an array of strings");
        std::vector<std::string> values;
        for (const auto& item : *array) {
            auto* value = item.as_string();
            if (!value)
                return fail(item.source().begin.line > 0 ? item : node, key + " must be an array of strings");
            if (auto problem = check(value->get()))
                return fail(item.source().begin.line > 0 ? item : node, key + " " + *problem);
            values.push_back(value->get());
        }
        out = std::move(values);
    }

    void read_by_severity(const toml::node& node, const std::string& key, std::array<int, 4>& out,
                          std::int64_t low, std::int64_t high) {
        auto* table = node.as_table();
        if (!table)
            return fail(node,
                        key + " must be a table keyed sev1..sev4, like { sev1 = " + std::to_string(out[0]) +
                            ", sev2 = " + std::to_string(out[1]) + ", sev3 = " + std::to_string(out[2]) +
                            ", sev4 = " + std::to_string(out[3]) + " }");
        for (auto&& [raw_key, value] : *table) {
            const std::string name(raw_key.str());
            const std::string sub = key + "." + name;
            if (name.size() != 4 || !name.starts_with("sev") || name[3] < '1' || name[3] > '4') {
                fail(value, "unknown key " + in_quotes(sub) + " (the keys are sev1, sev2, sev3 and sev4)");
                continue;
            }
            read_int(value, sub, out[static_cast<std::size_t>(name[3] - '1')], low, high);
        }
    }

    static std::optional<std::string> none(const std::string&) { return std::nullopt; }
    static std::optional<std::string> not_empty(const std::string& value) {
        if (value.empty()) return "must not be empty";
        return std::nullopt;
    }

    static std::optional<std::string> emoji_name(const std::string& name) {
        if (name.empty()) return "must not contain an empty name";
        if (name.find(':') != std::string::npos)
            return "holds emoji names without colons (\"pushpin\", not \":pushpin:\")";
        if (std::any_of(name.begin(), name.end(), is_space)) return "holds emoji names without spaces";
        return std::nullopt;
    }

    static std::optional<std::string> weekly_time(const std::string& w) {
        static const std::array<std::string_view, 7> days{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
        bool ok = w.size() == 9 && w[3] == ' ' && w[6] == ':' &&
                  std::find(days.begin(), days.end(), std::string_view(w).substr(0, 3)) != days.end() &&
                  all_digits(std::string_view(w).substr(4, 2)) &&
                  all_digits(std::string_view(w).substr(7, 2)) && std::stoi(w.substr(4, 2)) < 24 &&
                  std::stoi(w.substr(7, 2)) < 60;
        if (ok) return std::nullopt;
        return "must look like \"mon 09:00\" (a weekday mon..sun and a 24-hour time HH:MM)";
    }

    static std::optional<std::string> listen_address(const std::string& listen) {
        const char* rule = "must be host:port, like \"127.0.0.1:8080\", \"0.0.0.0:8080\" or \"[::1]:8080\"";
        auto colon = listen.rfind(':');
        if (colon == std::string::npos || colon == 0) return rule;
        std::string_view host = std::string_view(listen).substr(0, colon);
        std::string_view port = std::string_view(listen).substr(colon + 1);
        if (!all_digits(port) || port.size() > 5 || std::stol(std::string(port)) > 65535) return rule;
        if (host.starts_with('[')) {
            if (!host.ends_with(']') || host.size() < 3) return rule;
        } else if (!std::all_of(host.begin(), host.end(), [](char ch) {
                       return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-';
                   })) {
            return rule;
        }
        return std::nullopt;
    }

    void register_keys() {
        for (const char* section : {"capture", "incidents", "review", "actions", "reminders", "http", "tls",
                                    "storage", "slack", "mattermost", "alerts", "trackers"})
            sections_.insert(section);
        register_alert_keys();
        register_tracker_keys();
        auto& c = cfg_;

        handlers_["time_zone"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(n, k, c.time_zone, [](const std::string& zone) -> std::optional<std::string> {
                if (known_time_zone(zone)) return std::nullopt;
                return in_quotes(zone) + " is not a known IANA time zone (like \"Europe/Berlin\" or \"UTC\")";
            });
        };
        handlers_["log_level"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(n, k, c.log_level, [](const std::string& level) -> std::optional<std::string> {
                static const std::set<std::string> levels{"trace",   "debug", "info",     "warn",
                                                          "warning", "error", "critical", "off"};
                if (levels.count(level)) return std::nullopt;
                return "must be one of trace, debug, info, warn, error, critical, off";
            });
        };

        handlers_["capture.emojis"] = [this, &c](const toml::node& n, const std::string& k) {
            read_strings(n, k, c.capture.emojis, emoji_name);
        };
        handlers_["capture.prefixes"] = [this, &c](const toml::node& n, const std::string& k) {
            read_strings(n, k, c.capture.prefixes,
                         [](const std::string& prefix) -> std::optional<std::string> {
                             if (std::all_of(prefix.begin(), prefix.end(), is_space))
                                 return "must not contain an empty prefix";
                             return std::nullopt;
                         });
        };
        handlers_["capture.confirm_emoji"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(n, k, c.capture.confirm_emoji,
                         [](const std::string& name) -> std::optional<std::string> {
                             if (name.empty()) return "must not be empty";
                             if (auto problem = emoji_name(name))
                                 return "must be an emoji name without colons or spaces";
                             return std::nullopt;
                         });
        };

        handlers_["incidents.create_channel"] = [this, &c](const toml::node& n, const std::string& k) {
            read_bool(n, k, c.incidents.create_channel);
        };
        handlers_["incidents.command"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(
                n, k, c.incidents.command, [](const std::string& word) -> std::optional<std::string> {
                    bool ok = !word.empty() && word.size() <= 32 &&
                              std::all_of(word.begin(), word.end(), [](char ch) {
                                  return (ch >= 'a' && ch <= 'z') || is_digit(ch) || ch == '-' || ch == '_';
                              });
                    if (ok) return std::nullopt;
                    return "must be a lowercase word without the slash (like \"incident\")";
                });
        };
        handlers_["incidents.default_severity"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(n, k, c.incidents.default_severity,
                         [](const std::string& sev) -> std::optional<std::string> {
                             if (sev == "sev1" || sev == "sev2" || sev == "sev3" || sev == "sev4")
                                 return std::nullopt;
                             return "must be sev1, sev2, sev3 or sev4";
                         });
        };

        handlers_["review.max_whys"] = [this, &c](const toml::node& n, const std::string& k) {
            read_int(n, k, c.review.max_whys, 1, 10);
        };
        handlers_["review.timebox"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(n, k, c.review.timebox, [](const std::string& text) -> std::optional<std::string> {
                if (text.empty() || domain::parse_duration(text)) return std::nullopt;
                return "must be a session length like \"45m\" or \"1h\", or \"\" for none";
            });
        };
        handlers_["review.due_business_days"] = [this, &c](const toml::node& n, const std::string& k) {
            read_by_severity(n, k, c.review.due_business_days, 1, 365);
        };
        handlers_["actions.default_due_days"] = [this, &c](const toml::node& n, const std::string& k) {
            read_by_severity(n, k, c.actions.default_due_days, 1, 3650);
        };
        handlers_["actions.max_snooze_days"] = [this, &c](const toml::node& n, const std::string& k) {
            read_int(n, k, c.actions.max_snooze_days, 1, 365);
        };

        handlers_["reminders.weekly"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(n, k, c.reminders.weekly, weekly_time);
        };
        handlers_["reminders.digest_channel"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(n, k, c.reminders.digest_channel, none);
        };
        handlers_["reminders.escalate_after_days"] = [this, &c](const toml::node& n, const std::string& k) {
            read_int(n, k, c.reminders.escalate_after_days, 1, 365);
        };
        handlers_["reminders.status_updates"] = [this, &c](const toml::node& n, const std::string& k) {
            read_bool(n, k, c.reminders.status_updates);
        };
        handlers_["reminders.status_update_minutes"] = [this, &c](const toml::node& n, const std::string& k) {
            read_by_severity(n, k, c.reminders.status_update_minutes, 1, 7 * 24 * 60);
        };

        handlers_["http.listen"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(n, k, c.http.listen, listen_address);
        };
        handlers_["http.tls_cert"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(n, k, c.http.tls_cert, none);
        };
        handlers_["http.tls_key"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(n, k, c.http.tls_key, none);
        };
        handlers_["http.max_body_bytes"] = [this, &c](const toml::node& n, const std::string& k) {
            std::int64_t value = 0;
            if (read_int(n, k, value, 1024, std::int64_t{1} << 30))
                c.http.max_body_bytes = static_cast<std::size_t>(value);
        };

        handlers_["tls.ca_file"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(n, k, c.tls.ca_file, none);
        };
        handlers_["storage.path"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(n, k, c.storage.path, not_empty);
        };

        handlers_["slack.enabled"] = [this, &c](const toml::node& n, const std::string& k) {
            bool on = false;
            read_bool(n, k, on);
            c.slack.enabled = on;
        };
        handlers_["slack.api_url"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(n, k, c.slack.api_url, check_base_url);
            if (!c.slack.api_url.ends_with('/')) c.slack.api_url += '/';
        };
        handlers_["slack.mode"] = [this, &c](const toml::node& n, const std::string& k) {
            std::string mode = std::string(to_string(c.slack.mode));
            read_checked(n, k, mode, [](const std::string& value) -> std::optional<std::string> {
                if (value == "socket" || value == "http") return std::nullopt;
                return "must be \"socket\" (Socket Mode) or \"http\" (Events API)";
            });
            c.slack.mode = mode == "http" ? slack_mode::http : slack_mode::socket;
        };

        handlers_["slack.pacing"] = [this, &c](const toml::node& n, const std::string& k) {
            read_bool(n, k, c.slack.pacing);
        };

        handlers_["mattermost.enabled"] = [this, &c](const toml::node& n, const std::string& k) {
            bool on = false;
            read_bool(n, k, on);
            c.mattermost.enabled = on;
        };
        handlers_["mattermost.url"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(n, k, c.secret.mattermost_url,
                         [](const std::string& url) -> std::optional<std::string> {
                             if (url.empty()) return std::nullopt;
                             return check_base_url(url);
                         });
            c.secret.mattermost_url = without_trailing_slashes(c.secret.mattermost_url);
        };
        handlers_["mattermost.actions_url"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(
                n, k, c.mattermost.actions_url, [](const std::string& url) -> std::optional<std::string> {
                    if (url.empty() || url.starts_with("https://") || url.starts_with("http://127.") ||
                        url.starts_with("http://localhost") || url.starts_with("http://[::1]"))
                        return std::nullopt;
                    return "must be an https:// URL (plain http only to a loopback address), e.g. "
                           "https://hindsight.example.com/mattermost/actions";
                });
        };
        handlers_["mattermost.pacing"] = [this, &c](const toml::node& n, const std::string& k) {
            read_bool(n, k, c.mattermost.pacing);
        };
        handlers_["mattermost.team"] = [this, &c](const toml::node& n, const std::string& k) {
            read_checked(n, k, c.mattermost.team, none);
        };
    }

    void register_alert_keys() {
        auto& a = cfg_.alerts;
        handlers_["alerts.routes"] = [this](const toml::node& n, const std::string& k) { read_routes(n, k); };
        handlers_["alerts.unrouted_channel"] = [this, &a](const toml::node& n, const std::string& k) {
            read_checked(n, k, a.unrouted_channel, none);
        };
        handlers_["alerts.unrouted_workspace"] = [this, &a](const toml::node& n, const std::string& k) {
            read_checked(n, k, a.unrouted_workspace, none);
        };
        handlers_["alerts.alertmanager_url"] = [this, &a](const toml::node& n, const std::string& k) {
            read_checked(n, k, a.alertmanager_url, [](const std::string& url) -> std::optional<std::string> {
                if (url.empty()) return std::nullopt;
                return check_base_url(url);
            });
            a.alertmanager_url = without_trailing_slashes(a.alertmanager_url);
        };
        handlers_["alerts.silence_lookback"] = [this, &a](const toml::node& n, const std::string& k) {
            read_checked(n, k, a.silence_lookback, [](const std::string& text) -> std::optional<std::string> {
                if (domain::parse_duration(text)) return std::nullopt;
                return "must be a duration like \"30d\" or \"72h\"";
            });
        };
        handlers_["alerts.grafana_signature_header"] = [this, &a](const toml::node& n, const std::string& k) {
            read_checked(n, k, a.grafana_signature_header, not_empty);
        };
        handlers_["alerts.max_body_bytes"] = [this, &a](const toml::node& n, const std::string& k) {
            std::int64_t value = 0;
            if (read_int(n, k, value, 1024, std::int64_t{1} << 30))
                a.max_body_bytes = static_cast<std::size_t>(value);
        };
        handlers_["alerts.grafana_timestamp_header"] = [this, &a](const toml::node& n, const std::string& k) {
            read_checked(n, k, a.grafana_timestamp_header, none);
        };
    }

    void register_tracker_keys() {
        sections_.insert("trackers.github");
        auto& t = cfg_.trackers;
        handlers_["trackers.github.repo"] = [this, &t](const toml::node& n, const std::string& k) {
            read_checked(n, k, t.github.repo, [](const std::string& repo) -> std::optional<std::string> {
                if (repo.empty()) return std::nullopt;  // no GitHub tracker
                auto slash = repo.find('/');
                bool ok = slash != std::string::npos && slash > 0 && slash + 1 < repo.size() &&
                          repo.find('/', slash + 1) == std::string::npos &&
                          std::all_of(repo.begin(), repo.end(), [](char ch) {
                              return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' ||
                                     ch == '.' || ch == '/';
                          });
                if (ok) return std::nullopt;
                return "must be owner/name, like \"acme/reliability\"";
            });
        };
        handlers_["trackers.github.api_url"] = [this, &t](const toml::node& n, const std::string& k) {
            read_checked(n, k, t.github.api_url, check_base_url);
            if (!t.github.api_url.ends_with('/')) t.github.api_url += '/';
        };
        handlers_["trackers.github.labels"] = [this, &t](const toml::node& n, const std::string& k) {
            read_strings(n, k, t.github.labels, [](const std::string& label) -> std::optional<std::string> {
                if (label.empty() || label.find(',') != std::string::npos)
                    return "must not contain an empty label or a comma";
                return std::nullopt;
            });
        };
        handlers_["trackers.github.workspace"] = [this, &t](const toml::node& n, const std::string& k) {
            read_checked(n, k, t.github.workspace, none);
        };
        handlers_["trackers.close_issues"] = [this, &t](const toml::node& n, const std::string& k) {
            read_bool(n, k, t.close_issues);
        };
        handlers_["trackers.routes"] = [this](const toml::node& n, const std::string& k) {
            read_tracker_routes(n, k);
        };
        register_jira_keys();
        handlers_["trackers.users"] = [this](const toml::node& n, const std::string& k) {
            read_tracker_users(n, k);
        };
    }

    void register_jira_keys() {
        sections_.insert("trackers.jira");
        auto& j = cfg_.trackers.jira;
        handlers_["trackers.jira.url"] = [this, &j](const toml::node& n, const std::string& k) {
            read_checked(n, k, j.url, [](const std::string& url) -> std::optional<std::string> {
                return url.empty() ? std::nullopt : check_base_url(url);
            });
            if (!j.url.empty() && !j.url.ends_with('/')) j.url += '/';
        };
        handlers_["trackers.jira.flavor"] = [this, &j](const toml::node& n, const std::string& k) {
            std::string flavor;
            read_checked(n, k, flavor, [](const std::string& f) -> std::optional<std::string> {
                if (f == "cloud" || f == "datacenter") return std::nullopt;
                return "must be \"cloud\" (REST v3) or \"datacenter\" (REST v2)";
            });
            if (!flavor.empty()) j.cloud = flavor == "cloud";
        };
        handlers_["trackers.jira.project"] = [this, &j](const toml::node& n, const std::string& k) {
            read_checked(n, k, j.project, [](const std::string& key) -> std::optional<std::string> {
                auto upper = [](char ch) { return std::isupper(static_cast<unsigned char>(ch)) != 0; };
                bool plain = std::all_of(key.begin(), key.end(), [&](char ch) {
                    return upper(ch) || std::isdigit(static_cast<unsigned char>(ch)) || ch == '_';
                });
                if (key.empty() || (plain && upper(key.front()))) return std::nullopt;  // "": no Jira
                return "must be a project key like \"OPS\" (upper case, as Jira writes it)";
            });
        };
        handlers_["trackers.jira.issue_type"] = [this, &j](const toml::node& n, const std::string& k) {
            read_checked(n, k, j.issue_type, not_empty);
        };
        handlers_["trackers.jira.labels"] = [this, &j](const toml::node& n, const std::string& k) {
            read_strings(n, k, j.labels, [](const std::string& label) -> std::optional<std::string> {
                if (label.empty() || label.find_first_of(" \t,") != std::string::npos)
                    return "must not contain an empty label, a space or a comma (Jira labels have none)";
                return std::nullopt;
            });
        };
        handlers_["trackers.jira.wontdo_resolutions"] = [this, &j](const toml::node& n,
                                                                   const std::string& k) {
            read_strings(n, k, j.wontdo_resolutions,
                         [](const std::string& name) -> std::optional<std::string> {
                             if (name.empty()) return "must not contain an empty resolution";
                             return std::nullopt;
                         });
        };
    }

    // [[trackers.routes]]: every condition of a route must hold; the first that does wins.
    void read_tracker_routes(const toml::node& node, const std::string& key) {
        auto* array = node.as_array();
        if (!array || !array->is_array_of_tables())
            return fail(node, key + " must be an array of tables ([[trackers.routes]])");
        auto action_type = [](const std::string& type) -> std::optional<std::string> {
            if (domain::parse_action_type(type)) return std::nullopt;
            return "must hold action types: detection, playbook, tooling, training, process or other";
        };
        for (const auto& item : *array) {
            tracker_route route;
            for (auto&& [raw_key, value] : *item.as_table()) {
                const std::string name(raw_key.str());
                const std::string sub = key + "." + name;
                if (name == "tracker")
                    read_checked(value, sub, route.tracker,
                                 [](const std::string& t) -> std::optional<std::string> {
                                     if (t == "github" || t == "jira") return std::nullopt;
                                     return "must be \"github\" or \"jira\"";
                                 });
                else if (name == "types")
                    read_strings(value, sub, route.types, action_type);
                else if (name == "services")
                    read_strings(value, sub, route.services,
                                 [](const std::string& name) -> std::optional<std::string> {
                                     auto stored = domain::label_name(name);
                                     if (stored && *stored == name) return std::nullopt;
                                     return "must hold service names as hindsight stores them: lower case "
                                            "letters, digits, "
                                            "'.', '_', '-' or '/', at most 40 characters";
                                 });
                else if (name == "private")
                    read_bool(value, sub, route.allow_private);
                else
                    fail(value, "unknown key " + in_quotes(sub) +
                                    " (a route has tracker, types, services and private)");
            }
            cfg_.trackers.routes.push_back(std::move(route));
        }
    }

    // [trackers.users]: "U024BE7LH" = { github = "alice", jira = "5b10ac8d82e05b22cc7d4ef5" }.
    void read_tracker_users(const toml::node& node, const std::string& key) {
        auto* table = node.as_table();
        if (!table) return fail(node, key + " must be a table like \"U024BE7LH\" = { github = \"alice\" }");
        for (auto&& [raw_key, value] : *table) {
            const std::string sub = key + "." + std::string(raw_key.str());
            auto* person = value.as_table();
            if (!person) {
                fail(value, sub + " must be a table like { github = \"alice\" }");
                continue;
            }
            tracker_user user;
            user.chat_user = std::string(raw_key.str());
            for (auto&& [field, login] : *person) {
                if (field.str() == "github")
                    read_checked(login, sub + ".github", user.github, not_empty);
                else if (field.str() == "jira")
                    read_checked(login, sub + ".jira", user.jira, not_empty);
                else
                    fail(login, "unknown key " + in_quotes(sub + "." + std::string(field.str())) +
                                    " (a user has github and jira)");
            }
            cfg_.trackers.users.push_back(std::move(user));
        }
    }

    // [[alerts.routes]]: an array of tables, each checked whole so every problem names its line.
    void read_routes(const toml::node& node, const std::string& key) {
        auto* array = node.as_array();
        if (!array || !array->is_array_of_tables())
            return fail(node, key + " must be an array of tables ([[alerts.routes]])");
        std::vector<alert_route> routes;
        for (const auto& item : *array) {
            alert_route route;
            if (read_route(*item.as_table(), key, route)) routes.push_back(std::move(route));
        }
        cfg_.alerts.routes = std::move(routes);
    }

    bool read_route(const toml::table& table, const std::string& key, alert_route& route) {
        bool ok = true;
        auto wrong = [&](const toml::node& at, std::string message) {
            fail(at, std::move(message));
            ok = false;
        };
        for (auto&& [raw_key, value] : table) {
            const std::string name(raw_key.str());
            const std::string sub = key + "." + name;
            if (name == "matchers") {
                read_strings(value, sub, route.matchers,
                             [](const std::string& m) -> std::optional<std::string> {
                                 if (auto parsed = domain::parse_matchers(m); !parsed)
                                     return "has " + parsed.failure().message;
                                 return std::nullopt;
                             });
            } else if (name == "channel") {
                read_checked(value, sub, route.channel, not_empty);
            } else if (name == "workspace") {
                read_checked(value, sub, route.workspace, none);
            } else if (name == "declare") {
                read_bool(value, sub, route.declare);
            } else if (name == "private") {
                read_bool(value, sub, route.private_channel);
            } else if (name == "severity_labels") {
                read_severity_labels(value, sub, route.severity_labels);
            } else {
                wrong(value, "unknown key " + in_quotes(sub) +
                                 " (a route has matchers, channel, workspace, declare, private and "
                                 "severity_labels)");
            }
        }
        if (route.channel.empty()) wrong(table, key + " needs a channel (the channel id alerts go to)");
        return ok;
    }

    void read_severity_labels(const toml::node& node, const std::string& key,
                              std::vector<std::pair<std::string, std::string>>& out) {
        auto* table = node.as_table();
        if (!table)
            return fail(node, key + " must be a table like { critical = \"sev1\", warning = \"sev3\" }");
        for (auto&& [raw_key, value] : *table) {
            std::string sev;
            read_checked(value, key + "." + std::string(raw_key.str()), sev,
                         [](const std::string& s) -> std::optional<std::string> {
                             if (domain::parse_severity(s) && s.starts_with("sev")) return std::nullopt;
                             return "must be sev1, sev2, sev3 or sev4";
                         });
            if (!sev.empty()) out.emplace_back(std::string(raw_key.str()), sev);
        }
    }

    void cross_check(const toml::table& root) {
        auto routed = [&](const char* tracker) {
            return std::any_of(cfg_.trackers.routes.begin(), cfg_.trackers.routes.end(),
                               [&](const tracker_route& route) { return route.tracker == tracker; });
        };
        if (routed("github") && cfg_.trackers.github.repo.empty())
            if (auto* at = root.at_path("trackers.routes").node())
                fail(*at, "trackers.routes names \"github\" but trackers.github.repo is not set");
        if (routed("jira") && cfg_.trackers.jira.url.empty())
            if (auto* at = root.at_path("trackers.routes").node())
                fail(*at, "trackers.routes names \"jira\" but trackers.jira.url is not set");
        if (!cfg_.trackers.jira.url.empty() && cfg_.trackers.jira.project.empty())
            if (auto* at = root.at_path("trackers.jira.url").node())
                fail(*at, "trackers.jira.url is set but trackers.jira.project is not");
        const auto& http = cfg_.http;
        if (http.tls_cert.empty() != http.tls_key.empty()) {
            const char* missing = http.tls_cert.empty() ? "http.tls_cert" : "http.tls_key";
            const char* present = http.tls_cert.empty() ? "http.tls_key" : "http.tls_cert";
            if (auto* at = root.at_path(present).node())
                fail(*at, std::string(present) + " is set but " + missing + " is not; TLS needs both");
        }
    }

    std::string_view source_;
    settings& cfg_;
    std::map<std::string, handler> handlers_;
    std::set<std::string> sections_;
    std::vector<std::pair<std::uint64_t, std::string>> problems_;
};

// Reads every secret into cfg.secret. Strict: collects the problems; lenient: leaves unusable ones empty.
void apply_secrets(const environment_lookup& env, settings& cfg, std::vector<std::string>* problems) {
    for (const auto& variable : secret_variables) {
        auto value = read_secret(env, variable.name);
        if (!value) {
            if (problems) problems->push_back(value.failure().message);
            continue;
        }
        if (value->empty()) continue;  // unset: keep what the file said (mattermost.url) or nothing
        if (variable.field == &secrets::mattermost_url) {
            if (auto problem = check_base_url(*value)) {
                if (problems) problems->push_back(std::string(variable.name) + " " + *problem);
                continue;
            }
            *value = without_trailing_slashes(std::move(*value));
        }
        cfg.secret.*variable.field = std::move(*value);
    }
}

}  // namespace

environment_lookup process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (!value) return std::nullopt;
        return std::string(value);
    };
}

settings default_settings(const environment_lookup& env) {
    settings cfg;
    apply_secrets(env, cfg, nullptr);
    return cfg;
}

result<settings> load_config_text(std::string_view toml_text, std::string_view source_name,
                                  const environment_lookup& env) {
    settings cfg;
    toml::table root;
#if TOML_EXCEPTIONS
    try {
        root = toml::parse(toml_text, source_name);
    } catch (const toml::parse_error& failure) {
        const auto& where = failure.source().begin;
        return make_error(errc::config_invalid, std::string(source_name) + ":" + std::to_string(where.line) +
                                                    ":" + std::to_string(where.column) + ": " +
                                                    std::string(failure.description()));
    }
#else
    auto parsed = toml::parse(toml_text, source_name);
    if (!parsed) {
        const auto& failure = parsed.error();
        const auto& where = failure.source().begin;
        return make_error(errc::config_invalid, std::string(source_name) + ":" + std::to_string(where.line) +
                                                    ":" + std::to_string(where.column) + ": " +
                                                    std::string(failure.description()));
    }
    root = std::move(parsed).table();
#endif
    loader walk(source_name, cfg);
    walk.load(root);
    std::vector<std::string> secret_problems;
    apply_secrets(env, cfg, &secret_problems);
    for (auto& problem : secret_problems) walk.fail_without_line(std::move(problem));
    if (auto problems = walk.report()) return make_error(errc::config_invalid, *problems);
    return cfg;
}

result<settings> load_config_file(const std::string& path, const environment_lookup& env) {
    auto content = read_whole_file(path);
    if (!content)
        return make_error(errc::config_invalid,
                          path + ": cannot read the configuration file (" + content.failure().message + ")");
    return load_config_text(*content, path, env);
}

namespace {

bool slack_secrets_set(const settings& cfg) {
    const auto& s = cfg.secret;
    if (s.slack_bot_token.empty()) return false;
    return cfg.slack.mode == slack_mode::http ? !s.slack_signing_secret.empty() : !s.slack_app_token.empty();
}

bool mattermost_secrets_set(const settings& cfg) {
    return !cfg.secret.mattermost_url.empty() && !cfg.secret.mattermost_token.empty();
}

}  // namespace

std::string_view to_string(slack_mode mode) {
    return mode == slack_mode::http ? "http" : "socket";
}

bool has_slack(const settings& cfg) {
    return cfg.slack.enabled.value_or(true) && slack_secrets_set(cfg);
}

bool has_mattermost(const settings& cfg) {
    return cfg.mattermost.enabled.value_or(true) && mattermost_secrets_set(cfg);
}

std::string missing_platform_secrets(const settings& cfg) {
    std::string out;
    if (cfg.slack.enabled == true && !slack_secrets_set(cfg))
        out += std::string("slack.enabled is true but SLACK_BOT_TOKEN and ") +
               (cfg.slack.mode == slack_mode::http ? "SLACK_SIGNING_SECRET" : "SLACK_APP_TOKEN") +
               " are not both set";
    if (cfg.mattermost.enabled == true && !mattermost_secrets_set(cfg))
        out += std::string(out.empty() ? "" : "; ") +
               "mattermost.enabled is true but MATTERMOST_URL and MATTERMOST_TOKEN are not both set";
    if (!cfg.trackers.github.repo.empty() && cfg.secret.github_token.empty())
        out += std::string(out.empty() ? "" : "; ") + "trackers.github.repo is set but GITHUB_TOKEN is not";
    const auto& jira = cfg.trackers.jira;
    if (!jira.url.empty() && jira.cloud &&
        (cfg.secret.jira_email.empty() || cfg.secret.jira_api_token.empty()))
        out += std::string(out.empty() ? "" : "; ") +
               "trackers.jira.url is set (Jira Cloud) but JIRA_EMAIL and JIRA_API_TOKEN are not both set";
    if (!jira.url.empty() && !jira.cloud && cfg.secret.jira_pat.empty())
        out += std::string(out.empty() ? "" : "; ") +
               "trackers.jira.url is set (Jira Data Center) but JIRA_PAT is not";
    return out;
}

std::string describe_for_log(const settings& cfg) {
    auto state = [](const std::string& secret) -> std::string { return secret.empty() ? "unset" : "set"; };
    auto on_off = [](std::optional<bool> value) -> std::string {
        return value ? (*value ? "on" : "off") : "auto";
    };
    std::string line =
        "time_zone=" + cfg.time_zone + " log_level=" + cfg.log_level + " storage=" + cfg.storage.path +
        " http=" + cfg.http.listen + " http_tls=" + on_off(!cfg.http.tls_cert.empty()) + " command=/" +
        cfg.incidents.command + " slack=" + on_off(cfg.slack.enabled) +
        " slack_mode=" + std::string(to_string(cfg.slack.mode)) + " slack_api_url=" + cfg.slack.api_url +
        " mattermost=" + on_off(cfg.mattermost.enabled);
    for (const auto& variable : secret_variables)
        line += std::string(" ") + variable.name + "=" + state(cfg.secret.*variable.field);
    line += std::string(" slack_configured=") + (has_slack(cfg) ? "yes" : "no") +
            " mattermost_configured=" + (has_mattermost(cfg) ? "yes" : "no");
    return line;
}

}  // namespace hindsight::config
