#include <catch2/catch.hpp>

#include "bot/slack/signature.hpp"

using namespace hindsight::slack;
using std::chrono::seconds;
using std::chrono::sys_seconds;

namespace {
// Slack's documented example (also in python-slack-sdk, java-slack-sdk and bolt-js tests).
constexpr std::string_view secret = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr std::string_view timestamp = "1531420618";
constexpr std::string_view body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_"
    "name="
    "foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%"
    "2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id="
    "398738663015."
    "47445629121.803a0bc887a14d10d2c447fce8b6703c";
constexpr std::string_view expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const sys_seconds then{seconds{1531420618}};
}  // namespace

TEST_CASE("Slack's documented signing example verifies") {
    CHECK(sign(secret, timestamp, body) == expected);
    CHECK(verify_signature(secret, timestamp, expected, body, then) == signature_verdict::valid);
    CHECK(verify_signature(secret, timestamp, expected, body, then + seconds{300}) ==
          signature_verdict::valid);
    CHECK(verify_signature(secret, timestamp, expected, body, then - seconds{300}) ==
          signature_verdict::valid);
}

TEST_CASE("forged, stale, future-dated and malformed requests are refused") {
    std::string forged(expected);
    forged.back() = forged.back() == '3' ? '4' : '3';
    CHECK(verify_signature(secret, timestamp, forged, body, then) == signature_verdict::mismatch);
    CHECK(verify_signature("another-secret", timestamp, expected, body, then) == signature_verdict::mismatch);
    CHECK(verify_signature(secret, timestamp, expected, std::string(body) + "&x=1", then) ==
          signature_verdict::mismatch);
    CHECK(verify_signature(secret, timestamp, expected, body, then + seconds{301}) ==
          signature_verdict::stale);
    CHECK(verify_signature(secret, timestamp, expected, body, then - seconds{301}) ==
          signature_verdict::from_the_future);
    CHECK(verify_signature(secret, "", expected, body, then) == signature_verdict::missing_headers);
    CHECK(verify_signature(secret, timestamp, "", body, then) == signature_verdict::missing_headers);
    CHECK(verify_signature(secret, "15314x0618", expected, body, then) == signature_verdict::malformed);
    CHECK(verify_signature(secret, timestamp, "v1=" + std::string(expected.substr(3)), body, then) ==
          signature_verdict::malformed);
    CHECK(verify_signature(secret, timestamp, expected.substr(0, 20), body, then) ==
          signature_verdict::malformed);
    CHECK(describe(signature_verdict::stale).find("older") != std::string_view::npos);
}
