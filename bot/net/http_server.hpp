#pragma once
// One HTTP(S) listener for health, readiness, metrics and the platforms' webhooks. Beast stays inside the
// .cpp: routes see plain request and response values.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hindsight::bot {

// Headers as both the server and the client keep them: names lower-cased, in arrival order.
using header_list = std::vector<std::pair<std::string, std::string>>;
// The first value of a header, or "" (name matched case-insensitively).
std::string find_header(const header_list& headers, std::string_view name);

struct http_request {
    std::string method;
    std::string target;  // path and query
    std::string body;
    header_list headers;
    std::string header(std::string_view name) const { return find_header(headers, name); }
    std::string path() const { return target.substr(0, target.find('?')); }
};

struct http_response {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
    header_list headers = {};  // more headers to send (test doubles answer Retry-After)
};

using http_handler = std::function<boost::asio::awaitable<http_response>(const http_request&)>;

struct http_limits {
    std::size_t max_body_bytes = 1 << 20;
    std::chrono::seconds read_timeout{10};
    // Both set: the listener speaks only HTTPS with this certificate chain and key (PEM files).
    std::string tls_cert_file = {};
    std::string tls_key_file = {};
    // Paths under these prefixes take bodies up to their own limit instead (an Alertmanager group of
    // thousands of alerts must not be refused with a 413 it would never retry).
    std::vector<std::pair<std::string, std::size_t>> body_limits_by_prefix = {};
};

class http_server {
public:
    // listen: "127.0.0.1:8080", "[::1]:0" (port 0 picks a free one; see port()). Throws when the address
    // cannot be bound or the TLS certificate or key cannot be loaded (the message says which).
    http_server(boost::asio::io_context& io, const std::string& listen, http_limits limits);
    ~http_server();

    // An exact path, or "/prefix/*" for everything under it (exact routes win, then the longest prefix).
    void route(std::string method, std::string path, http_handler handler);
    unsigned short port() const;
    boost::asio::awaitable<void> run();
    void stop();  // stops accepting; sessions in flight finish their current request

    std::uint64_t rejected() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// "127.0.0.1:8080" → ("127.0.0.1", 8080); "[::1]:80" → ("::1", 80). nullopt when malformed.
std::optional<std::pair<std::string, unsigned short>> split_host_port(const std::string& listen);

}  // namespace hindsight::bot
