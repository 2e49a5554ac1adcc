#pragma once
// Chat ack latency as the fake Slack sees it: messages sent one per millisecond on the fake's io thread,
// each timed from send to the bot's ack. Shared by the Socket Mode and alert-storm benchmarks.
#include <algorithm>
#include <boost/asio.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/fake_slack.hpp"

namespace hindsight::bench {

struct latency_figures {
    std::size_t count = 0;
    double p50 = 0, p99 = 0, max = 0;
};

// ts_of gives message i its Slack ts; prefix keeps envelope ids unique across runs in one bot.
inline latency_figures paced_ack_latencies(boost::asio::io_context& io, testing::fake_slack& fake,
                                           int messages, const std::string& prefix,
                                           const std::function<std::string(int)>& ts_of) {
    using namespace std::chrono;
    std::map<std::string, steady_clock::time_point> sent_at;
    std::vector<double> latencies;
    std::mutex latency_lock;
    testing::on_io(io, [&] {
        fake.on_ack = [&](const std::string& id) {
            auto found = sent_at.find(id);
            if (found == sent_at.end()) return;
            std::lock_guard lock(latency_lock);
            latencies.push_back(duration<double, std::milli>(steady_clock::now() - found->second).count());
        };
        return 0;
    });
    boost::asio::steady_timer pace(io);
    auto start = steady_clock::now();
    std::function<void(int)> send_next = [&](int i) {
        if (i >= messages) return;
        auto n = prefix + std::to_string(i);
        sent_at[n] = steady_clock::now();
        fake.send_envelope(fake.latest(), n,
                           testing::message_envelope(n, "Ev" + n, "C111", "U3", ts_of(i), "paced " + n));
        pace.expires_at(start + microseconds{1000LL * (i + 1)});
        pace.async_wait([&, i](const boost::system::error_code& error) {
            if (!error) send_next(i + 1);
        });
    };
    boost::asio::post(io, [&] { send_next(0); });
    testing::wait_until(
        [&] {
            std::lock_guard lock(latency_lock);
            return latencies.size() >= static_cast<std::size_t>(messages);
        },
        seconds{60});
    testing::on_io(io, [&] {
        fake.on_ack = nullptr;
        pace.cancel();
        return 0;
    });
    std::lock_guard lock(latency_lock);
    std::sort(latencies.begin(), latencies.end());
    latency_figures out;
    out.count = latencies.size();
    if (!latencies.empty()) {
        out.p50 = latencies[latencies.size() / 2];
        out.p99 = latencies[latencies.size() * 99 / 100];
        out.max = latencies.back();
    }
    return out;
}

}  // namespace hindsight::bench
