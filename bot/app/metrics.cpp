#include "bot/app/metrics.hpp"

#include <cstdio>

namespace hindsight::bot {

void metrics::add(const std::string& name, const std::string& labels, std::uint64_t by) {
    counters_[name][labels] += by;
}

void metrics::describe(const std::string& name, const std::string& help, const std::string& type) {
    help_[name] = {help, type};
    counters_.try_emplace(name);
}

void metrics::gauge(const std::string& name, const std::string& help, std::function<double()> read) {
    help_[name] = {help, "gauge"};
    gauges_[name] = std::move(read);
}

std::uint64_t metrics::value(const std::string& name, const std::string& labels) const {
    auto found = counters_.find(name);
    if (found == counters_.end()) return 0;
    auto series = found->second.find(labels);
    return series == found->second.end() ? 0 : series->second;
}

void metrics::series_gauge(const std::string& name, const std::string& help, series_reader read) {
    help_[name] = {help, "gauge"};
    series_gauges_[name] = std::move(read);
}

std::string metrics::render() const {
    std::string out;
    auto header = [&](const std::string& name) {
        auto help = help_.find(name);
        if (help == help_.end()) return;
        out += "# HELP " + name + " " + help->second.first + "\n# TYPE " + name + " " + help->second.second +
               "\n";
    };
    for (const auto& [name, series] : counters_) {
        header(name);
        if (series.empty()) out += name + " 0\n";
        for (const auto& [labels, count] : series)
            out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + std::to_string(count) + "\n";
    }
    for (const auto& [name, read] : gauges_) {
        header(name);
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.17g", read());
        out += name + " " + buffer + "\n";
    }
    for (const auto& [name, read] : series_gauges_) {
        header(name);
        for (const auto& [labels, value] : read()) {
            char buffer[64];
            std::snprintf(buffer, sizeof buffer, "%.17g", value);
            out += name + "{" + labels + "} " + buffer + "\n";
        }
    }
    return out;
}

}  // namespace hindsight::bot
