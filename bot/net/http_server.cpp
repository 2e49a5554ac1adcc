#include "bot/net/http_server.hpp"

#include <spdlog/spdlog.h>

#include <tuple>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <map>

#include "domain/text.hpp"

namespace hindsight::bot {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string find_header(const header_list& headers, std::string_view name) {
    auto wanted = domain::ascii_lower(name);
    for (const auto& [key, value] : headers)
        if (key == wanted) return value;
    return {};
}

std::optional<std::pair<std::string, unsigned short>> split_host_port(const std::string& listen) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    unsigned port = 0;
    auto digits = std::string_view(listen).substr(colon + 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc{} || ptr != digits.data() + digits.size() || port > 65535) return std::nullopt;
    return std::make_pair(host, static_cast<unsigned short>(port));
}

struct http_server::impl {
    asio::io_context& io;
    tcp::acceptor acceptor;
    http_limits limits;
    std::map<std::pair<std::string, std::string>, http_handler> routes;
    std::uint64_t rejected = 0;
    bool stopping = false;
    std::unique_ptr<asio::ssl::context> tls;

    impl(asio::io_context& context, http_limits l) : io(context), acceptor(context), limits(l) {}

    asio::awaitable<http_response> dispatch(const http_request& request) {
        auto found = routes.find({request.method, request.path()});
        if (found != routes.end()) co_return co_await found->second(request);
        // "/prefix/*" routes: the longest matching prefix wins.
        const http_handler* best = nullptr;
        std::size_t best_length = 0;
        for (const auto& [key, handler] : routes) {
            if (key.first != request.method || !key.second.ends_with("/*")) continue;
            auto prefix = std::string_view(key.second).substr(0, key.second.size() - 1);
            if (request.path().starts_with(prefix) && prefix.size() > best_length) {
                best = &handler;
                best_length = prefix.size();
            }
        }
        if (best) co_return co_await (*best)(request);
        for (const auto& [key, handler] : routes)
            if (key.second == request.path())
                co_return http_response{405, "text/plain; charset=utf-8", "method not allowed\n"};
        co_return http_response{404, "text/plain; charset=utf-8", "not found\n"};
    }

    asio::awaitable<void> session(tcp::socket socket) {
        if (!tls) {
            beast::tcp_stream stream(std::move(socket));
            co_await serve(stream);
            beast::error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
            co_return;
        }
        beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
        beast::get_lowest_layer(stream).expires_after(limits.read_timeout);
        auto [handshake_error] = co_await stream.async_handshake(asio::ssl::stream_base::server,
                                                                 asio::as_tuple(asio::use_awaitable));
        if (handshake_error) {
            // A plain-HTTP client, a scanner, an untrusting peer: nothing was read, nothing to answer.
            ++rejected;
            co_return;
        }
        co_await serve(stream);
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{2});
        auto [shutdown_error] = co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
        (void)shutdown_error;  // peers often just close: a truncated shutdown loses nothing of ours
    }

    std::size_t body_limit_for(std::string_view target) const {
        for (const auto& [prefix, limit] : limits.body_limits_by_prefix)
            if (target.starts_with(prefix)) return limit;
        return limits.max_body_bytes;
    }

    template <class Stream>
    asio::awaitable<void> serve(Stream& stream) {
        auto& timer = beast::get_lowest_layer(stream);
        beast::flat_buffer buffer;
        for (int served = 0; served < 10000 && !stopping; ++served) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(16 * 1024);
            timer.expires_after(limits.read_timeout);
            // The header first: the body's limit depends on the path.
            auto [read_error, bytes] =
                co_await http::async_read_header(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
            if (!read_error) {
                auto limit = body_limit_for(parser.get().target());
                parser.body_limit(limit);  // for a chunked body, checked as it arrives
                // A declared length was already read with the header, before the limit was known.
                if (auto declared = parser.content_length(); declared && *declared > limit)
                    read_error = http::error::body_limit;
                else
                    std::tie(read_error, bytes) = co_await http::async_read(
                        stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
            }
            (void)bytes;
            // A TLS peer that just hangs up shows as stream_truncated: as ordinary as a plain EOF.
            if (read_error == http::error::end_of_stream || read_error == asio::error::connection_reset ||
                read_error == asio::ssl::error::stream_truncated || read_error == beast::error::timeout ||
                read_error == asio::error::eof)
                break;
            http_response response;
            bool keep_alive = false;
            if (read_error) {
                ++rejected;
                response.status = read_error == http::error::body_limit ? 413 : 400;
                response.body =
                    read_error == http::error::body_limit ? "request body too large\n" : "bad request\n";
            } else {
                auto& message = parser.get();
                http_request request;
                request.method = std::string(message.method_string());
                request.target = std::string(message.target());
                request.body = std::move(message.body());
                for (const auto& field : message)
                    request.headers.emplace_back(domain::ascii_lower(field.name_string()),
                                                 std::string(field.value()));
                keep_alive = message.keep_alive();
                try {
                    response = co_await dispatch(request);
                } catch (const std::exception& failure) {
                    spdlog::error("HTTP {} {} failed: {}", request.method, request.path(), failure.what());
                    response = {500, "text/plain; charset=utf-8", "internal error\n"};
                }
            }
            http::response<http::string_body> reply{static_cast<http::status>(response.status), 11};
            reply.set(http::field::server, "hindsight");
            reply.set(http::field::content_type, response.content_type);
            for (const auto& [name, value] : response.headers) reply.set(name, value);
            reply.keep_alive(keep_alive && !stopping);
            reply.body() = std::move(response.body);
            reply.prepare_payload();
            timer.expires_after(limits.read_timeout);
            auto [write_error, written] =
                co_await http::async_write(stream, reply, asio::as_tuple(asio::use_awaitable));
            (void)written;
            if (write_error || !reply.keep_alive()) break;
        }
    }
};

http_server::http_server(asio::io_context& io, const std::string& listen, http_limits limits)
    : impl_(std::make_unique<impl>(io, limits)) {
    auto parts = split_host_port(listen);
    if (!parts) throw std::runtime_error("http.listen '" + listen + "' is not host:port");
    tcp::endpoint endpoint{asio::ip::make_address(parts->first), parts->second};
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen();
    if (limits.tls_cert_file.empty() != limits.tls_key_file.empty())
        throw std::runtime_error("TLS needs both a certificate and a key");
    if (!limits.tls_cert_file.empty()) {
        auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
        tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
        beast::error_code error;
        tls->use_certificate_chain_file(limits.tls_cert_file, error);
        if (error)
            throw std::runtime_error("cannot load the TLS certificate " + limits.tls_cert_file + ": " +
                                     error.message());
        tls->use_private_key_file(limits.tls_key_file, asio::ssl::context::pem, error);
        if (error)
            throw std::runtime_error("cannot load the TLS key " + limits.tls_key_file + ": " +
                                     error.message());
        impl_->tls = std::move(tls);
    }
}

http_server::~http_server() = default;

void http_server::route(std::string method, std::string path, http_handler handler) {
    impl_->routes[{std::move(method), std::move(path)}] = std::move(handler);
}

unsigned short http_server::port() const {
    return impl_->acceptor.local_endpoint().port();
}

std::uint64_t http_server::rejected() const {
    return impl_->rejected;
}

asio::awaitable<void> http_server::run() {
    while (!impl_->stopping) {
        auto [error, socket] = co_await impl_->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (error) {
            if (impl_->stopping || error == asio::error::operation_aborted) break;
            spdlog::warn("accept failed: {}", error.message());
            continue;
        }
        asio::co_spawn(impl_->io, impl_->session(std::move(socket)), [](std::exception_ptr failure) {
            if (!failure) return;
            try {
                std::rethrow_exception(failure);
            } catch (const std::exception& e) {
                spdlog::warn("HTTP session ended: {}", e.what());
            }
        });
    }
}

void http_server::stop() {
    impl_->stopping = true;
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
}

}  // namespace hindsight::bot
