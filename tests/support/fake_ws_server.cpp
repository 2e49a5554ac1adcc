#include "fake_ws_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "domain/text.hpp"

namespace hindsight::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ws = beast::websocket;
using tcp = asio::ip::tcp;

struct fake_ws_session::impl {
    explicit impl(tcp::socket socket) : stream(std::move(socket)) {}
    ws::stream<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
};

fake_ws_session::fake_ws_session(std::unique_ptr<impl> stream) : stream_(std::move(stream)) {}
fake_ws_session::~fake_ws_session() = default;

void fake_ws_session::start() {
    auto self = shared_from_this();
    stream_->buffer.clear();
    stream_->stream.async_read(stream_->buffer, [self](beast::error_code error, std::size_t) {
        if (error) {
            self->end();
            return;
        }
        auto text = beast::buffers_to_string(self->stream_->buffer.data());
        if (self->on_message) self->on_message(text);
        self->start();
    });
}

void fake_ws_session::send(std::string text) {
    if (!open_ || close_requested_) return;
    outgoing_.push_back(std::move(text));
    if (!writing_) write_next();
}

void fake_ws_session::close() {
    if (!open_ || close_requested_) return;
    close_requested_ = true;
    if (!writing_) write_next();
}

void fake_ws_session::drop() {
    if (!open_) return;
    beast::error_code ignored;
    beast::get_lowest_layer(stream_->stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_->stream).socket().close(ignored);
    end();
}

void fake_ws_session::write_next() {
    auto self = shared_from_this();
    if (!open_) return;
    if (outgoing_.empty()) {
        writing_ = false;
        if (close_requested_) {
            writing_ = true;
            stream_->stream.async_close(ws::close_code::normal, [self](beast::error_code) {});
        }
        return;
    }
    writing_ = true;
    auto text = std::make_shared<std::string>(std::move(outgoing_.front()));
    outgoing_.pop_front();
    stream_->stream.text(true);
    stream_->stream.async_write(asio::buffer(*text), [self, text](beast::error_code error, std::size_t) {
        if (error) {
            self->end();
            return;
        }
        self->write_next();
    });
}

void fake_ws_session::end() {
    if (!open_) return;
    open_ = false;
    outgoing_.clear();
    if (on_end) on_end();
}

struct fake_ws_server::impl : std::enable_shared_from_this<fake_ws_server::impl> {
    explicit impl(asio::io_context& io) : acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {}
    tcp::acceptor acceptor;
    std::function<void(std::shared_ptr<fake_ws_session>)>* on_session = nullptr;
    std::function<bot::http_response(const bot::http_request&)>* on_http = nullptr;

    void accept_next() {
        auto self = shared_from_this();
        acceptor.async_accept([self](beast::error_code error, tcp::socket socket) {
            if (error) return;
            beast::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            self->upgrade(std::move(socket));
            self->accept_next();
        });
    }

    void upgrade(tcp::socket socket) {
        auto state =
            std::make_shared<std::pair<beast::flat_buffer, beast::http::request<beast::http::string_body>>>();
        auto stream = std::make_unique<fake_ws_session::impl>(std::move(socket));
        auto* raw = stream.get();
        auto session = std::make_shared<fake_ws_session>(std::move(stream));
        read_request(state, session, raw);
    }

    // Plain HTTP requests on the same port go to on_http (keep-alive), an upgrade becomes a session.
    template <class State>
    void read_request(std::shared_ptr<State> state, std::shared_ptr<fake_ws_session> session,
                      fake_ws_session::impl* raw) {
        auto self = shared_from_this();
        state->second = {};
        beast::http::async_read(
            beast::get_lowest_layer(raw->stream), state->first, state->second,
            [self, state, session, raw](beast::error_code error, std::size_t) {
                if (error) return;
                auto& request = state->second;
                if (!ws::is_upgrade(request)) {
                    bot::http_request plain;
                    plain.method = std::string(request.method_string());
                    plain.target = std::string(request.target());
                    plain.body = request.body();
                    for (const auto& field : request)
                        plain.headers.emplace_back(domain::ascii_lower(field.name_string()),
                                                   std::string(field.value()));
                    bot::http_response reply{404, "text/plain", "not found\n"};
                    if (self->on_http && *self->on_http) reply = (*self->on_http)(plain);
                    auto response = std::make_shared<beast::http::response<beast::http::string_body>>(
                        static_cast<beast::http::status>(reply.status), 11);
                    response->set(beast::http::field::content_type, reply.content_type);
                    response->body() = reply.body;
                    response->keep_alive(request.keep_alive());
                    response->prepare_payload();
                    beast::http::async_write(
                        beast::get_lowest_layer(raw->stream), *response,
                        [self, state, session, raw, response](beast::error_code written, std::size_t) {
                            if (written || !response->keep_alive()) {
                                beast::error_code ignored;
                                beast::get_lowest_layer(raw->stream)
                                    .socket()
                                    .shutdown(tcp::socket::shutdown_both, ignored);
                                return;
                            }
                            self->read_request(state, session, raw);
                        });
                    return;
                }
                session->target = std::string(request.target());
                for (const auto& field : request)
                    session->headers.emplace_back(domain::ascii_lower(field.name_string()),
                                                  std::string(field.value()));
                raw->stream.async_accept(request, [self, session](beast::error_code accepted) {
                    if (accepted) return;
                    if (self->on_session && *self->on_session) (*self->on_session)(session);
                    session->start();
                });
            });
    }
};

fake_ws_server::fake_ws_server(asio::io_context& io) : impl_(std::make_shared<impl>(io)) {
    impl_->on_session = &on_session;
    impl_->on_http = &on_http;
    impl_->accept_next();
}

fake_ws_server::~fake_ws_server() {
    impl_->on_session = nullptr;
    impl_->on_http = nullptr;
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
}

unsigned short fake_ws_server::port() const {
    return impl_->acceptor.local_endpoint().port();
}

void fake_ws_server::stop() {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
}

}  // namespace hindsight::testing
