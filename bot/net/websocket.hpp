#pragma once
// A WebSocket client connection for Slack's Socket Mode and Mattermost's event stream. wss:// verifies the
// peer's chain and host name (SNI set); ws:// is only allowed to loopback addresses, as in web_client. Beast
// stays in the .cpp.
//
// Liveness is Beast's: a ping goes out after half the idle timeout without traffic, and the connection fails
// when nothing at all arrives for the whole idle timeout (the half-open TCP connection a NAT leaves behind).
// Server pings are answered while a read is pending, which read() keeps.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hindsight::bot {

struct websocket_options {
    std::vector<std::pair<std::string, std::string>> headers;  // sent with the upgrade request
    std::string extra_ca_file;                                 // trusted in addition to the system store
    std::chrono::seconds handshake_timeout{10};
    std::chrono::seconds idle_timeout{20};
    std::size_t max_message_bytes = 1 << 20;  // a larger frame fails the connection (close code 1009)
};

class websocket : public std::enable_shared_from_this<websocket> {
public:
    struct impl;

    // Connects, upgrades and returns the open connection; nullptr with *error set when that fails.
    static boost::asio::awaitable<std::shared_ptr<websocket>> open(boost::asio::io_context& io,
                                                                   std::string url, websocket_options options,
                                                                   std::string* error);
    explicit websocket(std::unique_ptr<impl> stream);
    ~websocket();

    // The next text message; nullopt once the connection is over (why: end_reason()). Binary frames are
    // skipped. Only one read at a time.
    boost::asio::awaitable<std::optional<std::string>> read();
    // Queued and written in order; a send after the end is dropped (the peer will deliver again).
    void send(std::string text);
    // After the queued sends: a close frame (1000), at most a second for the peer's answer, then the socket
    // is torn down (Slack does not always finish the close handshake).
    void close();
    // Tears the socket down at once, without a close frame.
    void drop();

    bool is_open() const { return open_; }
    // Open and not asked to close: a send will still go out.
    bool accepts_sends() const { return open_ && !close_requested_; }
    const std::string& end_reason() const { return end_reason_; }
    std::size_t queued() const { return outgoing_.size(); }

private:
    boost::asio::awaitable<void> write_queued();
    void ended(std::string why);

    std::unique_ptr<impl> stream_;
    std::deque<std::string> outgoing_;
    bool writing_ = false;
    bool close_requested_ = false;
    bool open_ = true;
    std::string end_reason_;
};

}  // namespace hindsight::bot
