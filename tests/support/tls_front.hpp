#pragma once
// TLS in front of a fake: a listener on 127.0.0.1 that completes a TLS handshake with the test CA's
// certificate (tests/certs/server.pem, valid for 127.0.0.1 and localhost) and relays the bytes to and from
// the fake's plain port. The bot then reaches the fake over https:// and wss:// and verifies it exactly as it
// would verify Slack or Mattermost. A connection the fake drops is dropped on the TLS side too.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

namespace hindsight::testing {

class tls_front {
public:
    // cert_dir holds server.pem and server.key.
    tls_front(boost::asio::io_context& io, unsigned short upstream_port, const std::string& cert_dir);
    ~tls_front();
    unsigned short port() const;
    std::size_t handshakes() const;  // TLS sessions established so far (io thread)
    void stop();

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace hindsight::testing
