#include "tls_front.hpp"

#include <array>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <vector>

namespace hindsight::testing {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// One relayed connection: the bot's TLS side and the fake's plain side. Whichever side ends first closes
// both, so a fake that drops a socket looks dropped to the bot.
struct relay : std::enable_shared_from_this<relay> {
    relay(tcp::socket client, ssl::context& tls, asio::io_context& io)
        : secure(std::move(client), tls), plain(io) {}
    ssl::stream<tcp::socket> secure;
    tcp::socket plain;
    std::array<char, 16384> up{};
    std::array<char, 16384> down{};
    bool closed = false;

    void close() {
        if (closed) return;
        closed = true;
        boost::system::error_code ignored;
        secure.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
        secure.lowest_layer().close(ignored);
        plain.shutdown(tcp::socket::shutdown_both, ignored);
        plain.close(ignored);
    }

    void start(unsigned short upstream_port, std::shared_ptr<std::size_t> handshakes) {
        auto self = shared_from_this();
        secure.async_handshake(
            ssl::stream_base::server, [self, upstream_port, handshakes](boost::system::error_code error) {
                if (error) return self->close();
                ++*handshakes;
                tcp::endpoint upstream{asio::ip::make_address("127.0.0.1"), upstream_port};
                self->plain.async_connect(upstream, [self](boost::system::error_code connected) {
                    if (connected) return self->close();
                    boost::system::error_code ignored;
                    self->plain.set_option(tcp::no_delay(true), ignored);
                    self->secure.lowest_layer().set_option(tcp::no_delay(true), ignored);
                    self->client_to_fake();
                    self->fake_to_client();
                });
            });
    }

    void client_to_fake() {
        auto self = shared_from_this();
        secure.async_read_some(asio::buffer(up), [self](boost::system::error_code error, std::size_t n) {
            if (error) return self->close();
            asio::async_write(self->plain, asio::buffer(self->up.data(), n),
                              [self](boost::system::error_code written, std::size_t) {
                                  if (written) return self->close();
                                  self->client_to_fake();
                              });
        });
    }

    void fake_to_client() {
        auto self = shared_from_this();
        plain.async_read_some(asio::buffer(down), [self](boost::system::error_code error, std::size_t n) {
            if (error) return self->close();
            asio::async_write(self->secure, asio::buffer(self->down.data(), n),
                              [self](boost::system::error_code written, std::size_t) {
                                  if (written) return self->close();
                                  self->fake_to_client();
                              });
        });
    }
};

}  // namespace

struct tls_front::impl : std::enable_shared_from_this<tls_front::impl> {
    impl(asio::io_context& context, unsigned short upstream, const std::string& cert_dir)
        : io(context),
          acceptor(context, {asio::ip::make_address("127.0.0.1"), 0}),
          tls(ssl::context::tls_server),
          upstream_port(upstream) {
        tls.use_certificate_chain_file(cert_dir + "/server.pem");
        tls.use_private_key_file(cert_dir + "/server.key", ssl::context::pem);
    }
    asio::io_context& io;
    tcp::acceptor acceptor;
    ssl::context tls;
    unsigned short upstream_port;
    // Shared with the relays, which may outlive the front; stop() closes the ones still open.
    std::shared_ptr<std::size_t> handshakes = std::make_shared<std::size_t>(0);
    std::vector<std::weak_ptr<relay>> relays;

    void accept_next() {
        auto self = shared_from_this();
        acceptor.async_accept([self](boost::system::error_code error, tcp::socket socket) {
            if (error) return;
            auto connection = std::make_shared<relay>(std::move(socket), self->tls, self->io);
            std::erase_if(self->relays, [](const auto& r) { return r.expired(); });
            self->relays.push_back(connection);
            connection->start(self->upstream_port, self->handshakes);
            self->accept_next();
        });
    }
};

tls_front::tls_front(asio::io_context& io, unsigned short upstream_port, const std::string& cert_dir)
    : impl_(std::make_shared<impl>(io, upstream_port, cert_dir)) {
    impl_->accept_next();
}

tls_front::~tls_front() {
    stop();
}

unsigned short tls_front::port() const {
    return impl_->acceptor.local_endpoint().port();
}

std::size_t tls_front::handshakes() const {
    return *impl_->handshakes;
}

void tls_front::stop() {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
    for (auto& weak : impl_->relays)
        if (auto open = weak.lock()) open->close();
    impl_->relays.clear();
}

}  // namespace hindsight::testing
