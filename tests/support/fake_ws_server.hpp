#pragma once
// A WebSocket server for the in-process fakes of Slack and Mattermost: 127.0.0.1 only, one session object per
// connection that a test scripts (send frames, close properly, drop the TCP connection mid-burst). Everything
// runs on the io_context's thread; tests reach it with asio::post.
#include <boost/asio/io_context.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "bot/net/http_server.hpp"

namespace hindsight::testing {

class fake_ws_session : public std::enable_shared_from_this<fake_ws_session> {
public:
    struct impl;
    explicit fake_ws_session(std::unique_ptr<impl> stream);
    ~fake_ws_session();

    std::string target;  // path and query of the upgrade request
    bot::header_list headers;
    std::function<void(const std::string&)> on_message;  // each text frame from the client
    std::function<void()> on_end;

    void send(std::string text);
    void close();  // a close frame (1000), after the queued sends
    void drop();   // the TCP connection goes, no close frame
    bool is_open() const { return open_; }

    void start();

private:
    void write_next();
    void end();
    std::unique_ptr<impl> stream_;
    std::deque<std::string> outgoing_;
    bool writing_ = false;
    bool close_requested_ = false;
    bool open_ = true;
};

class fake_ws_server {
public:
    explicit fake_ws_server(boost::asio::io_context& io);
    ~fake_ws_server();
    unsigned short port() const;
    std::function<void(std::shared_ptr<fake_ws_session>)> on_session;
    // Plain HTTP requests on the same port (Mattermost serves REST and the WebSocket on one).
    std::function<bot::http_response(const bot::http_request&)> on_http;
    void stop();

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace hindsight::testing
