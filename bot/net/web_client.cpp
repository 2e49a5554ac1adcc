#include "bot/net/web_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <map>

#include "domain/text.hpp"

namespace hindsight::bot {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

std::optional<url_parts> parse_url(const std::string& url, std::string* why) {
    auto fail = [&](std::string reason) -> std::optional<url_parts> {
        if (why) *why = std::move(reason);
        return std::nullopt;
    };
    url_parts parts;
    std::string_view rest = url;
    if (rest.starts_with("https://") || rest.starts_with("wss://")) {
        parts.tls = true;
        rest.remove_prefix(rest.find("://") + 3);
    } else if (rest.starts_with("http://") || rest.starts_with("ws://")) {
        rest.remove_prefix(rest.find("://") + 3);
    } else {
        return fail("not an http(s) or ws(s) URL");
    }
    auto slash = rest.find('/');
    auto authority = rest.substr(0, slash);
    parts.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (authority.find('@') != std::string_view::npos) return fail("credentials in the URL");
    if (authority.starts_with("[")) {
        auto close = authority.find(']');
        if (close == std::string_view::npos) return fail("unclosed [ in the host");
        parts.host = std::string(authority.substr(1, close - 1));
        auto after = authority.substr(close + 1);
        parts.port = after.starts_with(":") ? std::string(after.substr(1)) : "";
    } else {
        auto colon = authority.rfind(':');
        parts.host = std::string(authority.substr(0, colon));
        parts.port = colon == std::string_view::npos ? "" : std::string(authority.substr(colon + 1));
    }
    if (parts.port.empty()) parts.port = parts.tls ? "443" : "80";
    if (parts.host.empty()) return fail("no host");
    if (!parts.tls) {
        bool loopback = parts.host == "localhost" || parts.host == "::1" || parts.host.starts_with("127.");
        if (!loopback) return fail("unencrypted connections are only allowed to loopback addresses");
    }
    return parts;
}

// One kept-alive connection to a host, plain or TLS.
struct pooled_connection {
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
    std::chrono::steady_clock::time_point idle_since;

    tcp::socket& socket() { return secure ? beast::get_lowest_layer(*secure).socket() : plain->socket(); }

    void close() {
        beast::error_code ignored;
        socket().shutdown(tcp::socket::shutdown_both, ignored);
        socket().close(ignored);
    }

    // An idle connection has nothing to read; if it has (end of stream, a TLS close_notify, an error), the
    // server has closed it and nothing may be sent on it.
    bool still_open() {
        beast::error_code error;
        socket().non_blocking(true, error);
        if (error) return false;
        char byte = 0;
        socket().receive(asio::buffer(&byte, 1), tcp::socket::message_peek, error);
        return error == asio::error::would_block;
    }
};

struct web_client::impl {
    asio::io_context& io;
    ssl::context tls{ssl::context::tls_client};
    std::chrono::milliseconds timeout;
    // Idle connections by "scheme host port": a call takes one out (or opens one) and puts it back when the
    // answer allows keep-alive. A few per host, dropped after 30 s idle (servers close theirs at about 60 s).
    std::map<std::string, std::vector<std::unique_ptr<pooled_connection>>> idle;
    static constexpr std::size_t max_idle_per_host = 4;
    static constexpr std::chrono::seconds max_idle_time{30};

    impl(asio::io_context& context, const std::string& ca_file, std::chrono::milliseconds t)
        : io(context), timeout(t) {
        tls.set_default_verify_paths();
        if (!ca_file.empty()) tls.load_verify_file(ca_file);
        tls.set_verify_mode(ssl::verify_peer);
        tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    }

    std::unique_ptr<pooled_connection> take_idle(const std::string& key) {
        auto found = idle.find(key);
        if (found == idle.end()) return nullptr;
        auto& list = found->second;
        auto now = std::chrono::steady_clock::now();
        while (!list.empty()) {
            auto connection = std::move(list.back());
            list.pop_back();
            if (now - connection->idle_since < max_idle_time && connection->still_open()) return connection;
            connection->close();
        }
        return nullptr;
    }

    void put_back(const std::string& key, std::unique_ptr<pooled_connection> connection) {
        auto& list = idle[key];
        if (list.size() >= max_idle_per_host) {
            connection->close();
            return;
        }
        connection->idle_since = std::chrono::steady_clock::now();
        list.push_back(std::move(connection));
    }

    asio::awaitable<std::unique_ptr<pooled_connection>> open(const url_parts& parts) {
        tcp::resolver resolver(io);
        auto endpoints = co_await resolver.async_resolve(parts.host, parts.port, asio::use_awaitable);
        auto connection = std::make_unique<pooled_connection>();
        if (!parts.tls) {
            connection->plain = std::make_unique<beast::tcp_stream>(io);
            connection->plain->expires_after(timeout);
            co_await connection->plain->async_connect(endpoints, asio::use_awaitable);
            connection->plain->socket().set_option(tcp::no_delay(true));
            co_return connection;
        }
        connection->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, tls);
        auto& stream = *connection->secure;
        // SNI, and the certificate must name the host we asked for.
        if (!SSL_set_tlsext_host_name(stream.native_handle(), parts.host.c_str()))
            throw boost::system::system_error(asio::error::invalid_argument, "could not set SNI");
        stream.set_verify_callback(ssl::host_name_verification(parts.host));
        beast::get_lowest_layer(stream).expires_after(timeout);
        co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
        beast::get_lowest_layer(stream).socket().set_option(tcp::no_delay(true));
        co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
        co_return connection;
    }

    // The response, and whether the connection may be used again.
    template <class Stream>
    asio::awaitable<std::pair<web_response, bool>> exchange(Stream& stream, const url_parts& parts,
                                                            const web_request& request) {
        http::request<http::string_body> message{http::string_to_verb(request.method), parts.target, 11};
        message.set(http::field::host, parts.host);
        message.set(http::field::user_agent, "hindsight");
        for (const auto& [name, value] : request.headers) message.set(name, value);
        if (!request.content_type.empty()) message.set(http::field::content_type, request.content_type);
        message.body() = request.body;
        message.prepare_payload();
        message.keep_alive(true);
        beast::get_lowest_layer(stream).expires_after(timeout);
        co_await http::async_write(stream, message, asio::use_awaitable);
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(16 * 1024 * 1024);
        co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
        beast::get_lowest_layer(stream).expires_never();
        web_response response;
        auto& reply = parser.get();
        response.status = static_cast<int>(reply.result_int());
        bool reusable = reply.keep_alive() && buffer.size() == 0;
        response.body = std::move(reply.body());
        for (const auto& field : reply)
            response.headers.emplace_back(domain::ascii_lower(field.name_string()),
                                          std::string(field.value()));
        co_return std::pair{std::move(response), reusable};
    }

    asio::awaitable<std::pair<web_response, bool>> exchange_on(pooled_connection& connection,
                                                               const url_parts& parts,
                                                               const web_request& request) {
        if (connection.secure) co_return co_await exchange(*connection.secure, parts, request);
        co_return co_await exchange(*connection.plain, parts, request);
    }
};

web_client::web_client(asio::io_context& io, std::string extra_ca_file, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<impl>(io, extra_ca_file, timeout)) {}

web_client::~web_client() {
    for (auto& [key, list] : impl_->idle)
        for (auto& connection : list) connection->close();
}

asio::awaitable<web_response> web_client::send(web_request request) {
    std::string why;
    auto parts = parse_url(request.url, &why);
    if (!parts) co_return web_response{0, {}, {}, "refused URL: " + why};
    auto key = std::string(parts->tls ? "https " : "http ") + parts->host + " " + parts->port;
    // A request that fails on a kept-alive connection is not sent again here: the server may have handled it
    // before the connection broke, and a second chat.postMessage would post twice. The outbox decides. (Idle
    // connections the server has closed are noticed before use, in take_idle.)
    if (auto reused = impl_->take_idle(key)) {
        try {
            auto [response, reusable] = co_await impl_->exchange_on(*reused, *parts, request);
            if (reusable)
                impl_->put_back(key, std::move(reused));
            else
                reused->close();
            co_return response;
        } catch (const boost::system::system_error& failure) {
            reused->close();
            co_return web_response{0, {}, {}, parts->host + ": " + failure.code().message()};
        }
    }
    try {
        auto connection = co_await impl_->open(*parts);
        auto [response, reusable] = co_await impl_->exchange_on(*connection, *parts, request);
        if (reusable)
            impl_->put_back(key, std::move(connection));
        else
            connection->close();
        co_return response;
    } catch (const boost::system::system_error& failure) {
        // The message names the host and the failure, never the request (which carries the token).
        co_return web_response{0, {}, {}, parts->host + ": " + failure.code().message()};
    }
}

}  // namespace hindsight::bot
