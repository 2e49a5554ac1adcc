#pragma once
// A blocking HTTP client for tests: raw bytes out to 127.0.0.1, the whole response back (the servers under
// test close after a reply without keep-alive). Raw bytes, so tests can also send what no real client would.
#include <array>
#include <boost/asio.hpp>
#include <string>

namespace hindsight::testing {

inline std::string round_trip(unsigned short port, const std::string& request) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    boost::asio::write(socket, boost::asio::buffer(request));
    std::string response;
    boost::system::error_code error;
    std::array<char, 4096> chunk{};
    for (int reads = 0; reads < 1000; ++reads) {
        auto n = socket.read_some(boost::asio::buffer(chunk), error);
        response.append(chunk.data(), n);
        if (error) break;
    }
    return response;
}

}  // namespace hindsight::testing
