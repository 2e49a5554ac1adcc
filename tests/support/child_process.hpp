#pragma once
// Helpers for tests and benchmarks that drive the real `hindsight` binary as a child process against an
// in-process fake: running code on the fake's io thread, bounded waiting, starting the bot.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace hindsight::testing {

// Runs f on the io thread and waits for its result.
template <class F>
auto on_io(boost::asio::io_context& io, F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io, [&task] { task(); });
    return result.get();
}

// Polls ready() until it holds or the limit passes; returns its last answer.
template <class Predicate>
bool wait_until(Predicate ready, std::chrono::milliseconds limit,
                std::chrono::milliseconds poll = std::chrono::milliseconds{5}) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (ready()) return true;
        std::this_thread::sleep_for(poll);
    }
    return ready();
}

// Runs an io_context on its own thread until stop() (or destruction): the fakes live on it while the test's
// main thread drives the bot.
class io_runner {
public:
    explicit io_runner(boost::asio::io_context& io)
        : io_(io), guard_(boost::asio::make_work_guard(io)), thread_([this] { io_.run(); }) {}
    ~io_runner() { stop(); }
    void stop() {
        if (!thread_.joinable()) return;
        guard_.reset();
        io_.stop();
        thread_.join();
    }

private:
    boost::asio::io_context& io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
    std::thread thread_;
};

// `binary run --config config_path` with the given environment added.
// The child's environment and arguments are built before fork: between fork and exec a child of a
// threaded process may only make async-signal-safe calls, and setenv allocates (under ASan a lock another
// thread held at the fork never comes free, and the child hangs before exec).
inline pid_t start_bot(const std::string& binary, const std::string& config_path,
                       const std::vector<std::pair<std::string, std::string>>& environment) {
    std::vector<std::string> variables;
    for (char** entry = environ; *entry; ++entry) {
        std::string variable(*entry);
        auto name = variable.substr(0, variable.find('='));
        bool replaced = false;
        for (const auto& added : environment) replaced = replaced || added.first == name;
        if (!replaced) variables.push_back(std::move(variable));
    }
    for (const auto& [name, value] : environment) variables.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (auto& variable : variables) envp.push_back(variable.data());
    envp.push_back(nullptr);
    std::vector<std::string> words{binary, "run", "--config", config_path};
    std::vector<char*> argv;
    for (auto& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    pid_t child = fork();
    if (child == 0) {
        execve(binary.c_str(), argv.data(), envp.data());
        _exit(127);
    }
    return child;
}

struct child_exit {
    int status = -1;  // exit status, or -signal
    double peak_rss_mb = 0;
};

inline child_exit wait_for_bot(pid_t child) {
    int status = 0;
    rusage usage{};
    wait4(child, &status, 0, &usage);
    child_exit out;
    out.status = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? -WTERMSIG(status) : -1;
    out.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
    return out;
}

}  // namespace hindsight::testing
