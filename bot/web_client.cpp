#include "bot/web_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

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

struct web_client::impl {
    asio::io_context& io;
    ssl::context tls{ssl::context::tls_client};
    std::chrono::seconds timeout;

    impl(asio::io_context& context, const std::string& ca_file, std::chrono::seconds t)
        : io(context), timeout(t) {
        tls.set_default_verify_paths();
        if (!ca_file.empty()) tls.load_verify_file(ca_file);
        tls.set_verify_mode(ssl::verify_peer);
        tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    }

    template <class Stream>
    asio::awaitable<web_response> exchange(Stream& stream, const url_parts& parts,
                                           const web_request& request) {
        http::request<http::string_body> message{http::string_to_verb(request.method), parts.target, 11};
        message.set(http::field::host, parts.host);
        message.set(http::field::user_agent, "hindsight");
        for (const auto& [name, value] : request.headers) message.set(name, value);
        if (!request.content_type.empty()) message.set(http::field::content_type, request.content_type);
        message.body() = request.body;
        message.prepare_payload();
        beast::get_lowest_layer(stream).expires_after(timeout);
        co_await http::async_write(stream, message, asio::use_awaitable);
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(16 * 1024 * 1024);
        co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
        web_response response;
        auto& reply = parser.get();
        response.status = static_cast<int>(reply.result_int());
        response.body = std::move(reply.body());
        for (const auto& field : reply)
            response.headers.emplace_back(domain::ascii_lower(field.name_string()),
                                          std::string(field.value()));
        co_return response;
    }
};

web_client::web_client(asio::io_context& io, std::string extra_ca_file, std::chrono::seconds timeout)
    : impl_(std::make_unique<impl>(io, extra_ca_file, timeout)) {}

web_client::~web_client() = default;

asio::awaitable<web_response> web_client::send(web_request request) {
    std::string why;
    auto parts = parse_url(request.url, &why);
    if (!parts) co_return web_response{0, {}, {}, "refused URL: " + why};
    try {
        tcp::resolver resolver(impl_->io);
        auto endpoints = co_await resolver.async_resolve(parts->host, parts->port, asio::use_awaitable);
        if (!parts->tls) {
            beast::tcp_stream stream(impl_->io);
            stream.expires_after(impl_->timeout);
            co_await stream.async_connect(endpoints, asio::use_awaitable);
            auto response = co_await impl_->exchange(stream, *parts, request);
            beast::error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
            co_return response;
        }
        beast::ssl_stream<beast::tcp_stream> stream(impl_->io, impl_->tls);
        // SNI, and the certificate must name the host we asked for.
        if (!SSL_set_tlsext_host_name(stream.native_handle(), parts->host.c_str()))
            co_return web_response{0, {}, {}, "could not set SNI"};
        stream.set_verify_callback(ssl::host_name_verification(parts->host));
        beast::get_lowest_layer(stream).expires_after(impl_->timeout);
        co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
        co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
        auto response = co_await impl_->exchange(stream, *parts, request);
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{2});
        auto [ignored] = co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
        (void)ignored;
        co_return response;
    } catch (const boost::system::system_error& failure) {
        // The message names the host and the failure, never the request (which carries the token).
        co_return web_response{0, {}, {}, parts->host + ": " + failure.code().message()};
    }
}

}  // namespace hindsight::bot
