// The HTTPS and WebSocket clients against a TLS server on 127.0.0.1 with a test CA (tests/certs, valid until
// 2126): the chain must lead to a trusted CA and the certificate must name the host asked for.
#include <catch2/catch.hpp>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <thread>

#include "bot/net/http_server.hpp"
#include "bot/net/web_client.hpp"
#include "bot/net/websocket.hpp"
#include "loopback_client.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using namespace std::chrono;
using namespace hindsight;

namespace {

const std::string certs = std::string(HINDSIGHT_SOURCE_DIR) + "/tests/certs/";

// Serves each connection once: an upgrade gets a WebSocket that says "hello", anything else "200 ok".
class tls_server {
public:
    explicit tls_server(const std::string& name) : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
        tls_.use_certificate_chain_file(certs + name + ".pem");
        tls_.use_private_key_file(certs + name + ".key", ssl::context::pem);
        asio::co_spawn(io_, serve(), asio::detached);
        thread_ = std::thread([this] { io_.run_for(seconds{20}); });
    }
    ~tls_server() {
        io_.stop();
        thread_.join();
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }

private:
    asio::awaitable<void> serve() {
        for (;;) {
            auto socket = co_await acceptor_.async_accept(asio::use_awaitable);
            asio::co_spawn(io_, session(std::move(socket)), asio::detached);
        }
    }
    asio::awaitable<void> session(tcp::socket socket) {
        beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), tls_);
        try {
            co_await stream.async_handshake(ssl::stream_base::server, asio::use_awaitable);
            beast::flat_buffer buffer;
            http::request<http::string_body> request;
            co_await http::async_read(stream, buffer, request, asio::use_awaitable);
            if (beast::websocket::is_upgrade(request)) {
                beast::websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(std::move(stream));
                co_await ws.async_accept(request, asio::use_awaitable);
                ws.text(true);
                co_await ws.async_write(asio::buffer(std::string("hello")), asio::use_awaitable);
                beast::flat_buffer rest;
                co_await ws.async_read(rest, asio::use_awaitable);  // until the client closes
            } else {
                http::response<http::string_body> response{http::status::ok, 11};
                response.body() = "ok";
                response.keep_alive(false);
                response.prepare_payload();
                co_await http::async_write(stream, response, asio::use_awaitable);
            }
        } catch (const std::exception&) {
            // a client that refused our certificate hangs up: that is the point of some tests
        }
    }

    asio::io_context io_;
    ssl::context tls_{ssl::context::tls_server};
    tcp::acceptor acceptor_;
    std::thread thread_;
};

bot::web_response get(const std::string& url, const std::string& ca_file) {
    asio::io_context io;
    bot::web_client client(io, ca_file, seconds{5});
    bot::web_response response;
    bot::web_request request;
    request.method = "GET";
    request.url = url;
    asio::co_spawn(io, client.send(request),
                   [&](std::exception_ptr, bot::web_response r) { response = std::move(r); });
    io.run_for(seconds{10});
    return response;
}

std::pair<std::optional<std::string>, std::string> websocket_hello(const std::string& url,
                                                                   const std::string& ca_file) {
    asio::io_context io;
    std::optional<std::string> first;
    std::string error;
    auto run = [&]() -> asio::awaitable<void> {
        bot::websocket_options options;
        options.extra_ca_file = ca_file;
        auto socket = co_await bot::websocket::open(io, url, options, &error);
        if (!socket) co_return;
        first = co_await socket->read();
        socket->close();
    };
    asio::co_spawn(io, run(), asio::detached);
    io.run_for(seconds{10});
    return {first, error};
}

}  // namespace

TEST_CASE("HTTPS: a certificate from the trusted CA naming the host is accepted; others are refused") {
    tls_server good("server");
    auto url = "https://127.0.0.1:" + std::to_string(good.port()) + "/api/auth.test";
    auto trusted = get(url, certs + "ca.pem");
    CHECK(trusted.status == 200);
    CHECK(trusted.body == "ok");
    auto by_name = get("https://localhost:" + std::to_string(good.port()) + "/", certs + "ca.pem");
    CHECK(by_name.status == 200);
    // The system store does not know the test CA.
    auto untrusted = get(url, "");
    CHECK(untrusted.status == 0);
    CHECK(untrusted.error.find("certificate verify failed") != std::string::npos);

    tls_server wrong("wrong");  // signed by the same CA, but for wrong.example
    auto mismatch = get("https://127.0.0.1:" + std::to_string(wrong.port()) + "/", certs + "ca.pem");
    CHECK(mismatch.status == 0);
    CHECK(mismatch.error.find("certificate verify failed") != std::string::npos);
}

TEST_CASE("wss: the same checks for the WebSocket client") {
    tls_server good("server");
    auto [hello, error] = websocket_hello(
        "wss://127.0.0.1:" + std::to_string(good.port()) + "/link/?ticket=1", certs + "ca.pem");
    REQUIRE(hello);
    CHECK(*hello == "hello");
    auto [untrusted, why] = websocket_hello("wss://127.0.0.1:" + std::to_string(good.port()) + "/", "");
    CHECK_FALSE(untrusted);
    CHECK(why.find("certificate verify failed") != std::string::npos);
    CHECK(why.find("ticket") == std::string::npos);  // the URL's query (Slack's ticket) is never in errors

    tls_server wrong("wrong");
    auto [mismatch, mismatch_why] =
        websocket_hello("wss://127.0.0.1:" + std::to_string(wrong.port()) + "/", certs + "ca.pem");
    CHECK_FALSE(mismatch);
    CHECK(mismatch_why.find("certificate verify failed") != std::string::npos);
}

TEST_CASE("the listener serves HTTPS with http.tls_cert and http.tls_key, and nothing in plain text") {
    asio::io_context io;
    bot::http_limits limits;
    limits.tls_cert_file = certs + "server.pem";
    limits.tls_key_file = certs + "server.key";
    bot::http_server server(io, "127.0.0.1:0", limits);
    server.route("GET", "/healthz", [](const bot::http_request&) -> asio::awaitable<bot::http_response> {
        co_return bot::http_response{200, "text/plain; charset=utf-8", "ok\n"};
    });
    asio::co_spawn(io, server.run(), asio::detached);
    std::thread runner([&] { io.run_for(seconds{20}); });
    auto url = "https://127.0.0.1:" + std::to_string(server.port()) + "/healthz";
    auto secure = get(url, certs + "ca.pem");
    CHECK(secure.status == 200);
    CHECK(secure.body == "ok\n");
    // A plain-HTTP client gets no answer (the handshake fails) and the listener counts it.
    auto plain =
        testing::round_trip(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(plain.find("200") == std::string::npos);
    asio::post(io, [&] { server.stop(); });
    io.stop();
    runner.join();
    CHECK(server.rejected() >= 1);
    // A key that does not exist is a clear error at start, not a plain listener.
    bot::http_limits missing = limits;
    missing.tls_key_file = certs + "nope.key";
    asio::io_context other;
    CHECK_THROWS_WITH(bot::http_server(other, "127.0.0.1:0", missing),
                      Catch::Contains("cannot load the TLS key"));
}
