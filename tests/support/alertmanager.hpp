#pragma once
// A real Prometheus Alertmanager (Debian's prometheus-alertmanager) for the end-to-end test and the storm
// benchmark: started on loopback in a directory of its own, clustering off, its log kept beside its config.
#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdio>
#include <fstream>
#include <string>

namespace hindsight::testing {

// A port free on 127.0.0.1 now (the config files must name it before anything listens).
inline unsigned short free_loopback_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

// One receiver, hindsight's /alerts/alertmanager with a bearer token, grouped by alertname.
inline std::string alertmanager_config(unsigned short bot_port, const std::string& token,
                                       const std::string& group_interval, bool send_resolved) {
    return "route:\n  receiver: hindsight\n  group_by: [alertname]\n  group_wait: 1s\n  group_interval: " +
           group_interval + "\n  repeat_interval: 1h\nreceivers:\n- name: hindsight\n  webhook_configs:\n" +
           "  - url: http://127.0.0.1:" + std::to_string(bot_port) + "/alerts/alertmanager\n" +
           "    send_resolved: " + (send_resolved ? "true" : "false") +
           "\n    http_config:\n      authorization:\n        credentials: " + token + "\n";
}

// Writes dir/alertmanager.yml and starts it listening on port; its stderr goes to dir/alertmanager.log.
inline pid_t start_alertmanager(const std::string& binary, const std::string& dir, unsigned short port,
                                const std::string& config) {
    std::ofstream(dir + "/alertmanager.yml") << config;
    // Everything the child needs is made before fork (see start_bot): after it, only open, dup2 and exec.
    std::string log_path = dir + "/alertmanager.log",
                config_flag = "--config.file=" + dir + "/alertmanager.yml",
                storage = "--storage.path=" + dir + "/am",
                listen = "--web.listen-address=127.0.0.1:" + std::to_string(port);
    pid_t child = fork();
    if (child == 0) {
        int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (log >= 0) ::dup2(log, STDERR_FILENO);
        execl(binary.c_str(), binary.c_str(), config_flag.c_str(), storage.c_str(), listen.c_str(),
              "--cluster.listen-address=", "--log.level=warn", static_cast<char*>(nullptr));
        _exit(127);
    }
    return child;
}

}  // namespace hindsight::testing
