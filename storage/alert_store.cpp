#include "storage/alert_store.hpp"

#include <nlohmann/json.hpp>

#include "domain/text.hpp"
#include "storage/row_mapping.hpp"

namespace hindsight::storage {
namespace {

using nlohmann::json;

std::string labels_text(const domain::label_set& labels) {
    json out = json::object();
    for (const auto& [name, value] : labels) out[domain::sanitize_utf8(name)] = domain::sanitize_utf8(value);
    return out.dump();
}

domain::label_set read_labels(const std::string& text) {
    domain::label_set out;
    auto parsed = json::parse(text, nullptr, false);
    if (parsed.is_object())
        for (const auto& [name, value] : parsed.items())
            if (value.is_string()) out.emplace_back(name, value.get<std::string>());
    return domain::make_label_set(std::move(out));
}

constexpr const char* alert_columns =
    "id, channel, source, status, fingerprint, starts_at, labels, annotations, ends_at, link";

stored_alert read_alert(SQLite::Statement& row) {
    stored_alert out;
    out.id = row.getColumn(0).getInt64();
    out.channel = row.getColumn(1).getString();
    out.alert.source = row.getColumn(2).getString();
    out.alert.status = row.getColumn(3).getString() == "resolved" ? domain::alert_status::resolved
                                                                  : domain::alert_status::firing;
    out.alert.fingerprint = row.getColumn(4).getString();
    out.alert.starts_at = domain::from_millis(row.getColumn(5).getInt64());
    out.alert.labels = read_labels(row.getColumn(6).getString());
    out.alert.annotations = read_labels(row.getColumn(7).getString());
    out.alert.ends_at = detail::optional_time(row.getColumn(8));
    out.alert.link = row.getColumn(9).getString();
    return out;
}

std::vector<stored_alert> read_all(SQLite::Statement& s) {
    std::vector<stored_alert> out;
    while (s.executeStep()) out.push_back(read_alert(s));
    return out;
}

}  // namespace

std::optional<std::int64_t> alert_store::record(const std::string& workspace, const std::string& channel,
                                                const domain::alert& a, domain::timestamp received_at) {
    SQLite::Statement s(
        db_.handle(),
        "INSERT INTO alerts (workspace, channel, source, fingerprint, starts_at, status, name, "
        "labels, annotations, ends_at, link, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO "
        "NOTHING RETURNING id");
    s.bind(1, workspace);
    s.bind(2, channel);
    s.bind(3, a.source);
    s.bind(4, a.fingerprint);
    detail::bind_time(s, 5, a.starts_at);
    s.bind(6, std::string(domain::to_string(a.status)));
    s.bind(7, domain::sanitize_utf8(a.name()));
    s.bind(8, labels_text(a.labels));
    s.bind(9, labels_text(a.annotations));
    detail::bind_optional_time(s, 10, a.ends_at);
    s.bind(11, domain::sanitize_utf8(a.link));
    detail::bind_time(s, 12, received_at);
    if (!s.executeStep()) return std::nullopt;
    return s.getColumn(0).getInt64();
}

void alert_store::attach(std::int64_t alert_id, std::int64_t incident_id) {
    SQLite::Statement s(db_.handle(), "UPDATE alerts SET incident_id = ? WHERE id = ?");
    s.bind(1, static_cast<int64_t>(incident_id));
    s.bind(2, static_cast<int64_t>(alert_id));
    s.exec();
}

std::vector<stored_alert> alert_store::waiting(const std::string& workspace, const std::string& channel,
                                               domain::timestamp since) {
    SQLite::Statement s(db_.handle(), std::string("SELECT ") + alert_columns +
                                          " FROM alerts WHERE workspace = ? AND channel = ? AND incident_id "
                                          "IS NULL AND received_at >= ? ORDER BY id");
    s.bind(1, workspace);
    s.bind(2, channel);
    detail::bind_time(s, 3, since);
    return read_all(s);
}

std::vector<stored_alert> alert_store::for_incident(std::int64_t incident_id) {
    SQLite::Statement s(db_.handle(), std::string("SELECT ") + alert_columns +
                                          " FROM alerts WHERE incident_id = ? ORDER BY id");
    s.bind(1, static_cast<int64_t>(incident_id));
    return read_all(s);
}

std::int64_t alert_store::count_unrouted() {
    SQLite::Statement s(db_.handle(), "SELECT count(*) FROM alerts WHERE channel = ''");
    s.executeStep();
    return s.getColumn(0).getInt64();
}

bool alert_store::add_silence(std::int64_t incident_id, const std::string& silence_id) {
    SQLite::Statement s(db_.handle(),
                        "INSERT OR IGNORE INTO incident_silences (incident_id, silence_id) VALUES (?, ?)");
    s.bind(1, static_cast<int64_t>(incident_id));
    s.bind(2, silence_id);
    return s.exec() > 0;
}

std::vector<std::int64_t> alert_store::due_for_silences(domain::timestamp now) {
    SQLite::Statement s(db_.handle(),
                        "SELECT i.id FROM incidents i WHERE i.status IN ('active', 'mitigated') AND "
                        "(i.silences_checked_at IS NULL OR i.silences_checked_at <= ?) AND EXISTS (SELECT 1 "
                        "FROM alerts a WHERE a.incident_id = i.id) ORDER BY i.id LIMIT 50");
    detail::bind_time(s, 1, now - std::chrono::hours{1});
    std::vector<std::int64_t> out;
    while (s.executeStep()) out.push_back(s.getColumn(0).getInt64());
    return out;
}

void alert_store::silences_checked(std::int64_t incident_id, domain::timestamp at) {
    SQLite::Statement s(db_.handle(), "UPDATE incidents SET silences_checked_at = ? WHERE id = ?");
    detail::bind_time(s, 1, at);
    s.bind(2, static_cast<int64_t>(incident_id));
    s.exec();
}

}  // namespace hindsight::storage
