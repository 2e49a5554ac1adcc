// Precompiled for the bot's translation units: the heavy Asio/Beast headers parse once.
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
