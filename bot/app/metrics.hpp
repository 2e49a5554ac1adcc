#pragma once
// Counters and gauges for GET /metrics in Prometheus text format. Single-threaded like the rest of the app.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hindsight::bot {

class metrics {
public:
    // name: "hindsight_events_received_total"; labels: already formatted, e.g. R"(platform="slack")".
    void add(const std::string& name, const std::string& labels = {}, std::uint64_t by = 1);
    void describe(const std::string& name, const std::string& help, const std::string& type = "counter");
    // A gauge computed when scraped (outbox depth, connections up).
    void gauge(const std::string& name, const std::string& help, std::function<double()> read);
    // Gauges with labels, all read at once when scraped: {labels, value} pairs.
    using series_reader = std::function<std::vector<std::pair<std::string, double>>()>;
    void series_gauge(const std::string& name, const std::string& help, series_reader read);
    std::uint64_t value(const std::string& name, const std::string& labels = {}) const;
    std::string render() const;

private:
    std::map<std::string, std::map<std::string, std::uint64_t>> counters_;
    std::map<std::string, std::pair<std::string, std::string>> help_;  // name -> (help, type)
    std::map<std::string, std::function<double()>> gauges_;
    std::map<std::string, series_reader> series_gauges_;
};

}  // namespace hindsight::bot
