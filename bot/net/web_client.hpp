#pragma once
// An HTTP(S) client for the platforms' REST APIs. TLS peers are verified (chain and host name, SNI set);
// plain http:// is refused unless the host is a loopback address, so tests can use local fakes and nothing
// else can be reached in the clear. Beast stays in the .cpp.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bot/net/http_server.hpp"

namespace hindsight::bot {

struct web_request {
    std::string method = "POST";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string content_type;
    std::string body;
};

struct web_response {
    int status = 0;  // 0: no HTTP answer at all (see error)
    std::string body;
    header_list headers;
    std::string error;  // a network or TLS failure, without any credential in it
    std::string header(std::string_view name) const { return find_header(headers, name); }
};

struct url_parts {
    bool tls = false;
    std::string host;
    std::string port;
    std::string target;  // path and query
};
// Refuses anything but https:// and wss://, or http:// and ws:// to 127.0.0.0/8, ::1 and localhost.
std::optional<url_parts> parse_url(const std::string& url, std::string* why = nullptr);

class web_client {
public:
    web_client(boost::asio::io_context& io, std::string extra_ca_file, std::chrono::milliseconds timeout);
    ~web_client();
    boost::asio::awaitable<web_response> send(web_request request);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace hindsight::bot
