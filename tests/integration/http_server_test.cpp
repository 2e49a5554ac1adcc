// The HTTP listener over a real loopback socket: routes, 404/405, a body over the limit, malformed requests,
// and the server keeps serving after each.
#include <catch2/catch.hpp>

#include <boost/asio.hpp>
#include <thread>

#include "bot/net/http_server.hpp"
#include "loopback_client.hpp"

namespace asio = boost::asio;
using hindsight::testing::round_trip;
using namespace hindsight::bot;

namespace {}  // namespace

TEST_CASE("the HTTP listener routes, refuses bad requests and keeps serving") {
    asio::io_context io;
    http_server server(io, "127.0.0.1:0", http_limits{1024, std::chrono::seconds{2}});
    server.route("GET", "/healthz", [](const http_request&) -> asio::awaitable<http_response> {
        co_return http_response{200, "text/plain", "ok\n"};
    });
    server.route("POST", "/echo", [](const http_request& r) -> asio::awaitable<http_response> {
        co_return http_response{200, "text/plain", r.header("X-Test") + ":" + r.body};
    });
    asio::co_spawn(io, server.run(), [](std::exception_ptr) {});
    auto port = server.port();
    std::thread runner([&] { io.run_for(std::chrono::seconds{20}); });

    auto ok = round_trip(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(ok.starts_with("HTTP/1.1 200"));
    CHECK(ok.ends_with("ok\n"));
    auto echo = round_trip(port,
                           "POST /echo HTTP/1.1\r\nHost: x\r\nX-Test: hi\r\nContent-Length: 5\r\nConnection: "
                           "close\r\n\r\nhello");
    CHECK(echo.ends_with("hi:hello"));
    CHECK(round_trip(port, "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
              .starts_with("HTTP/1.1 404"));
    CHECK(round_trip(port, "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
              .starts_with("HTTP/1.1 405"));
    auto big = round_trip(
        port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n" +
                  std::string(5000, 'x'));
    CHECK(big.starts_with("HTTP/1.1 413"));
    CHECK(round_trip(port, "NOT HTTP AT ALL\r\n\r\n").starts_with("HTTP/1.1 400"));
    CHECK(server.rejected() == 2);
    CHECK(round_trip(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
              .starts_with("HTTP/1.1 200"));

    asio::post(io, [&] { server.stop(); });
    io.stop();
    runner.join();
}

TEST_CASE("listen addresses are parsed strictly") {
    CHECK(split_host_port("127.0.0.1:8080") ==
          std::make_pair(std::string("127.0.0.1"), static_cast<unsigned short>(8080)));
    CHECK(split_host_port("[::1]:0") == std::make_pair(std::string("::1"), static_cast<unsigned short>(0)));
    CHECK_FALSE(split_host_port("8080"));
    CHECK_FALSE(split_host_port("host:99999"));
    CHECK_FALSE(split_host_port("host:http"));
}
