#pragma once
// For the end-to-end programs that run `hindsight run` with an issue tracker (SPEC §10): the bot started and
// stopped against the fake Mattermost, slash commands (each with its own trigger_id, fully %XX-encoded), the
// bot's posts in the channel, an action's status in the database, /metrics, and signed webhooks.
#include <SQLiteCpp/SQLiteCpp.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "loopback_client.hpp"
#include "support/child_process.hpp"
#include "support/e2e.hpp"
#include "support/fake_mattermost.hpp"

namespace hindsight::testing {

inline unsigned short free_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

struct tracker_harness {
    static constexpr const char* channel = "chan0000000000000000000001";
    static constexpr const char* alice = "alice000000000000000000001";

    std::string binary, db_path, config_path;
    std::vector<std::pair<std::string, std::string>> environment;
    unsigned short port = 0;
    boost::asio::io_context& io;
    fake_mattermost& chat;
    pid_t bot = -1;
    int commands = 0;  // each slash command has its own trigger_id (the platform's event id)

    std::int64_t count(const std::string& sql) const { return count_rows(db_path, sql); }
    void start() {
        bot = start_bot(binary, config_path, environment);
        wait_until([&] { return on_io(io, [&] { return chat.connected(); }); }, std::chrono::seconds{20});
    }
    int stop() {
        kill(bot, SIGTERM);
        return wait_for_bot(bot).status;
    }
    std::string slash(const std::string& text) {
        std::string encoded;
        for (unsigned char ch : text) {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", ch);
            encoded += std::isalnum(ch) ? std::string(1, static_cast<char>(ch)) : std::string(hex);
        }
        auto body = std::string("channel_id=") + channel +
                    "&channel_name=incidents&command=%2Fincident&team_id=" + fake_mattermost::team_id +
                    "&text=" + encoded + "&token=cmd-token&trigger_id=t" + std::to_string(++commands) +
                    "&user_id=" + alice;
        return round_trip(port,
                          "POST /mattermost/command HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                          "Authorization: Token cmd-token\r\nContent-Type: "
                          "application/x-www-form-urlencoded\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body);
    }
    // A JSON POST with these extra header lines ("Name: value\r\n" each).
    std::string post_json(const std::string& path, const std::string& headers, const std::string& body) {
        return round_trip(port, "POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                                    "Content-Type: application/json\r\n" + headers +
                                    "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    }
    // Posts the bot made in the channel whose text contains the words.
    std::size_t posts_saying(const std::string& words) {
        std::size_t n = 0;
        for (const auto& call : chat.snapshot().calls)
            if (call.method == "POST /posts" && call.body.find(words) != std::string::npos) ++n;
        return n;
    }
    std::string action_field(int number, const std::string& column) {
        SQLite::Database db(db_path, SQLite::OPEN_READONLY);
        SQLite::Statement s(db, "SELECT " + column + " FROM actions WHERE number = ?");
        s.bind(1, number);
        return s.executeStep() ? s.getColumn(0).getString() : std::string();
    }
    std::string action_status(int number) { return action_field(number, "status"); }
    std::string metrics() {
        return round_trip(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }
    void print_chat() {
        for (const auto& call : chat.snapshot().calls)
            std::printf("     chat: %s %s\n", call.method.c_str(), call.body.substr(0, 300).c_str());
    }
};

}  // namespace hindsight::testing
