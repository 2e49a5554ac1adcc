#include "bot/net/websocket.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "bot/net/web_client.hpp"

namespace hindsight::bot {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ws = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct websocket::impl {
    virtual ~impl() = default;
    virtual asio::any_io_executor executor() = 0;
    virtual asio::awaitable<std::optional<std::string>> read(std::string& why) = 0;
    virtual asio::awaitable<bool> write(const std::string& text, std::string& why) = 0;
    virtual asio::awaitable<void> close() = 0;
    virtual void drop() = 0;
};

namespace {

std::string describe_end(const beast::error_code& code, const ws::close_reason& reason) {
    if (code == ws::error::closed) {
        auto text = "closed by the server (code " + std::to_string(reason.code);
        if (!reason.reason.empty()) text += ": " + std::string(reason.reason.c_str());
        return text + ")";
    }
    return code.message();
}

template <class Next>
struct stream_impl final : websocket::impl {
    std::unique_ptr<ssl::context> tls;  // first: it must outlive the stream
    ws::stream<Next> stream;
    beast::flat_buffer buffer;
    websocket_options options;

    template <class... Args>
    stream_impl(std::unique_ptr<ssl::context> context, websocket_options o, Args&&... args)
        : tls(std::move(context)), stream(std::forward<Args>(args)...), options(std::move(o)) {}

    asio::any_io_executor executor() override { return stream.get_executor(); }

    asio::awaitable<std::optional<std::string>> read(std::string& why) override {
        for (;;) {
            buffer.clear();
            auto [code, bytes] = co_await stream.async_read(buffer, asio::as_tuple(asio::use_awaitable));
            (void)bytes;
            if (code) {
                why = describe_end(code, stream.reason());
                co_return std::nullopt;
            }
            if (stream.got_text()) co_return beast::buffers_to_string(buffer.data());
        }
    }

    asio::awaitable<bool> write(const std::string& text, std::string& why) override {
        stream.text(true);
        auto [code, bytes] =
            co_await stream.async_write(asio::buffer(text), asio::as_tuple(asio::use_awaitable));
        (void)bytes;
        if (code) why = code.message();
        co_return !code;
    }

    asio::awaitable<void> close() override {
        // The close handshake gets a second; then the socket goes regardless.
        stream.set_option(ws::stream_base::timeout{std::chrono::seconds{1}, options.idle_timeout, true});
        auto [code] =
            co_await stream.async_close(ws::close_code::normal, asio::as_tuple(asio::use_awaitable));
        (void)code;
        drop();
    }

    void drop() override {
        beast::error_code ignored;
        beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(stream).socket().close(ignored);
    }

    // The upgrade, after the TCP (and TLS) connection is up.
    asio::awaitable<void> upgrade(const url_parts& parts) {
        beast::get_lowest_layer(stream).expires_never();
        // Acks are small frames that should leave at once, not wait for Nagle's algorithm to fill a segment.
        beast::get_lowest_layer(stream).socket().set_option(tcp::no_delay(true));
        stream.set_option(ws::stream_base::timeout{options.handshake_timeout, options.idle_timeout, true});
        stream.read_message_max(options.max_message_bytes);
        auto headers = options.headers;
        stream.set_option(ws::stream_base::decorator([headers](ws::request_type& request) {
            request.set(beast::http::field::user_agent, "hindsight");
            for (const auto& [name, value] : headers) request.set(name, value);
        }));
        // A named host string: g++ 12 mishandles temporaries that live across a co_await.
        bool default_port = parts.port == (parts.tls ? "443" : "80");
        std::string host = default_port ? parts.host : parts.host + ":" + parts.port;
        co_await stream.async_handshake(host, parts.target, asio::use_awaitable);
    }
};

}  // namespace

websocket::websocket(std::unique_ptr<impl> stream) : stream_(std::move(stream)) {}
websocket::~websocket() = default;

asio::awaitable<std::shared_ptr<websocket>> websocket::open(asio::io_context& io, std::string url,
                                                            websocket_options options, std::string* error) {
    std::string why;
    auto parts = parse_url(url, &why);
    if (!parts) {
        if (error) *error = "refused URL: " + why;
        co_return nullptr;
    }
    try {
        tcp::resolver resolver(io);
        auto endpoints = co_await resolver.async_resolve(parts->host, parts->port, asio::use_awaitable);
        if (!parts->tls) {
            auto stream = std::make_unique<stream_impl<beast::tcp_stream>>(nullptr, options, io);
            beast::get_lowest_layer(stream->stream).expires_after(options.handshake_timeout);
            co_await beast::get_lowest_layer(stream->stream).async_connect(endpoints, asio::use_awaitable);
            co_await stream->upgrade(*parts);
            co_return std::make_shared<websocket>(std::move(stream));
        }
        auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
        context->set_default_verify_paths();
        if (!options.extra_ca_file.empty()) context->load_verify_file(options.extra_ca_file);
        context->set_verify_mode(ssl::verify_peer);
        context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                             ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
        auto& tls = *context;
        auto stream = std::make_unique<stream_impl<beast::ssl_stream<beast::tcp_stream>>>(std::move(context),
                                                                                          options, io, tls);
        auto& layer = stream->stream.next_layer();
        // SNI, and the certificate must name the host we asked for.
        if (!SSL_set_tlsext_host_name(layer.native_handle(), parts->host.c_str())) {
            if (error) *error = "could not set SNI";
            co_return nullptr;
        }
        layer.set_verify_callback(ssl::host_name_verification(parts->host));
        beast::get_lowest_layer(layer).expires_after(options.handshake_timeout);
        co_await beast::get_lowest_layer(layer).async_connect(endpoints, asio::use_awaitable);
        co_await layer.async_handshake(ssl::stream_base::client, asio::use_awaitable);
        co_await stream->upgrade(*parts);
        co_return std::make_shared<websocket>(std::move(stream));
    } catch (const boost::system::system_error& failure) {
        // The host and the failure, never the URL's query (Slack's carries a ticket).
        if (error) *error = parts->host + ": " + failure.code().message();
        co_return nullptr;
    }
}

asio::awaitable<std::optional<std::string>> websocket::read() {
    if (!open_) co_return std::nullopt;
    std::string why;
    auto message = co_await stream_->read(why);
    if (!message) ended(why);
    co_return message;
}

void websocket::send(std::string text) {
    if (!open_ || close_requested_) return;
    outgoing_.push_back(std::move(text));
    if (writing_) return;
    writing_ = true;
    asio::co_spawn(stream_->executor(), write_queued(), [self = shared_from_this()](std::exception_ptr) {});
}

void websocket::close() {
    if (!open_ || close_requested_) return;
    close_requested_ = true;
    if (writing_) return;  // the writer closes after the queue
    writing_ = true;
    asio::co_spawn(stream_->executor(), write_queued(), [self = shared_from_this()](std::exception_ptr) {});
}

void websocket::drop() {
    if (!open_) return;
    stream_->drop();
    ended("dropped by us");
}

asio::awaitable<void> websocket::write_queued() {
    while (open_ && !outgoing_.empty()) {
        auto text = std::move(outgoing_.front());
        outgoing_.pop_front();
        std::string why;
        if (!co_await stream_->write(text, why)) ended(why);
    }
    if (open_ && close_requested_) {
        co_await stream_->close();
        ended("closed by us");
    }
    writing_ = false;
}

void websocket::ended(std::string why) {
    if (!open_) return;
    open_ = false;
    end_reason_ = std::move(why);
    outgoing_.clear();
}

}  // namespace hindsight::bot
